/**
 * A redelivery: the message notify sends to its own queue, delayed, when Slack's budget held part of
 * a run's delivery back. It carries no facts, only which card to deliver again: by the time it
 * arrives the card holds every event merged since, so one delivery shows the latest state.
 */
import type { RunCard } from '../../kernel/card/types';
import type { Subject } from '../../kernel/events/observation';
import * as z from '../../kernel/zod';

/** The body's only key; an EventBridge event never has it. */
export const REDELIVERY_KEY = 'warden:redeliver';

export type Redelivery = Pick<RunCard, 'run' | 'subject'>;

const RedeliverySchema = z.object({
  [REDELIVERY_KEY]: z.object({
    run: z.object({
      kind: z.enum(['pipeline', 'build', 'deployment', 'package', 'alarm', 'pull-request', 'reference']),
      key: z.string().check(z.minLength(1)),
    }),
    subject: z.looseObject({ account: z.string(), region: z.string() }),
  }),
});

/** @example redeliveryBody(card) // '{"warden:redeliver":{"run":{…},"subject":{…}}}' */
export function redeliveryBody(card: Redelivery): string {
  return JSON.stringify({ [REDELIVERY_KEY]: { run: card.run, subject: card.subject } });
}

/** The run a message asks to deliver again, or undefined for anything else (an event, or a body we cannot read). */
export function readRedelivery(message: unknown): Redelivery | undefined {
  if (typeof message !== 'object' || message === null || !(REDELIVERY_KEY in message)) return undefined;
  const parsed = RedeliverySchema.safeParse(message);
  return parsed.success ? { run: parsed.data[REDELIVERY_KEY].run, subject: parsed.data[REDELIVERY_KEY].subject as Subject } : undefined;
}
