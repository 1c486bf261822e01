/**
 * notify's own queue in replay. What notify sends itself, delayed (a redelivery of a run's card: the
 * announcement of a failed build no pipeline action claimed within its grace, a delivery Slack's
 * budget held back), comes back on the virtual clock once its SQS delay has passed: its body is read
 * like any record of the queue, by notify's batch path. Each delivery is its own entry of replay's
 * output, named by its time and what sent it
 * (`redelivery 2026-11-23T09:25:58.000Z, sent by events/…/03-build-failed.json`), its calls attributed to it.
 *
 * The send itself is not shown as a call (`sqs.sendMessage`), as before replay had a queue: replay's
 * calls are what reaches Slack, email and the account, and the send is notify's own bookkeeping.
 */
import type { RedeliveryPort, SlackBudgetPort } from '../functions/kernel/ports';
import { redeliveryBody } from '../functions/notify/domain/redelivery';
import type { Scheduler } from '../tools/step-functions/clock';

/** SQS holds a message back at most 15 minutes, as functions/notify/aws/redelivery.ts asks it to. */
const MAX_DELAY_SECONDS = 900;

/** Slack's budget in replay: every call goes at once (nothing is sent, so nothing is rate limited). */
export const REPLAY_BUDGET: SlackBudgetPort = {
  take: async (calls) => calls.map(() => true),
  hold: async () => undefined,
};

/** Reads one message body as notify's queue would hand it over; returns the problem to show, if any. */
export type QueueConsumer = (body: string) => Promise<string | undefined>;

export interface ReplayQueue {
  /** The RedeliveryPort notify uses in replay. */
  readonly redelivery: RedeliveryPort;
  /** Who reads the messages when they are due (the notify target). */
  consume(consumer: QueueConsumer): void;
  /**
   * Who a call made while `label` is the clock's current sleeper belongs to: the redelivery being
   * delivered; undefined for a label that is not the queue's, or one still waiting (the call is the
   * scheduling event's own).
   */
  ownerOf(label: string | undefined): string | undefined;
  /** The redeliveries delivered so far, in time order, with the problem each met. */
  delivered(): ReadonlyArray<{ readonly label: string; readonly error?: string }>;
}

/** @example const queue = createReplayQueue({ clock, sender: () => currentEvent }); queue.consume((body) => …); deps.pacing = { budget: REPLAY_BUDGET, redelivery: queue.redelivery } */
export function createReplayQueue(shared: {
  readonly clock: Scheduler;
  /** Who is acting when a message is sent (replay's attribution): named in the entry it comes back as. */
  readonly sender: () => string | undefined;
}): ReplayQueue {
  const { clock } = shared;
  let consumer: QueueConsumer | undefined;
  /** Each message's sleeper label on the clock → its entry's label once it is delivered. */
  const names = new Map<string, string | undefined>();
  const delivered: Array<{ label: string; error?: string }> = [];
  const used = new Set<string>();
  let delivering: string | undefined;
  let seq = 0;
  const entryLabel = (due: Date, sender: string | undefined) => {
    const base = `redelivery ${due.toISOString()}${sender ? `, sent by ${sender}` : ''}`;
    let label = base;
    for (let n = 2; used.has(label); n += 1) label = `${base} (${n})`;
    used.add(label);
    return label;
  };
  return {
    redelivery: {
      async schedule(run, at, now) {
        const delay = Math.min(MAX_DELAY_SECONDS, Math.max(0, Math.ceil((at.getTime() - now.getTime()) / 1000)));
        const body = redeliveryBody(run);
        const read = consumer;
        if (!read) return;
        const due = new Date(now.getTime() + delay * 1000);
        const sender = shared.sender();
        const sleeper = `notify-queue#${++seq}`;
        names.set(sleeper, undefined);
        // A sleeper on the shared clock: it comes back when replay's clock passes its due time.
        const leave = clock.enter(sleeper);
        const arrive = async () => {
          await clock.sleep(due, sleeper);
          const label = entryLabel(due, sender);
          names.set(sleeper, label);
          delivering = sleeper;
          try {
            const error = await read(body);
            delivered.push({ label, ...(error ? { error } : {}) });
          } catch (error) {
            delivered.push({ label, error: `failed: ${error instanceof Error ? error.message : String(error)}` });
          } finally {
            delivering = undefined;
          }
        };
        void arrive().finally(leave);
      },
    },
    consume(next) {
      consumer = next;
    },
    ownerOf(label) {
      if (label === undefined || !names.has(label)) return undefined;
      return names.get(label) ?? (delivering === undefined ? undefined : names.get(delivering));
    },
    delivered: () => delivered,
  };
}
