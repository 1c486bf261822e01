/**
 * The four DORA keys per pipeline, defined once, from delivery facts (./fact.ts). Pure: the window
 * is a parameter, and the same set of facts in any order, with any duplicates, gives the same keys.
 * docs/delivery-keys.md explains each definition with examples.
 */
import { type DeliveryFact, factKey, pipelineKeyOf } from './fact';

/** The keys of one pipeline (or of every pipeline: `overallKeys`) over a window. */
export interface PipelineKeys {
  readonly account: string;
  readonly region: string;
  readonly pipeline: string;
  /** `deployment` facts in the window. */
  readonly deployments: number;
  /** deployments ÷ the window's length in weeks (7 days). */
  readonly deploymentsPerWeek: number;
  /** deployments ÷ the window's length in days. */
  readonly deploymentsPerDay: number;
  /** Per deployment, `at` − (`committedAt` else `startedAt`): median and nearest-rank p90; null without deployments. */
  readonly leadTimeSeconds: { readonly median: number | null; readonly p90: number | null };
  /** How many lead times started at a commit and how many at the execution's start (no commit time known). */
  readonly leadTimeFrom: { readonly commit: number; readonly executionStart: number };
  /** Executions with a `deployment` or `failed-deployment` fact. */
  readonly attempts: number;
  /** Attempts that failed in production or were later rolled back (each at most once). */
  readonly failedDeployments: number;
  /** failedDeployments ÷ attempts; null without attempts. */
  readonly changeFailureRate: number | null;
  /** From a failure to the pipeline's next deployment after it, or the end of the rollback that restored it: median of the recovered ones. */
  readonly recoverySeconds: { readonly median: number | null };
  /** Failures with no deployment after them in the window. */
  readonly unrecovered: number;
  /** Manual approvals decided in the window: median and longest wait. */
  readonly approvalWaitSeconds: { readonly median: number | null; readonly max: number | null };
}

export interface KeysWindow {
  readonly from: Date;
  readonly to: Date;
}

/** What the keys are computed from: summable across pipelines, so the overall keys are not averages of medians. */
interface Samples {
  deployments: number;
  leadTimes: number[];
  fromCommit: number;
  attempts: number;
  failed: number;
  recoveries: number[];
  unrecovered: number;
  approvalWaits: number[];
}

const DAY_MS = 86_400_000;
const seconds = (fromIso: string, toIso: string) => (Date.parse(toIso) - Date.parse(fromIso)) / 1000;

/**
 * Median of numbers: the middle value, or the mean of the two middle values of an even count; null when empty.
 *
 * @example median([3, 1, 2, 10]) // 2.5
 */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/**
 * Nearest-rank percentile: the smallest value with at least p% of the values at or below it, i.e. the
 * value at rank ⌈p/100 × n⌉ (1-based) of the sorted values; null when empty. Always a measured value.
 *
 * @example nearestRank([5, 1, 4, 2, 3], 90) // 5 (rank ⌈4.5⌉ = 5)
 */
export function nearestRank(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1] as number;
}

/**
 * One fact per key: of two facts under one key (a fact that grew), the later `at` wins, then the
 * larger serialization, so the choice does not depend on the order they came in.
 */
function dedupe(facts: readonly DeliveryFact[]): DeliveryFact[] {
  const byKey = new Map<string, DeliveryFact>();
  for (const fact of facts) {
    const key = factKey(fact);
    const held = byKey.get(key);
    const wins = !held || fact.at > held.at || (fact.at === held.at && JSON.stringify(fact) > JSON.stringify(held));
    if (wins) byKey.set(key, fact);
  }
  return [...byKey.values()].sort((a, b) => a.at.localeCompare(b.at) || factKey(a).localeCompare(factKey(b)));
}

/**
 * When each failed attempt failed: its first `failed-deployment`, else the first rollback that
 * named it (a rollback names the latest deployment before it). An execution fails at most once.
 */
function failuresOf(facts: readonly DeliveryFact[]): Map<string, string> {
  const failedAt = new Map<string, string>();
  const deployments = facts.filter((f) => f.kind === 'deployment');
  for (const fact of facts) {
    if (fact.kind === 'failed-deployment' && !failedAt.has(fact.executionId)) failedAt.set(fact.executionId, fact.at);
    if (fact.kind !== 'rollback') continue;
    const target = deployments.filter((d) => d.at < fact.at).at(-1);
    const held = target && failedAt.get(target.executionId);
    if (target && (held === undefined || fact.at < held)) failedAt.set(target.executionId, fact.at);
  }
  return failedAt;
}

