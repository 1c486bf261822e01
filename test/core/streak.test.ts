/**
 * nextStreak on hand-played run histories, under `{ consecutive: 3 }` and `{ failures: 3, within: '24h' }`.
 * The runner stores an alert's incident as the notify Lambda does (functions/notify/app/streaks.ts),
 * so an open incident is seen by the next run. Every expected value is worked out by hand.
 */
import { describe, expect, it } from 'vitest';
import type { StreakRule } from '../../functions/kernel/config/insights';
import { EMPTY_STREAK, nextStreak, type RunEnd, type Streak, type StreakFailure, type StreakStep } from '../../functions/kernel/delivery/streak';

const CONSECUTIVE: StreakRule = { consecutive: 3 };
const WITHIN: StreakRule = { failures: 3, within: '24h' };
const ALERT = { channel: 'C0PAYMENTS1', ts: '1762682400.000100' };

/** `at('09T10:00')` is 2026-11-09T10:00:00.000Z; `at('09T10:00:01')` has seconds. */
const at = (s: string) => `2026-11-${s.length === 8 ? `${s}:00` : s}.000Z`;
const run = (executionId: string, outcome: RunEnd['outcome'], when: string): RunEnd => ({
  account: '123456789012',
  region: 'eu-west-1',
  pipeline: 'payments-ledger',
  executionId,
  kind: 'run',
  outcome,
  at: at(when),
  startedAt: at(when),
});
const fail = (id: string, when: string) => run(id, 'failed', when);
const ok = (id: string, when: string) => run(id, 'succeeded', when);
const f = (executionId: string, when: string): StreakFailure => ({ executionId, at: at(when) });

/** Plays the runs in order; an alert's incident is stored as the notify Lambda stores it (opened at its newest failure). */
function play(rule: StreakRule, runs: readonly RunEnd[], from: Streak = EMPTY_STREAK): { steps: StreakStep[]; streak: Streak } {
  let streak = from;
  const steps: StreakStep[] = [];
  for (const r of runs) {
    const step = nextStreak(streak, r, rule);
    steps.push(step);
    if (step.kind === 'alert')
      streak = {
        ...step.streak,
        incident: { openedAt: step.failures.at(-1)?.at ?? '', since: step.failures[0]?.at ?? '', reason: step.reason, by: step.by, alerts: [ALERT] },
      };
    else if (step.kind !== 'unchanged') streak = step.streak;
  }
  return { steps, streak };
}

const kinds = (steps: readonly StreakStep[]) => steps.map((s) => s.kind);

/** What an alert step says, without the streak it carries. */
const said = (step: StreakStep | undefined) =>
  step?.kind === 'alert'
    ? { reason: step.reason, by: step.by, failures: step.failures }
    : step?.kind === 'recovered'
      ? { failures: step.failures, seconds: step.seconds, reason: step.incident.reason, alerts: step.incident.alerts }
      : step?.kind;

