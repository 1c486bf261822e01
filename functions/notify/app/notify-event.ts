/**
 * The hot path for one EventBridge event: parse → normalize → choose the card → merge → plan →
 * deliver → store. Shared by the Lambda handler and by `warden replay`, which differ only in the
 * adapters they pass.
 */
import { absorb, emptyCard, merge } from '../../kernel/card/merge';
import type { RunCard } from '../../kernel/card/types';
import { policyFor } from '../../kernel/config/approvals';
import { CardBusyError, CardConflictError, PermanentError } from '../../kernel/errors';
import { DEPLOY_PROVIDERS, normalize } from '../../kernel/events/normalize';
import type { Observation } from '../../kernel/events/observation';
import { parseEvent } from '../../kernel/events/parse';
import { destinationsFor } from '../../kernel/routing';
import { claimChannels } from '../domain/delivery';
import { isEmptyPlan, planDelivery } from '../domain/plan';
import { deliver } from './deliver';
import type { NotifyDeps } from './deps';
import { deploymentGroupKey, ownKeyOf, type ResolvedRun, resolveRun } from './resolve-run';

export type { NotifyDeps };

export type NotifyResult = 'delivered' | 'unchanged' | 'parked';

/** Attempts in-process after a lost race or a busy card, before the record goes back to SQS. */
const ATTEMPTS = 8;

/**
 * @example await notifyEvent(JSON.parse(record.body), deps) // 'delivered'
 * @throws EventRejectedError for an event we cannot read (permanent), RetryableError subclasses otherwise.
 */
export async function notifyEvent(raw: unknown, deps: NotifyDeps): Promise<NotifyResult> {
  return notifyRun(await resolveRun(normalize(parseEvent(raw)), deps.store), deps);
}

/**
 * One run's observations (one event's, or a batch's merged: the card is a join-semilattice, so
 * merging them first changes nothing but the number of reads, writes and Slack calls) onto its card.
 */
export async function notifyRun(resolved: ResolvedRun, deps: NotifyDeps): Promise<NotifyResult> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await apply(resolved, deps);
    } catch (error) {
      const contended = error instanceof CardConflictError || error instanceof CardBusyError;
      if (!contended || attempt === ATTEMPTS) throw error;
      // Another worker is posting this run's first message: it takes a Slack round trip. Waiting
      // here beats handing the record back to SQS, which would hold it for a visibility timeout.
      if (error instanceof CardBusyError) await pause(BUSY_WAIT_MS * attempt);
      // A lost write race: retry at once would meet the same writers; a little jitter spreads them.
      else await pause(Math.random() * CONFLICT_JITTER_MS * attempt);
    }
  }
}

const BUSY_WAIT_MS = 300;
const CONFLICT_JITTER_MS = 20;
const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function apply(resolved: ResolvedRun, deps: NotifyDeps): Promise<NotifyResult> {
  const stored = await deps.store.get(resolved.run.key);
  const before = stored?.card ?? emptyCard(resolved.run, resolved.subject);
  const merged = merge(before, resolved.observations);
  // A duplicate changes nothing, so it has nothing new to link either.
  const card = merged === before ? before : await linkRelated(merged, resolved.observations, deps);
  let version = stored?.version ?? 0;
  if (resolved.parked) {
    if (card !== before) await deps.store.put(card, version);
    return card === before ? 'unchanged' : 'parked';
  }
  const pipeline = card.subject.pipeline;
  const approvalHasPolicy = (stage: string, action: string) =>
    pipeline !== undefined && policyFor(deps.config.approvals, { pipeline, stage, action }, deps.globs) !== undefined;
  const plan = planDelivery(card, destinationsFor(deps.config, card.run.kind, card.subject, deps.globs), { approvalHasPolicy });
  if (isEmptyPlan(plan)) {
    if (card !== before) await deps.store.put(card, version);
    return 'unchanged';
  }
  const posts = plan.cards.filter((step) => !step.ts).map((step) => step.channel);
  let current = card;
  if (posts.length > 0) {
    const claim = claimChannels(card, posts, deps.now());
    if (!claim.ok) throw new CardBusyError(`run ${card.run.key}: another worker is posting its card (claimed ${claim.heldBy})`);
    await deps.store.put(claim.card, version);
    version += 1;
    current = claim.card;
  }
  await deliver(plan, current, version, deps);
  return 'delivered';
}

/**
 * A pipeline action that names its build or deployment links them to this run and brings in
 * whatever was already known about them; a CodeDeploy action that starts announces where it deploys,
 * so its deployment joins this card from its first event.
 */
async function linkRelated(card: RunCard, observations: readonly Observation[], deps: NotifyDeps): Promise<RunCard> {
  let result = card;
  for (const link of observations.flatMap((o) => o.links ?? [])) {
    await deps.store.putLink(link.kind, link.externalId, card.run.key);
    const own = await deps.store.get(ownKeyOf(link, card.subject));
    if (own) result = absorb(result, own.card);
  }
  for (const obs of observations) {
    const f = obs.fact;
    if (f.type !== 'action' || !DEPLOY_PROVIDERS.has(f.provider) || f.state !== 'STARTED' || card.run.kind !== 'pipeline') continue;
    const target = await deps.pipelines
      .deployTarget({ pipeline: card.subject.pipeline ?? '', stage: f.stage, action: f.action, version: obs.pipelineVersion })
      // Not allowed to read the pipeline: the deployment still joins the card when the action
      // completes, so this is no reason to fail the event. A throttle is retried like any other.
      .catch((error: unknown) => {
        if (error instanceof PermanentError) return undefined;
        throw error;
      });
    if (target)
      await deps.store.putLink(
        'deployment-group',
        deploymentGroupKey(card.subject, { application: target.application, deploymentGroup: target.deploymentGroup }),
        card.run.key,
      );
  }
  return result;
}
