/** The four DORA keys on hand-computed run histories: every expected number is worked out in the comments. */
import { describe, expect, it } from 'vitest';
import type { DeliveryFact } from '../../functions/kernel/delivery/fact';
import { deliveryKeys, median, nearestRank, overallKeys } from '../../functions/kernel/delivery/keys';

const place = { account: '111111111111', region: 'eu-west-1', pipeline: 'web' };
const T = (dayHour: string) => `2026-11-${dayHour}:00.000Z`; // T('02T10:30') = 2026-11-02T10:30:00.000Z
const deployment = (executionId: string, at: string, startedAt: string, committedAt?: string, where = place): DeliveryFact => ({
  ...where,
  kind: 'deployment',
  executionId,
  at: T(at),
  startedAt: T(startedAt),
  ...(committedAt ? { committedAt: T(committedAt) } : {}),
});
const failed = (executionId: string, at: string, where = place): DeliveryFact => ({
  ...where,
  kind: 'failed-deployment',
  executionId,
  at: T(at),
  stage: 'Prod',
});
const rollback = (executionId: string, at: string, by: 'codepipeline' | 'pipeline-warden'): DeliveryFact => ({
  ...place,
  kind: 'rollback',
  executionId,
  at: T(at),
  by,
});
const approval = (action: string, at: string, waitSeconds: number): DeliveryFact => ({
  ...place,
  kind: 'approval',
  executionId: 'e-approve',
  at: T(at),
  stage: 'Prod',
  action,
  waitSeconds,
  state: 'SUCCEEDED',
});
/** One week: 2026-11-01T00:00Z to 2026-11-08T00:00Z (7 days = 1 week). */
const week = { from: new Date('2026-11-01T00:00:00Z'), to: new Date('2026-11-08T00:00:00Z') };
const none = { median: null };

// Three clean deployments: lead times 1h30m from a commit (5400 s), 1h from the start (3600 s), 4h from a commit (14400 s).
const clean = [
  deployment('e1', '02T10:30', '02T10:00', '02T09:00'),
  deployment('e2', '03T11:00', '03T10:00'),
  deployment('e3', '04T12:00', '04T10:00', '04T08:00'),
];
const cleanKeys = {
  ...place,
  deployments: 3,
  deploymentsPerWeek: 3, // 3 ÷ 1 week
  deploymentsPerDay: 3 / 7, // 3 ÷ 7 days
  leadTimeSeconds: { median: 5400, p90: 14400 }, // sorted 3600, 5400, 14400: middle 5400; p90 rank ⌈0.9 × 3⌉ = 3 → 14400
  leadTimeFrom: { commit: 2, executionStart: 1 },
  attempts: 3,
  failedDeployments: 0,
  changeFailureRate: 0,
  recoverySeconds: none,
  unrecovered: 0,
  approvalWaitSeconds: { median: null, max: null },
};