describe('nextStreak', () => {
  it.each<{ name: string; rule: StreakRule; runs: RunEnd[]; kinds: StreakStep['kind'][]; last?: unknown; streak?: Streak }>([
    {
      name: 'consecutive 3: two failures are counted, the third alerts exactly at the threshold',
      rule: CONSECUTIVE,
      runs: [fail('a', '09T10:00'), fail('b', '09T11:00'), fail('c', '09T12:00')],
      kinds: ['counted', 'counted', 'alert'],
      last: { reason: '3 failed runs in a row', by: 'consecutive', failures: [f('a', '09T10:00'), f('b', '09T11:00'), f('c', '09T12:00')] },
    },
    {
      name: 'consecutive 3: a fourth failure while the incident is open does not alert again',
      rule: CONSECUTIVE,
      runs: [fail('a', '09T10:00'), fail('b', '09T11:00'), fail('c', '09T12:00'), fail('d', '09T13:00')],
      kinds: ['counted', 'counted', 'alert', 'counted'],
      streak: {
        failures: [f('a', '09T10:00'), f('b', '09T11:00'), f('c', '09T12:00'), f('d', '09T13:00')],
        recent: [f('a', '09T10:00'), f('b', '09T11:00'), f('c', '09T12:00'), f('d', '09T13:00')],
        incident: { openedAt: at('09T12:00'), since: at('09T10:00'), reason: '3 failed runs in a row', by: 'consecutive', alerts: [ALERT] },
      },
    },
    {
      name: 'consecutive 3: a success recovers: 4 failures, 10:00 → 14:00 is 14400 s; the streak is empty again',
      rule: CONSECUTIVE,
      runs: [fail('a', '09T10:00'), fail('b', '09T11:00'), fail('c', '09T12:00'), fail('d', '09T13:00'), ok('e', '09T14:00')],
      kinds: ['counted', 'counted', 'alert', 'counted', 'recovered'],
      last: { failures: 4, seconds: 14_400, reason: '3 failed runs in a row', alerts: [ALERT] },
      streak: { failures: [], recent: [], lastSuccessAt: at('09T14:00') },
    },
    {
      name: 'consecutive 3: after a recovery two new failures are only counted, the third alerts with the new three',
      rule: CONSECUTIVE,
      runs: [
        fail('a', '09T10:00'),
        fail('b', '09T11:00'),
        fail('c', '09T12:00'),
        ok('d', '09T13:00'),
        fail('e', '09T14:00'),
        fail('f', '09T15:00'),
        fail('g', '09T16:00'),
      ],
      kinds: ['counted', 'counted', 'alert', 'recovered', 'counted', 'counted', 'alert'],
      last: { reason: '3 failed runs in a row', by: 'consecutive', failures: [f('e', '09T14:00'), f('f', '09T15:00'), f('g', '09T16:00')] },
    },
    {
      name: 'a success without an incident only resets the count',
      rule: CONSECUTIVE,
      runs: [fail('a', '09T10:00'), fail('b', '09T11:00'), ok('c', '09T12:00'), fail('d', '09T13:00'), fail('e', '09T14:00')],
      kinds: ['counted', 'counted', 'counted', 'counted', 'counted'],
      streak: {
        failures: [f('d', '09T13:00'), f('e', '09T14:00')],
        recent: [f('a', '09T10:00'), f('b', '09T11:00'), f('d', '09T13:00'), f('e', '09T14:00')],
        lastSuccessAt: at('09T12:00'),
      },
    },
    {
      name: 'a success older than the latest failure (arriving late) does not end the open incident',
      rule: CONSECUTIVE,
      runs: [fail('a', '09T10:00'), fail('b', '09T11:00'), fail('c', '09T12:00'), ok('s', '09T11:30')],
      kinds: ['counted', 'counted', 'alert', 'counted'],
      streak: {
        failures: [f('c', '09T12:00')],
        recent: [f('a', '09T10:00'), f('b', '09T11:00'), f('c', '09T12:00')],
        lastSuccessAt: at('09T11:30'),
        incident: { openedAt: at('09T12:00'), since: at('09T10:00'), reason: '3 failed runs in a row', by: 'consecutive', alerts: [ALERT] },
      },
    },
    {
      name: 'a late success between failures: only the failures after it are in a row (no alert at the third)',
      rule: CONSECUTIVE,
      runs: [fail('a', '09T10:00'), fail('b', '09T12:00'), ok('s', '09T11:00'), fail('c', '09T13:00')],
      kinds: ['counted', 'counted', 'counted', 'counted'],
      streak: {
        failures: [f('b', '09T12:00'), f('c', '09T13:00')],
        recent: [f('a', '09T10:00'), f('b', '09T12:00'), f('c', '09T13:00')],
        lastSuccessAt: at('09T11:00'),
      },
    },
    {
      name: 'a failure older than the last success is ignored',
      rule: CONSECUTIVE,
      runs: [ok('s', '09T12:00'), fail('a', '09T11:00'), fail('b', '09T11:30'), fail('c', '09T11:59:59')],
      kinds: ['counted', 'unchanged', 'unchanged', 'unchanged'],
      streak: { failures: [], recent: [], lastSuccessAt: at('09T12:00') },
    },
    {
      name: 'a success older than (or at) the last success changes nothing',
      rule: CONSECUTIVE,
      runs: [ok('s', '09T12:00'), ok('t', '09T11:00'), ok('u', '09T12:00')],
      kinds: ['counted', 'unchanged', 'unchanged'],
    },
    {
      name: 'the same execution twice counts once',
      rule: CONSECUTIVE,
      runs: [fail('a', '09T10:00'), fail('a', '09T10:00'), fail('b', '09T11:00'), fail('b', '09T11:00'), fail('c', '09T12:00')],
      kinds: ['counted', 'unchanged', 'counted', 'unchanged', 'alert'],
      last: { reason: '3 failed runs in a row', by: 'consecutive', failures: [f('a', '09T10:00'), f('b', '09T11:00'), f('c', '09T12:00')] },
    },
    {
      name: 'a stopped run changes nothing',
      rule: CONSECUTIVE,
      runs: [fail('a', '09T10:00'), fail('b', '09T11:00'), run('x', 'stopped', '09T11:30'), fail('c', '09T12:00')],
      kinds: ['counted', 'counted', 'unchanged', 'alert'],
    },
    {
      name: 'flaky (fail, success, fail, success, fail within 24h) under consecutive 3: never three in a row',
      rule: CONSECUTIVE,
      runs: [fail('a', '09T10:00'), ok('b', '09T11:00'), fail('c', '09T12:00'), ok('d', '09T13:00'), fail('e', '09T14:00')],
      kinds: ['counted', 'counted', 'counted', 'counted', 'counted'],
      streak: { failures: [f('e', '09T14:00')], recent: [f('a', '09T10:00'), f('c', '09T12:00'), f('e', '09T14:00')], lastSuccessAt: at('09T13:00') },
    },
    {
      name: 'flaky (fail, success, fail, success, fail within 24h) under 3 within 24h: the third failure alerts with all three',
      rule: WITHIN,
      runs: [fail('a', '09T10:00'), ok('b', '09T11:00'), fail('c', '09T12:00'), ok('d', '09T13:00'), fail('e', '09T14:00')],
      kinds: ['counted', 'counted', 'counted', 'counted', 'alert'],
      last: { reason: '3 failed runs within 24h', by: 'within', failures: [f('a', '09T10:00'), f('c', '09T12:00'), f('e', '09T14:00')] },
    },
    {
      name: 'within 24h: a fourth failure while the incident is open does not alert again',
      rule: WITHIN,
      runs: [fail('a', '09T10:00'), ok('b', '09T11:00'), fail('c', '09T12:00'), ok('d', '09T13:00'), fail('e', '09T14:00'), fail('f', '09T14:30')],
      kinds: ['counted', 'counted', 'counted', 'counted', 'alert', 'counted'],
    },
    {
      name: 'within 24h: a success recovers, counting every failure since the last incident: 3, 10:00 → 15:00 is 18000 s',
      rule: WITHIN,
      runs: [fail('a', '09T10:00'), ok('b', '09T11:00'), fail('c', '09T12:00'), ok('d', '09T13:00'), fail('e', '09T14:00'), ok('g', '09T15:00')],
      kinds: ['counted', 'counted', 'counted', 'counted', 'alert', 'recovered'],
      last: { failures: 3, seconds: 18_000, reason: '3 failed runs within 24h', alerts: [ALERT] },
      streak: { failures: [], recent: [], lastSuccessAt: at('09T15:00') },
    },
    {
      name: 'within 24h: after a recovery the counted failures do not count: two new failures are counted, the third alerts with the new three',
      rule: WITHIN,
      runs: [
        fail('a', '09T10:00'),
        ok('b', '09T11:00'),
        fail('c', '09T12:00'),
        ok('d', '09T13:00'),
        fail('e', '09T14:00'),
        ok('g', '09T15:00'),
        fail('h', '09T16:00'),
        fail('i', '09T17:00'),
        fail('j', '09T18:00'),
      ],
      kinds: ['counted', 'counted', 'counted', 'counted', 'alert', 'recovered', 'counted', 'counted', 'alert'],
      last: { reason: '3 failed runs within 24h', by: 'within', failures: [f('h', '09T16:00'), f('i', '09T17:00'), f('j', '09T18:00')] },
    },
    {
      name: 'within 24h: a failure exactly 24h before the third is outside the window',
      rule: WITHIN,
      runs: [fail('a', '09T10:00'), fail('b', '10T09:00'), fail('c', '10T10:00')],
      kinds: ['counted', 'counted', 'counted'],
    },
    {
      name: 'within 24h: a failure 23:59:59 before the third is inside it',
      rule: WITHIN,
      runs: [fail('a', '09T10:00:01'), fail('b', '10T09:00'), fail('c', '10T10:00')],
      kinds: ['counted', 'counted', 'alert'],
      last: { reason: '3 failed runs within 24h', by: 'within', failures: [f('a', '09T10:00:01'), f('b', '10T09:00'), f('c', '10T10:00')] },
    },
    {
      name: 'within 24h: three failures in a row alert by within (the rule has no consecutive)',
      rule: WITHIN,
      runs: [fail('a', '09T10:00'), fail('b', '09T11:00'), fail('c', '09T12:00')],
      kinds: ['counted', 'counted', 'alert'],
      last: { reason: '3 failed runs within 24h', by: 'within', failures: [f('a', '09T10:00'), f('b', '09T11:00'), f('c', '09T12:00')] },
    },
    {
      name: 'within 24h: the same execution twice counts once',
      rule: WITHIN,
      runs: [fail('a', '09T10:00'), fail('a', '09T10:00'), fail('b', '09T11:00'), fail('b', '09T11:00')],
      kinds: ['counted', 'unchanged', 'counted', 'unchanged'],
      streak: { failures: [f('a', '09T10:00'), f('b', '09T11:00')], recent: [f('a', '09T10:00'), f('b', '09T11:00')] },
    },
  ])('$name', ({ rule, runs, kinds: expectedKinds, last, streak }) => {
    const played = play(rule, runs);
    expect(kinds(played.steps)).toEqual(expectedKinds);
    if (last !== undefined) expect(said(played.steps.at(-1))).toEqual(last);
    if (streak !== undefined) expect(played.streak).toEqual(streak);
  });

  it('failures arriving out of order are kept oldest first', () => {
    const { streak } = play(CONSECUTIVE, [fail('c', '09T12:00'), fail('a', '09T10:00')]);
    expect(streak.failures).toEqual([f('a', '09T10:00'), f('c', '09T12:00')]);
  });

  it('an alert step leaves the incident to the caller: the streak it carries has none', () => {
    const { steps } = play(CONSECUTIVE, [fail('a', '09T10:00'), fail('b', '09T11:00'), fail('c', '09T12:00')]);
    const alert = steps.at(-1);
    expect(alert?.kind).toBe('alert');
    expect(alert && 'streak' in alert ? alert.streak.incident : 'none').toBeUndefined();
  });
});

describe('failures within a window count only the window', () => {
  it('an old failure (a month before) is neither in the alert nor in the recovery', () => {
    const { steps } = play(WITHIN, [
      fail('old', '01T10:00'),
      ok('s0', '01T11:00'),
      fail('a', '09T10:00'),
      fail('b', '09T11:00'),
      fail('c', '09T12:00'),
      ok('s1', '09T13:00'),
    ]);
    const alert = steps[4];
    expect(alert?.kind).toBe('alert');
    // 3 failures within 24h: a, b, c (the one of the 1st is a month older).
    expect(alert && alert.kind === 'alert' ? alert.failures : []).toEqual([f('a', '09T10:00'), f('b', '09T11:00'), f('c', '09T12:00')]);
    // Recovered at 13:00: 3 failures, from a (10:00): 3 h = 10,800 s.
    expect(steps[5]).toMatchObject({ kind: 'recovered', failures: 3, seconds: 10_800 });
  });
});