/** The samples of one pipeline's facts (deduplicated, in the window, sorted by `at`). */
function samplesOf(facts: readonly DeliveryFact[]): Samples {
  const deployments = facts.filter((f) => f.kind === 'deployment');
  const attempts = new Set(facts.filter((f) => f.kind === 'deployment' || f.kind === 'failed-deployment').map((f) => f.executionId));
  const failures = [...failuresOf(facts)].filter(([execution]) => attempts.has(execution)).map(([, at]) => at);
  // Service is restored by the next deployment, or by a rollback execution that succeeded.
  const rollbacks = new Set(facts.flatMap((f) => (f.kind === 'rollback' ? [f.executionId] : [])));
  const restored = [
    ...deployments.map((d) => d.at),
    ...facts.flatMap((f) => (f.kind === 'run' && f.outcome === 'succeeded' && rollbacks.has(f.executionId) ? [f.at] : [])),
  ].sort();
  const recoveries: number[] = [];
  for (const at of failures) {
    const next = restored.find((t) => t > at);
    if (next) recoveries.push(seconds(at, next));
  }
  return {
    deployments: deployments.length,
    leadTimes: deployments.map((d) => seconds(d.committedAt ?? d.startedAt, d.at)),
    fromCommit: deployments.filter((d) => d.committedAt !== undefined).length,
    attempts: attempts.size,
    failed: failures.length,
    recoveries,
    unrecovered: failures.length - recoveries.length,
    approvalWaits: facts.flatMap((f) => (f.kind === 'approval' ? [f.waitSeconds] : [])),
  };
}

function keysOf(place: Pick<PipelineKeys, 'account' | 'region' | 'pipeline'>, s: Samples, window: KeysWindow): PipelineKeys {
  const days = (window.to.getTime() - window.from.getTime()) / DAY_MS;
  return {
    ...place,
    deployments: s.deployments,
    deploymentsPerWeek: days > 0 ? s.deployments / (days / 7) : 0,
    deploymentsPerDay: days > 0 ? s.deployments / days : 0,
    leadTimeSeconds: { median: median(s.leadTimes), p90: nearestRank(s.leadTimes, 90) },
    leadTimeFrom: { commit: s.fromCommit, executionStart: s.deployments - s.fromCommit },
    attempts: s.attempts,
    failedDeployments: s.failed,
    changeFailureRate: s.attempts > 0 ? s.failed / s.attempts : null,
    recoverySeconds: { median: median(s.recoveries) },
    unrecovered: s.unrecovered,
    approvalWaitSeconds: { median: median(s.approvalWaits), max: s.approvalWaits.length ? Math.max(...s.approvalWaits) : null },
  };
}

/** The window's deduplicated facts, grouped by pipeline (`run` facts left out: no key counts them). */
function byPipeline(facts: readonly DeliveryFact[], window: KeysWindow): Map<string, DeliveryFact[]> {
  const from = window.from.getTime();
  const to = window.to.getTime();
  const groups = new Map<string, DeliveryFact[]>();
  for (const fact of dedupe(facts)) {
    const at = Date.parse(fact.at);
    // A run's end only counts as the end of a rollback (recovery); it is no key of its own.
    if ((fact.kind === 'run' && fact.outcome !== 'succeeded') || !(at >= from && at < to)) continue;
    const key = pipelineKeyOf(fact);
    groups.set(key, [...(groups.get(key) ?? []), fact]);
  }
  return groups;
}

/**
 * The four keys of each pipeline with facts in [from, to), sorted by pipeline, then account, then region.
 * Only facts in the window count: a rollback in the window marks the latest deployment before it in the window.
 *
 * @example deliveryKeys(facts, { from: new Date('2026-11-01T00:00:00Z'), to: new Date('2026-11-08T00:00:00Z') })[0]?.deploymentsPerWeek
 */
export function deliveryKeys(facts: readonly DeliveryFact[], window: KeysWindow): PipelineKeys[] {
  return [...byPipeline(facts, window).values()]
    .map((group) => {
      const { account, region, pipeline } = group[0] as DeliveryFact;
      return keysOf({ account, region, pipeline }, samplesOf(group), window);
    })
    .sort((a, b) => a.pipeline.localeCompare(b.pipeline) || a.account.localeCompare(b.account) || a.region.localeCompare(b.region));
}

/**
 * The keys of every pipeline together (`*`), computed from the facts, not from the pipelines'
 * medians: recovery still looks for the next deployment of the failed pipeline itself.
 *
 * @example overallKeys(facts, window).changeFailureRate // all failed attempts ÷ all attempts
 */
export function overallKeys(facts: readonly DeliveryFact[], window: KeysWindow): PipelineKeys {
  const all: Samples = { deployments: 0, leadTimes: [], fromCommit: 0, attempts: 0, failed: 0, recoveries: [], unrecovered: 0, approvalWaits: [] };
  for (const group of byPipeline(facts, window).values()) {
    const s = samplesOf(group);
    all.deployments += s.deployments;
    all.leadTimes.push(...s.leadTimes);
    all.fromCommit += s.fromCommit;
    all.attempts += s.attempts;
    all.failed += s.failed;
    all.recoveries.push(...s.recoveries);
    all.unrecovered += s.unrecovered;
    all.approvalWaits.push(...s.approvalWaits);
  }
  return keysOf({ account: '*', region: '*', pipeline: '*' }, all, window);
}