describe('deliveryKeys', () => {
  it('three clean deployments: frequency, lead time from commit or start, no failures', () => {
    expect(deliveryKeys(clean, week)).toEqual([cleanKeys]);
  });

  it('duplicates and any order give the same keys', () => {
    expect(deliveryKeys([...clean].reverse(), week)).toEqual([cleanKeys]);
    expect(deliveryKeys([clean[2], clean[0], clean[2], clean[1], clean[0]] as DeliveryFact[], week)).toEqual([cleanKeys]);
  });

  it.each([
    {
      name: 'a retried production stage: failed once, recovered by its own retry',
      // e1 fails in Prod at 10:10, its retry deploys at 10:40; e2 deploys the next day.
      facts: [failed('e1', '02T10:10'), deployment('e1', '02T10:40', '02T10:00'), deployment('e2', '03T10:00', '03T09:00')],
      // attempts e1, e2; failed e1 → 1/2; recovery 10:10 → 10:40 = 1800 s.
      want: { deployments: 2, attempts: 2, failedDeployments: 1, changeFailureRate: 0.5, recoverySeconds: { median: 1800 }, unrecovered: 0 },
    },
    {
      name: 'a CodePipeline ManualRollback marks the latest deployment before it as failed',
      // e1 deploys on the 2nd, e2 on the 3rd at 10:00; a rollback at 12:00 marks e2; e3 deploys on the 4th at 12:00.
      facts: [
        deployment('e1', '02T10:00', '02T09:00'),
        deployment('e2', '03T10:00', '03T09:00'),
        rollback('r1', '03T12:00', 'codepipeline'),
        deployment('e3', '04T12:00', '04T11:00'),
      ],
      // attempts e1, e2, e3; failed e2 → 1/3; recovery from the rollback (3rd 12:00) to e3 (4th 12:00) = 86400 s.
      want: { deployments: 3, attempts: 3, failedDeployments: 1, changeFailureRate: 1 / 3, recoverySeconds: { median: 86400 }, unrecovered: 0 },
    },
    {
      name: "pipeline-warden's own rollback of a run that had already failed counts it once",
      // e1 fails at 10:00, its retry deploys at 10:30, pipeline-warden rolls it back at 11:00.
      facts: [failed('e1', '02T10:00'), deployment('e1', '02T10:30', '02T09:00'), rollback('e1', '02T11:00', 'pipeline-warden')],
      // one attempt, failed once → 1/1; failure time stays 10:00 (first failure), next deployment 10:30 → 1800 s.
      want: { deployments: 1, attempts: 1, failedDeployments: 1, changeFailureRate: 1, recoverySeconds: { median: 1800 }, unrecovered: 0 },
    },
    {
      name: 'a rolled-back deployment with no deployment after it is unrecovered',
      facts: [deployment('e1', '02T10:00', '02T09:00'), rollback('r1', '02T11:00', 'codepipeline')],
      want: { deployments: 1, attempts: 1, failedDeployments: 1, changeFailureRate: 1, recoverySeconds: none, unrecovered: 1 },
    },
    {
      name: 'recovery across two failures: both end at the next deployment',
      // e1 fails at 10:00, e2 at 12:00, e3 deploys at 14:00: 4h = 14400 s and 2h = 7200 s, median (7200 + 14400) / 2 = 10800.
      facts: [failed('e1', '02T10:00'), failed('e2', '02T12:00'), deployment('e3', '02T14:00', '02T13:00')],
      want: { deployments: 1, attempts: 3, failedDeployments: 2, changeFailureRate: 2 / 3, recoverySeconds: { median: 10800 }, unrecovered: 0 },
    },
    {
      name: 'no deployments: a failure only',
      facts: [failed('e1', '02T10:00')],
      // 0 deployments → 0/week, no lead time; 1 attempt failed → 1/1, unrecovered.
      want: { deployments: 0, deploymentsPerWeek: 0, leadTimeSeconds: { median: null, p90: null }, attempts: 1, changeFailureRate: 1, unrecovered: 1 },
    },
  ])('$name', ({ facts, want }) => {
    const [keys] = deliveryKeys(facts, week);
    expect(keys).toMatchObject(want);
  });

  it('the window holds its start and not its end; facts outside are ignored', () => {
    const facts = [
      deployment('at-start', '01T00:00', '01T00:00'),
      { ...deployment('x', '01T00:00', '01T00:00'), executionId: 'too-early', at: '2026-10-31T23:59:59.999Z' } as DeliveryFact,
      { ...deployment('x', '01T00:00', '01T00:00'), executionId: 'at-end', at: '2026-11-08T00:00:00.000Z' } as DeliveryFact,
    ];
    // Only the deployment at exactly 2026-11-01T00:00Z is in [from, to).
    expect(deliveryKeys(facts, week)[0]).toMatchObject({ deployments: 1, attempts: 1 });
  });

  it('approvals: median and longest wait; run facts alone make no entry', () => {
    const run: DeliveryFact = { ...place, pipeline: 'other', kind: 'run', executionId: 'e9', at: T('02T10:00'), outcome: 'failed', startedAt: T('02T09:00') };
    const keys = deliveryKeys([approval('A', '02T10:00', 60), approval('B', '02T11:00', 300), approval('C', '02T12:00', 120), run], week);
    // waits 60, 120, 300: median 120, longest 300; no attempt → change failure rate null.
    expect(keys).toEqual([expect.objectContaining({ pipeline: 'web', approvalWaitSeconds: { median: 120, max: 300 }, changeFailureRate: null, attempts: 0 })]);
  });

  it('one entry per pipeline, sorted by pipeline then account', () => {
    const at = (pipeline: string, account: string) => deployment(`${pipeline}${account}`, '02T10:00', '02T09:00', undefined, { ...place, pipeline, account });
    const keys = deliveryKeys([at('b', '1'), at('a', '2'), at('a', '1')], week);
    expect(keys.map((k) => `${k.pipeline}/${k.account}`)).toEqual(['a/1', 'a/2', 'b/1']);
  });

  it('no facts: no entries', () => {
    expect(deliveryKeys([], week)).toEqual([]);
  });
});

describe('overallKeys', () => {
  it('computes from the facts of every pipeline, not from their medians', () => {
    const api = { ...place, pipeline: 'api' };
    const facts = [
      deployment('w1', '02T10:00', '02T09:00'), // web: lead 3600 s
      deployment('a1', '02T10:00', '02T08:00', undefined, api), // api: 7200 s
      deployment('a2', '03T10:00', '03T07:00', undefined, api), // api: 10800 s
      failed('a3', '03T12:00', api), // api fails; no api deployment after it (web's does not recover api)
      deployment('w2', '04T10:00', '04T09:00'), // web: 3600 s
    ];
    // Lead times 3600, 3600, 7200, 10800: median (3600 + 7200) / 2 = 5400 (the medians' mean would be (3600 + 9000) / 2 = 6300).
    // p90 rank ⌈0.9 × 4⌉ = 4 → 10800. Attempts w1, w2, a1, a2, a3 = 5, failed 1 → 0.2; the api failure is unrecovered.
    expect(overallKeys(facts, week)).toMatchObject({
      pipeline: '*',
      deployments: 4,
      deploymentsPerWeek: 4,
      leadTimeSeconds: { median: 5400, p90: 10800 },
      attempts: 5,
      failedDeployments: 1,
      changeFailureRate: 0.2,
      recoverySeconds: none,
      unrecovered: 1,
    });
  });
});

describe('median and nearest-rank percentile', () => {
  it.each([
    { values: [], median: null, p90: null },
    { values: [7], median: 7, p90: 7 },
    { values: [4, 1, 3, 2], median: 2.5, p90: 4 }, // rank ⌈3.6⌉ = 4
    { values: [10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110], median: 60, p90: 100 }, // rank ⌈9.9⌉ = 10
  ])('$values', ({ values, median: m, p90 }) => {
    expect(median(values)).toBe(m);
    expect(nearestRank(values, 90)).toBe(p90);
  });
});
