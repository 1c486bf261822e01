/**
 * Performs a delivery plan and records, on the card, exactly what went out, even when a later step
 * fails: a retry then sends only what is missing, never a second card or a second thread reply.
 */

import { absorb } from '../../kernel/card/merge';
import type { FactRecord, RunCard, SlackPlacement } from '../../kernel/card/types';
import { CardConflictError, SlackRateLimitedError } from '../../kernel/errors';
import type { BuildLogsPort } from '../../kernel/ports';
import { type Delivered, recordDelivery, releaseClaims } from '../domain/delivery';
import { renderEmail } from '../domain/email';
import { logRefFor } from '../domain/logs';
import type { Plan } from '../domain/plan';
import { renderFailure } from '../domain/slack-thread';
import type { NotifyDeps } from './deps';

interface Progress {
  placements: Record<string, SlackPlacement>;
  threads: string[];
  emails: string[];
}

/** Part of a plan held back for Slack's budget: until when, and whether this worker schedules its redelivery. */
export interface Deferral {
  readonly until: Date;
  /** False when the card already awaits a redelivery that will carry this one too. */
  readonly schedule: boolean;
}

/**
 * @returns `deferred` when part of the plan waits for a redelivery (the budget held it back, or
 * Slack answered 429 and the whole fleet now holds that method back until its `Retry-After`).
 */
export async function deliver(plan: Plan, card: RunCard, version: number, deps: NotifyDeps, deferral?: Deferral): Promise<'delivered' | 'deferred'> {
  const done: Progress = { placements: {}, threads: [], emails: [] };
  const tails = logTails(card, deps.logs, deps.config.defaults.logLines);
  let held = deferral;
  try {
    try {
      for (const step of plan.cards) {
        const base = { channel: step.channel, text: step.message.text, blocks: step.message.blocks };
        const updated = step.ts ? await deps.slack.updateMessage({ ...base, ts: step.ts }) : 'gone';
        // A card someone deleted is posted again, and the run goes on in the new message.
        const ts = updated === 'updated' && step.ts ? step.ts : (await deps.slack.postMessage(base)).ts;
        done.placements[step.channel] = { ts, rendered: step.fingerprint };
      }
      for (const step of plan.threads) {
        const threadTs = done.placements[step.channel]?.ts ?? card.slack[step.channel]?.ts;
        if (!threadTs) continue;
        const message = renderFailure(card, step.failure, { mentions: step.mentions, logLines: await tails(step.failure) });
        await deps.slack.postMessage({ channel: step.channel, text: message.text, blocks: message.blocks, threadTs });
        done.threads.push(step.key);
      }
    } catch (error) {
      // A 429: the rest of the Slack steps wait, for every worker, until Slack's Retry-After.
      if (!(error instanceof SlackRateLimitedError) || !deps.pacing) throw error;
      await deps.pacing.budget.hold(error.method, error.retryAt, deps.now());
      held = { until: new Date(Math.max(error.retryAt.getTime(), held?.until.getTime() ?? 0)), schedule: true };
    }
    for (const step of plan.emails) {
      const failures = await Promise.all(step.failures.map(async (record) => ({ record, logLines: await tails(record) })));
      const topicArn = step.topic === 'default' ? deps.defaultTopicArn : step.topic;
      await deps.email.publish(renderEmail(card, topicArn, { failures }));
      done.emails.push(step.key);
    }
    if (held?.schedule) await deps.pacing?.redelivery.schedule(card, held.until, deps.now());
  } catch (error) {
    const unposted = plan.cards.filter((s) => !s.ts && !done.placements[s.channel]).map((s) => s.channel);
    await save(releaseClaims(card, unposted), version, done, deps);
    throw error;
  }
  const unposted = plan.cards.filter((s) => !s.ts && !done.placements[s.channel]).map((s) => s.channel);
  await save(releaseClaims(card, unposted), version, held ? { ...done, deferred: held.until.toISOString() } : done, deps);
  return held ? 'deferred' : 'delivered';
}

/** Writes the card with what was delivered; on a lost race, re-applies it to the newer card. */
async function save(card: RunCard, version: number, delivered: Delivered, deps: NotifyDeps): Promise<void> {
  try {
    await deps.store.put(recordDelivery(card, delivered), version);
  } catch (error) {
    if (!(error instanceof CardConflictError)) throw error;
    const fresh = await deps.store.get(card.run.key);
    if (!fresh) throw error;
    await deps.store.put(recordDelivery(absorb(fresh.card, card), delivered), fresh.version);
    // The newer card may hold facts this worker never rendered: ask for another pass.
    throw new CardConflictError(`run ${card.run.key}: changed while delivering`, { cause: error });
  }
}

/** Fetches each failed build's log tail at most once per delivery. */
function logTails(card: RunCard, logs: BuildLogsPort, lines: number): (failure: FactRecord) => Promise<readonly string[]> {
  const cache = new Map<string, Promise<readonly string[]>>();
  return (failure) => {
    const ref = lines > 0 ? logRefFor(card, failure) : undefined;
    if (!ref) return Promise.resolve([]);
    const key = `${ref.group}|${ref.stream}`;
    let tail = cache.get(key);
    if (!tail) {
      // The log tail is a courtesy: without it (logs disabled, no permission) the failure is still announced.
      tail = logs
        .tail({ ...ref, lines, place: { account: card.subject.account, region: card.subject.region } })
        .catch((error: unknown) => [`(build log unavailable: ${error instanceof Error ? error.name : 'error'})`]);
      cache.set(key, tail);
    }
    return tail;
  };
}
