/**
 * The delivery facts a pipeline run's card holds (functions/kernel/delivery/fact.ts). A function of
 * the card's content only, and monotone in it: more events give the same facts or more, so
 * recording what a card's merge changed, in any order, ends with the facts of the final card.
 */
import { outcomeOf } from '../card/outcome';
import type { RunCard } from '../card/types';
import { viewOf } from '../card/view';
import type { NameTest } from '../glob';
import { type DeliveryFact, factKey } from './fact';

/** Execution triggers that are rollbacks (CodePipeline's `execution-trigger.trigger-type`). */
const ROLLBACK_TRIGGERS = new Set(['ManualRollback', 'AutomatedRollback']);

/**
 * Whether a rollback execution was started by pipeline-warden, from its trigger's caller (the
 * `trigger-detail` ARN): only pipeline-warden's rollback steps call RollbackStage, as their own role
 * (`<stack>-RollbackStepsRole-<suffix>`, infra/rollback.yml) or, in organization mode, as the actor
 * role in the pipeline's account (`organization.actorRoleName`).
 *
 * @example ownRollbackCaller()('arn:aws:sts::1:assumed-role/pipeline-warden-prod-RollbackStepsRole-AbC123/s') // true
 */
export function ownRollbackCaller(actorRoleName?: string): NameTest {
  return (arn) => /-RollbackStepsRole-[^/]*\//.test(arn) || (!!actorRoleName && arn.includes(`:assumed-role/${actorRoleName}/`));
}

/**
 * `isProduction`: the config's production stage test (functions/kernel/production.ts); `isOwn`: who
 * is pipeline-warden among a rollback's callers ({@link ownRollbackCaller}).
 *
 * @example deliveryFactsOf(card, productionStageTest(config.productionStages)) // [{ kind: 'deployment', … }, { kind: 'run', … }]
 */
export function deliveryFactsOf(card: RunCard, isProduction: NameTest, isOwn: NameTest = ownRollbackCaller()): DeliveryFact[] {
  const pipeline = card.subject.pipeline;
  if (card.run.kind !== 'pipeline' || !pipeline) return [];
  const executionId = card.run.key.slice(card.run.key.lastIndexOf('/') + 1);
  const tags = card.subject.tags;
  const base = { account: card.subject.account, region: card.subject.region, pipeline, executionId, ...(tags ? { tags } : {}) };
  const view = viewOf(card);
  const startedAt = view.pipeline?.since ?? view.started;
  const facts: DeliveryFact[] = [];
  const execution = view.pipeline;
  const run = execution && outcomeOf(execution);
  if (execution && (run === 'succeeded' || run === 'failed' || run === 'stopped'))
    facts.push({ ...base, kind: 'run', outcome: run, at: execution.time, startedAt });
  if (view.pipeline?.trigger && ROLLBACK_TRIGGERS.has(view.pipeline.trigger)) {
    const stage = view.stages.find((s) => isProduction(s.name))?.name ?? view.stages[0]?.name;
    const by = isOwn(view.pipeline.triggerDetail ?? '') ? 'pipeline-warden' : 'codepipeline';
    facts.push({ ...base, kind: 'rollback', by, at: startedAt, ...(stage ? { stage } : {}) });
    return [...facts, ...approvals(card, base)];
  }
  // Production outcomes wait for the execution's own event: it says whether the run is a rollback
  // (its trigger), and a stage event can come first. Recording them before would be taking back later.
  if (!execution) return [...facts, ...approvals(card, base)];
  // ISO times of one format compare as strings.
  const successes = view.stages.filter((s) => isProduction(s.name) && s.outcome === 'succeeded' && s.state === 'SUCCEEDED');
  const lastSuccess = successes
    .map((s) => card.facts[`stage:${s.name}`]?.time ?? '')
    .sort()
    .at(-1);
  if (lastSuccess) {
    const committedAt = commitTime(card);
    facts.push({ ...base, kind: 'deployment', at: lastSuccess, startedAt, ...(committedAt ? { committedAt } : {}) });
  }
  const failure = Object.values(card.failures)
    .filter((r) => (r.fact.type === 'stage' || r.fact.type === 'action') && isProduction(r.fact.stage))
    .sort((a, b) => a.time.localeCompare(b.time))[0];
  if (failure && (failure.fact.type === 'stage' || failure.fact.type === 'action'))
    facts.push({ ...base, kind: 'failed-deployment', at: failure.time, stage: failure.fact.stage });
  return [...facts, ...approvals(card, base)];
}

/** Decided manual approvals whose start was seen: how long each waited. */
function approvals(card: RunCard, base: Omit<DeliveryFact, 'kind' | 'at'>): DeliveryFact[] {
  return Object.values(card.facts).flatMap((r) => {
    const f = r.fact;
    if (f.type !== 'action' || f.category !== 'Approval' || !r.since || r.since === r.time) return [];
    const outcome = outcomeOf(f);
    if (outcome !== 'succeeded' && outcome !== 'failed') return [];
    const waitSeconds = Math.round((Date.parse(r.time) - Date.parse(r.since)) / 1000);
    return [{ ...base, kind: 'approval', stage: f.stage, action: f.action, state: f.state, at: r.time, waitSeconds } as const];
  });
}

/** The newest commit time of the run's CodeCommit source revisions, when GetCommit told it. */
function commitTime(card: RunCard): string | undefined {
  const times = Object.values(card.facts).flatMap(({ fact }) =>
    fact.type === 'action' && fact.category === 'Source' && fact.externalId ? [card.commits?.[fact.externalId]?.committedAt] : [],
  );
  return times
    .filter((t): t is string => t !== undefined)
    .sort()
    .at(-1);
}

/**
 * The facts `after` holds that `before` did not hold as they are: what a merge gives to record.
 *
 * @example changedFacts(before, after, isProduction) // [] for a duplicate event
 */
export function changedFacts(before: RunCard, after: RunCard, isProduction: NameTest, isOwn?: NameTest): DeliveryFact[] {
  if (before === after || !touchesFacts(before, after)) return [];
  const old = new Map(deliveryFactsOf(before, isProduction, isOwn).map((f) => [factKey(f), JSON.stringify(f)]));
  return deliveryFactsOf(after, isProduction, isOwn).filter((f) => old.get(factKey(f)) !== JSON.stringify(f));
}

/**
 * Whether a merge changed a record the facts are made of (the execution, a stage, an approval or
 * source action, a failure, a commit). Most events change a build, a phase or a non-approval action:
 * they skip the derivation, which sorts the whole card. `merge` keeps unchanged records as they
 * were, so identity tells.
 */
function touchesFacts(before: RunCard, after: RunCard): boolean {
  if (after.failures !== before.failures || after.commits !== before.commits) return true;
  for (const [key, record] of Object.entries(after.facts)) {
    if (record === before.facts[key]) continue;
    const f = record.fact;
    if (f.type === 'pipeline' || f.type === 'stage' || (f.type === 'action' && (f.category === 'Approval' || f.category === 'Source'))) return true;
  }
  return false;
}
