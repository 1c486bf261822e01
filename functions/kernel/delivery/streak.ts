/**
 * Failure streaks (config `insights.streaks`): a pipeline's failed runs since its last success,
 * and the incident a rule opens when they are too many. Pure: the run facts in, the next state and
 * what to announce out. Order- and duplicate-proof: a run is counted once (by execution id), a
 * failure older than a success seen later is not part of the streak, and a success older than a
 * failure does not end it.
 */
import type { StreakRule } from '../config/insights';
import { parseDuration } from '../duration';
import type { DeliveryFact } from './fact';

/** How many failed runs a streak remembers: more than any rule may ask for (`failures` ≤ 1000 is checked against the window). */
const KEPT = 200;

export interface StreakFailure {
  readonly executionId: string;
  readonly at: string;
}

/** Where an incident's alert was posted: its recovery reply goes into that thread. */
export interface AlertPlacement {
  readonly channel: string;
  readonly ts: string;
}

export interface Incident {
  /** When the rule was met (the failure that met it). */
  readonly openedAt: string;
  /** The first failure it counts (for `within`: the first in the window when it opened). */
  readonly since?: string;
  /** What the alert said (`3 failed runs in a row`). */
  readonly reason: string;
  /** Which of the rule's thresholds opened it. */
  readonly by: 'consecutive' | 'within';
  readonly alerts: readonly AlertPlacement[];
}

export interface Streak {
  /** Failed runs after the latest success, oldest first. */
  readonly failures: readonly StreakFailure[];
  /**
   * Failed runs, successes in between or not, since the last incident ended (`failures … within`
   * counts these: a flaky pipeline fails between successes); oldest first, the newest {@link KEPT}.
   */
  readonly recent?: readonly StreakFailure[];
  readonly lastSuccessAt?: string;
  readonly incident?: Incident;
  /**
   * Messages decided but not delivered yet: stored with the decision, delivered, then cleared, so a
   * failed delivery is tried again by the next attempt and a decision is never made twice.
   */
  readonly pending?: readonly Announcement[];
}

export type Announcement =
  | { readonly kind: 'alert'; readonly reason: string; readonly failures: readonly StreakFailure[] }
  | { readonly kind: 'recovery'; readonly failures: number; readonly seconds: number; readonly alerts: readonly AlertPlacement[] };

export const EMPTY_STREAK: Streak = { failures: [] };

export type RunEnd = Extract<DeliveryFact, { kind: 'run' }>;

export type StreakStep =
  | { readonly kind: 'unchanged' }
  | { readonly kind: 'counted'; readonly streak: Streak }
  /** The rule is met and no incident is open: alert once. */
  | {
      readonly kind: 'alert';
      readonly streak: Streak;
      readonly reason: string;
      readonly by: Incident['by'];
      readonly failures: readonly StreakFailure[];
    }
  /** A success ended an incident: reply in its alert's thread. */
  | { readonly kind: 'recovered'; readonly streak: Streak; readonly incident: Incident; readonly failures: number; readonly seconds: number };

/**
 * @example nextStreak(EMPTY_STREAK, failedRun, { consecutive: 3 }) // { kind: 'counted', … }
 */
export function nextStreak(streak: Streak, run: RunEnd, rule: StreakRule): StreakStep {
  if (run.outcome === 'stopped') return { kind: 'unchanged' };
  if (run.outcome === 'succeeded') return succeeded(streak, run);
  if (streak.lastSuccessAt && run.at < streak.lastSuccessAt) return { kind: 'unchanged' };
  if (streak.failures.some((f) => f.executionId === run.executionId)) return { kind: 'unchanged' };
  const failure = { executionId: run.executionId, at: run.at };
  const failures = withFailure(streak.failures, failure);
  const recent = withFailure(streak.recent ?? [], failure);
  const next = { ...streak, failures, recent };
  const met = streak.incident ? undefined : ruleMet({ failures, recent }, run.at, rule);
  return met ? { kind: 'alert', streak: next, ...met } : { kind: 'counted', streak: next };
}

const withFailure = (list: readonly StreakFailure[], failure: StreakFailure): StreakFailure[] =>
  list.some((f) => f.executionId === failure.executionId) ? [...list] : [...list, failure].sort((a, b) => a.at.localeCompare(b.at)).slice(-KEPT);

function succeeded(streak: Streak, run: RunEnd): StreakStep {
  if (streak.lastSuccessAt && run.at <= streak.lastSuccessAt) return { kind: 'unchanged' };
  const remaining = streak.failures.filter((f) => f.at > run.at);
  const ended = streak.failures.filter((f) => f.at <= run.at);
  const base: Streak = { failures: remaining, recent: streak.recent ?? [], lastSuccessAt: run.at };
  if (streak.incident && remaining.length === 0) {
    // The incident is over: the failures it counted do not count towards the next one.
    const since = streak.incident.since ?? '';
    const counted = streak.incident.by === 'consecutive' ? ended : (streak.recent ?? []).filter((f) => f.at >= since && f.at <= run.at);
    const first = counted[0]?.at ?? streak.incident.openedAt;
    const seconds = Math.max(0, Math.round((Date.parse(run.at) - Date.parse(first)) / 1000));
    const recent = (streak.recent ?? []).filter((f) => f.at > run.at);
    return { kind: 'recovered', streak: { ...base, recent }, incident: streak.incident, failures: counted.length, seconds };
  }
  return { kind: 'counted', streak: streak.incident ? { ...base, incident: streak.incident } : base };
}

/** Whether the rule is met by these failures at `now`, and why in words. */
function ruleMet(
  { failures, recent }: { failures: readonly StreakFailure[]; recent: readonly StreakFailure[] },
  now: string,
  rule: StreakRule,
): { reason: string; by: Incident['by']; failures: readonly StreakFailure[] } | undefined {
  if (rule.consecutive !== undefined && failures.length >= rule.consecutive)
    return { reason: `${failures.length} failed runs in a row`, by: 'consecutive', failures };
  const windowMs = rule.within ? (parseDuration(rule.within) ?? 0) : 0;
  if (rule.failures !== undefined && windowMs > 0) {
    const since = Date.parse(now) - windowMs;
    const inWindow = recent.filter((f) => Date.parse(f.at) > since);
    if (inWindow.length >= rule.failures) return { reason: `${inWindow.length} failed runs within ${rule.within}`, by: 'within', failures: inWindow };
  }
  return undefined;
}
