/**
 * What to send for a run now that its card changed: pure, so every decision is a table test.
 * The handler performs the plan and records what it delivered back on the card.
 */

import { entityKey } from '../../kernel/card/merge';
import { isTerminal, outcomeOf } from '../../kernel/card/outcome';
import type { FactRecord, RunCard } from '../../kernel/card/types';
import type { Level } from '../../kernel/config/schema';
import { fingerprint } from '../../kernel/fingerprint';
import type { RenderedMessage } from '../../kernel/render/blocks';
import type { Destinations } from '../../kernel/routing';
import { renderCard } from './slack-card';

export interface CardStep {
  readonly channel: string;
  /** Set when the card is already in the channel: update it in place. */
  readonly ts?: string;
  readonly message: RenderedMessage;
  readonly fingerprint: string;
}

export interface ThreadStep {
  readonly channel: string;
  /** `channel|failureKey`: recorded on the card once posted. */
  readonly key: string;
  readonly failure: FactRecord;
  readonly mentions: readonly string[];
}

export interface EmailStep {
  readonly topic: string;
  /** `topic|entity:state`: recorded on the card once published. */
  readonly key: string;
  readonly failures: readonly FactRecord[];
}

export interface Plan {
  readonly cards: readonly CardStep[];
  readonly threads: readonly ThreadStep[];
  readonly emails: readonly EmailStep[];
}

export interface PlanOptions {
  /**
   * Whether an approval policy governs this approval action: its own email (with the approval's
   * facts and deadline) replaces the run's "needs approval" email.
   */
  readonly approvalHasPolicy?: (stage: string, action: string) => boolean;
  /** The pipeline run (its key) that claimed this build after it was announced on its own card. */
  readonly partOf?: string;
}

/**
 * @example planDelivery(card, destinationsFor(config, card.run.kind, card.subject)).cards[0]?.ts // undefined: post
 */
export function planDelivery(card: RunCard, destinations: Destinations, options: PlanOptions = {}): Plan {
  const failures = threadWorthy(card);
  // A pull request's comments get a reply each too (functions/notify/domain/slack-thread.ts), sent once like a failure's.
  const replies = [
    ...failures,
    ...Object.entries(card.facts)
      .filter(([, r]) => r.fact.type === 'pull-request-comment')
      .sort(byTime),
  ];
  const cards: CardStep[] = [];
  const threads: ThreadStep[] = [];
  for (const target of destinations.slack) {
    if (target.level === 'failures' && Object.keys(card.failures).length === 0 && !card.slack[target.channel]?.ts) continue;
    const message = renderCard(card, target.level, { partOf: options.partOf });
    const print = fingerprint(message.blocks);
    const placement = card.slack[target.channel];
    if (!placement?.ts || placement.rendered !== print) cards.push({ channel: target.channel, ts: placement?.ts, message, fingerprint: print });
    for (const [failureKey, failure] of replies) {
      const key = `${target.channel}|${failureKey}`;
      if (!card.threads.includes(key)) threads.push({ channel: target.channel, key, failure, mentions: target.mentions });
    }
  }
  const emails = destinations.email.flatMap((target) =>
    emailKeys(card, target.level, options)
      .map((k) => `${target.topic}|${k}`)
      .filter((key) => !card.emails.includes(key))
      .map((key) => ({ topic: target.topic, key, failures: failures.map(([, f]) => f) })),
  );
  return { cards, threads, emails };
}

/** Whether a plan has nothing to do. */
export function isEmptyPlan(plan: Plan): boolean {
  return plan.cards.length === 0 && plan.threads.length === 0 && plan.emails.length === 0;
}

/**
 * Failures that get their own thread reply: the failing action of a pipeline (its stage and the
 * pipeline failing are already on the card), or the build / deployment of a standalone card.
 */
export function threadWorthy(card: RunCard): Array<[string, FactRecord]> {
  return (
    Object.entries(card.failures)
      // An alarm's card is its explanation (reason, what it watches, since when): no "alarm failed" reply.
      .filter(([, r]) => r.fact.type === 'action' || (card.run.kind !== 'pipeline' && card.run.kind !== 'alarm' && r.fact.type === card.run.kind))
      .sort(byTime)
  );
}

const byTime = ([a, ra]: [string, FactRecord], [b, rb]: [string, FactRecord]) => (ra.time < rb.time ? -1 : ra.time > rb.time ? 1 : a.localeCompare(b));

/** The fact that speaks for the whole run: the pipeline execution, the build, the deployment... */
function mainFact(card: RunCard): FactRecord | undefined {
  return Object.values(card.facts).find((r) => r.fact.type === card.run.kind);
}

const EMAIL_AT: Readonly<Record<Level, (outcome: ReturnType<typeof outcomeOf>) => boolean>> = {
  all: () => true,
  'status-changes': isTerminal,
  failures: (o) => o === 'failed',
};

/** Email keys due now: the run's state at this level, and every approval waiting for a person. */
function emailKeys(card: RunCard, level: Level, options: PlanOptions): string[] {
  const main = mainFact(card);
  const keys = main && EMAIL_AT[level](outcomeOf(main.fact)) ? [`${entityKey(main.fact)}:${stateOf(main)}`] : [];
  const approvals = Object.values(card.facts)
    .filter((r) => r.fact.type === 'action' && outcomeOf(r.fact) === 'waiting' && !options.approvalHasPolicy?.(r.fact.stage, r.fact.action))
    .map((r) => `${entityKey(r.fact)}:waiting@${r.time}`);
  return [...keys, ...approvals];
}

function stateOf(record: FactRecord): string {
  return 'state' in record.fact ? record.fact.state : record.fact.status;
}
