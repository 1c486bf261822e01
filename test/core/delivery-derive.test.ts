/**
 * deliveryFactsOf / changedFacts on cards merged from CodePipeline events in the documented shape
 * (test/support/delivery-events.ts clones real fixtures). Every expected fact is written out by hand.
 */
import { describe, expect, it } from 'vitest';
import { emptyCard, merge } from '../../functions/kernel/card/merge';
import type { RunCard } from '../../functions/kernel/card/types';
import { changedFacts, deliveryFactsOf, ownRollbackCaller } from '../../functions/kernel/delivery/derive';
import { type DeliveryFact, factKey } from '../../functions/kernel/delivery/fact';
import { productionStageTest } from '../../functions/kernel/production';
import { ACCOUNT, cardOf, observe, REGION, runOf, T } from '../support/delivery-events';
import { rng } from '../support/scenarios';

const where = { account: ACCOUNT, region: REGION, pipeline: 'checkout' } as const;
const r = runOf('checkout', 'e1');
const DEFAULT = productionStageTest();
const COMMIT = '4f1c2a9e7b3d5c8e0a6f2b4d9c1e3a5f7b9d0c2e';

/** Facts in a stable order (by key), so lists compare whatever order they were derived in. */
const byKey = (facts: readonly DeliveryFact[]) => [...facts].sort((a, b) => factKey(a).localeCompare(factKey(b)));

const fact = {
  run: (outcome: 'succeeded' | 'failed' | 'stopped', at: string, startedAt: string): DeliveryFact => ({
    ...where,
    executionId: 'e1',
    kind: 'run',
    outcome,
    at: T(at),
    startedAt: T(startedAt),
  }),
  deployment: (at: string, startedAt: string, committedAt?: string): DeliveryFact => ({
    ...where,
    executionId: 'e1',
    kind: 'deployment',
    at: T(at),
    startedAt: T(startedAt),
    ...(committedAt ? { committedAt } : {}),
  }),
  failed: (at: string, stage: string): DeliveryFact => ({ ...where, executionId: 'e1', kind: 'failed-deployment', at: T(at), stage }),
  rollback: (at: string, stage: string): DeliveryFact => ({ ...where, executionId: 'e1', kind: 'rollback', by: 'codepipeline', at: T(at), stage }),
  approval: (stage: string, action: string, state: string, at: string, waitSeconds: number): DeliveryFact => ({
    ...where,
    executionId: 'e1',
    kind: 'approval',
    stage,
    action,
    state,
    at: T(at),
    waitSeconds,
  }),
};

const approve = (state: string, at: string, stage = 'Release') => r.action({ stage, action: 'Approve', state, at, category: 'Approval', provider: 'Manual' });
const sourceAction = (state: string, at: string) =>
  r.action({ stage: 'Source', action: 'Source', state, at, category: 'Source', provider: 'CodeCommit', externalId: COMMIT });

/** Production fails at 09:12, is retried at 09:15 and succeeds at 09:20; an approval waits 10:00→10:30:30 … in one execution. */
const RETRIED = [
  r.pipeline('STARTED', '09:00'),
  r.stage('Source', 'STARTED', '09:00:05'),
  r.stage('Source', 'SUCCEEDED', '09:01'),
  r.stage('Production', 'STARTED', '09:10'),
  r.stage('Production', 'FAILED', '09:12'),
  r.stage('Production', 'STARTED', '09:15'),
  r.stage('Production', 'SUCCEEDED', '09:20'),
  r.pipeline('SUCCEEDED', '09:21', 'CodeStarSourceConnection', '09:00'),
];

interface Case {
  readonly name: string;
  readonly events: readonly unknown[];
  readonly stages?: readonly string[];
  readonly commits?: RunCard['commits'];
  readonly expected: readonly DeliveryFact[];
}

const cases: Case[] = [
  {
    name: 'a run whose Production stage succeeds: deployment at its SUCCEEDED time, run when the pipeline ends',
    events: [
      r.pipeline('STARTED', '09:00'),
      r.stage('Source', 'STARTED', '09:00:05'),
      r.stage('Source', 'SUCCEEDED', '09:01'),
      r.stage('Production', 'STARTED', '09:10'),
      r.stage('Production', 'SUCCEEDED', '09:20'),
      r.pipeline('SUCCEEDED', '09:21'),
    ],
    expected: [fact.deployment('09:20', '09:00'), fact.run('succeeded', '09:21', '09:00')],
  },
  {
    name: 'the same run before the pipeline ends: the deployment, no run yet',
    events: [r.pipeline('STARTED', '09:00'), r.stage('Production', 'STARTED', '09:10'), r.stage('Production', 'SUCCEEDED', '09:20')],
    expected: [fact.deployment('09:20', '09:00')],
  },
  {
    name: 'a running Production stage: nothing yet',
    events: [r.pipeline('STARTED', '09:00'), r.stage('Production', 'STARTED', '09:10')],
    expected: [],
  },
  {
    name: 'Production fails, is retried and succeeds in one execution: one failed-deployment at the failure, one deployment at the success',
    events: RETRIED,
    expected: [fact.failed('09:12', 'Production'), fact.deployment('09:20', '09:00'), fact.run('succeeded', '09:21', '09:00')],
  },
  {
    name: 'a Production action fails before its stage does: the failed-deployment is at the first failure (the action)',
    events: [
      r.pipeline('STARTED', '09:00'),
      r.stage('Production', 'STARTED', '09:10'),
      r.action({ stage: 'Production', action: 'Deploy', state: 'FAILED', at: '09:11:30', category: 'Deploy', provider: 'CloudFormation' }),
      r.stage('Production', 'FAILED', '09:11:31'),
      r.pipeline('FAILED', '09:11:32'),
    ],
    expected: [fact.failed('09:11:30', 'Production'), fact.run('failed', '09:11:32', '09:00')],
  },
  {
    name: 'a non-production stage fails: no failed-deployment, the run failed',
    events: [r.pipeline('STARTED', '09:00'), r.stage('Build', 'STARTED', '09:02'), r.stage('Build', 'FAILED', '09:05'), r.pipeline('FAILED', '09:05:01')],
    expected: [fact.run('failed', '09:05:01', '09:00')],
  },
  {
    name: 'a stopped run: a run fact, stopped',
    events: [r.pipeline('STARTED', '09:00'), r.stage('Build', 'STARTED', '09:02'), r.pipeline('STOPPED', '09:03')],
    expected: [fact.run('stopped', '09:03', '09:00')],
  },
  {
    name: 'a ManualRollback execution: a rollback by codepipeline at its start, no deployment though Production succeeded',
    events: [
      r.pipeline('STARTED', '16:00', 'ManualRollback'),
      r.stage('Production', 'STARTED', '16:01'),
      r.stage('Production', 'SUCCEEDED', '16:05'),
      r.pipeline('SUCCEEDED', '16:06', 'ManualRollback', '16:00'),
    ],
    expected: [fact.rollback('16:00', 'Production'), fact.run('succeeded', '16:06', '16:00')],
  },
  {
    name: 'a decided manual approval: waitSeconds = decision − start (10:00 → 10:30:30 is 1830 s)',
    events: [r.pipeline('STARTED', '09:58'), approve('STARTED', '10:00'), approve('SUCCEEDED', '10:30:30')],
    expected: [fact.approval('Release', 'Approve', 'SUCCEEDED', '10:30:30', 1830)],
  },
  {
    name: 'a rejected manual approval: state FAILED, waited 10:00 → 11:00 (3600 s)',
    events: [r.pipeline('STARTED', '09:58'), approve('STARTED', '10:00'), approve('FAILED', '11:00'), r.pipeline('FAILED', '11:00:01')],
    expected: [fact.approval('Release', 'Approve', 'FAILED', '11:00', 3600), fact.run('failed', '11:00:01', '09:58')],
  },
  {
    name: 'an approval still waiting: nothing',
    events: [r.pipeline('STARTED', '09:58'), approve('STARTED', '10:00')],
    expected: [],
  },
  {
    name: 'an approval whose start was never seen: nothing',
    events: [r.pipeline('STARTED', '09:58'), approve('SUCCEEDED', '10:30:30')],
    expected: [],
  },
  {
    name: 'a CodeCommit source whose commit time is known: the deployment carries committedAt',
    events: [
      r.pipeline('STARTED', '09:00'),
      sourceAction('STARTED', '09:00:02'),
      sourceAction('SUCCEEDED', '09:00:10'),
      r.stage('Production', 'STARTED', '09:10'),
      r.stage('Production', 'SUCCEEDED', '09:20'),
    ],
    commits: { [COMMIT]: { message: 'Fix rounding', author: 'Dana', committedAt: '2026-11-08T17:45:00.000Z' } },
    expected: [fact.deployment('09:20', '09:00', '2026-11-08T17:45:00.000Z')],
  },
  {
    name: 'a CodeCommit source whose commit was not read: no committedAt',
    events: [r.pipeline('STARTED', '09:00'), sourceAction('SUCCEEDED', '09:00:10'), r.stage('Production', 'SUCCEEDED', '09:20')],
    expected: [fact.deployment('09:20', '09:00')],
  },
  {
    name: 'two production stages: the deployment is at the later success',
    events: [
      r.pipeline('STARTED', '09:00'),
      r.stage('Prod-EU', 'STARTED', '09:10'),
      r.stage('Prod-EU', 'SUCCEEDED', '09:20'),
      r.stage('Prod-US', 'STARTED', '09:21'),
      r.stage('Prod-US', 'SUCCEEDED', '09:40'),
      r.pipeline('SUCCEEDED', '09:41'),
    ],
    expected: [fact.deployment('09:40', '09:00'), fact.run('succeeded', '09:41', '09:00')],
  },
  {
    name: 'a PreProd stage is not production under the default list: its success is no deployment',
    events: [r.pipeline('STARTED', '09:00'), r.stage('PreProd', 'SUCCEEDED', '09:10'), r.stage('PreProd', 'FAILED', '09:12')],
    expected: [],
  },
  {
    name: 'productionStages ["Live*"]: LiveEU (09:30) is production, Production (09:40) is not',
    stages: ['Live*'],
    events: [
      r.pipeline('STARTED', '09:00'),
      r.stage('LiveEU', 'SUCCEEDED', '09:30'),
      r.stage('Production', 'SUCCEEDED', '09:40'),
      r.pipeline('SUCCEEDED', '09:41'),
    ],
    expected: [fact.deployment('09:30', '09:00'), fact.run('succeeded', '09:41', '09:00')],
  },
  {
    name: 'the same events under the default list: Production (09:40) is the last production success',
    events: [
      r.pipeline('STARTED', '09:00'),
      r.stage('LiveEU', 'SUCCEEDED', '09:30'),
      r.stage('Production', 'SUCCEEDED', '09:40'),
      r.pipeline('SUCCEEDED', '09:41'),
    ],
    expected: [fact.deployment('09:40', '09:00'), fact.run('succeeded', '09:41', '09:00')],
  },
  {
    name: 'productionStages ["Live*"]: a failed Production stage is no failed-deployment',
    stages: ['Live*'],
    events: [r.pipeline('STARTED', '09:00'), r.stage('Production', 'FAILED', '09:40'), r.pipeline('FAILED', '09:41')],
    expected: [fact.run('failed', '09:41', '09:00')],
  },
];

describe('deliveryFactsOf', () => {
  it.each(cases)('$name', ({ events, stages, commits, expected }) => {
    const merged = cardOf(events);
    const card = commits ? { ...merged, commits } : merged;
    const test = stages ? productionStageTest(stages) : DEFAULT;
    expect(byKey(deliveryFactsOf(card, test))).toEqual(byKey(expected));
  });

  it("carries the pipeline's tags its card holds, for the digest's routes that match on tags", () => {
    const card = cardOf(RETRIED);
    const tagged = { ...card, subject: { ...card.subject, tags: { team: 'payments', env: 'prod' } } };
    const facts = deliveryFactsOf(tagged, DEFAULT);
    expect(facts.length).toBeGreaterThan(0);
    expect(facts.map((f) => f.tags)).toEqual(facts.map(() => ({ team: 'payments', env: 'prod' })));
    // Without tags on the card, the facts have none (not an empty object).
    expect(deliveryFactsOf(card, DEFAULT).every((f) => !('tags' in f))).toBe(true);
  });

  it('a card that is not a pipeline run has no facts', () => {
    const card = emptyCard({ kind: 'build', key: 'build/123456789012/eu-west-1/proj:1' }, { account: ACCOUNT, region: REGION, project: 'proj' });
    expect(deliveryFactsOf(card, DEFAULT)).toEqual([]);
  });
});

describe('changedFacts', () => {
  it.each([
    ['the first production success', RETRIED.slice(0, 6), RETRIED[6], [fact.deployment('09:20', '09:00')]],
    ['the pipeline ends', RETRIED.slice(0, 7), RETRIED[7], [fact.run('succeeded', '09:21', '09:00')]],
    ['the production failure', RETRIED.slice(0, 4), RETRIED[4], [fact.failed('09:12', 'Production')]],
    ['a retry starting (no fact changes)', RETRIED.slice(0, 5), RETRIED[5], []],
    ['a non-production stage', RETRIED.slice(0, 1), RETRIED[1], []],
  ])('%s', (_name, before, event, expected) => {
    const card = cardOf(before);
    expect(changedFacts(card, merge(card, observe(event)), DEFAULT)).toEqual(expected);
  });

  it('a later production stage moves the deployment: the changed deployment, under the same key', () => {
    const events = [r.pipeline('STARTED', '09:00'), r.stage('Prod-EU', 'SUCCEEDED', '09:20')];
    const card = cardOf(events);
    expect(changedFacts(card, merge(card, observe(r.stage('Prod-US', 'SUCCEEDED', '23:59'))), DEFAULT)).toEqual([fact.deployment('23:59', '09:00')]);
  });

  it.each(RETRIED.map((e, i) => [i, e] as const))('merging event %i again changes no fact', (_i, event) => {
    const card = cardOf(RETRIED);
    expect(changedFacts(card, merge(card, observe(event)), DEFAULT)).toEqual([]);
  });
});

function shuffledWithRepeats(events: readonly unknown[], next: () => number): unknown[] {
  const list = events.flatMap((e) => Array.from({ length: 1 + Math.floor(next() * 3) }, () => e));
  for (let i = list.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [list[i], list[j]] = [list[j], list[i]];
  }
  return list;
}

/** Merges one event at a time, recording what each merge changed as a store would (replace by key). */
function replay(events: readonly unknown[]) {
  const first = observe(events[0])[0]!;
  let card = emptyCard(first.run, first.subject);
  const store = new Map<string, DeliveryFact>();
  const duplicates: DeliveryFact[][] = [];
  const seen = new Set<unknown>();
  for (const event of events) {
    const next = merge(card, observe(event));
    const changed = changedFacts(card, next, DEFAULT);
    if (seen.has(event)) duplicates.push(changed);
    seen.add(event);
    for (const f of changed) store.set(factKey(f), f);
    card = next;
  }
  return { card, stored: [...store.values()], duplicates };
}

describe('order and duplicates', () => {
  const RUN = [...RETRIED.slice(0, 7), approve('STARTED', '09:05'), approve('SUCCEEDED', '09:07:30'), RETRIED[7]];
  const expected = [
    fact.failed('09:12', 'Production'),
    fact.deployment('09:20', '09:00'),
    fact.run('succeeded', '09:21', '09:00'),
    fact.approval('Release', 'Approve', 'SUCCEEDED', '09:07:30', 150),
  ];

  it('200 permutations of one run, each event up to 3 times, merged one by one: the same final facts, and the facts recorded from the changes are those', () => {
    const next = rng(20261109);
    for (let round = 0; round < 200; round++) {
      const events = shuffledWithRepeats(RUN, next);
      const { card, stored } = replay(events);
      expect(byKey(deliveryFactsOf(card, DEFAULT)), `round ${round}`).toEqual(byKey(expected));
      expect(byKey(stored), `round ${round}`).toEqual(byKey(expected));
    }
  });

  it('merging an event already merged changes no fact, wherever it comes in the order', () => {
    const next = rng(7);
    for (let round = 0; round < 200; round++) {
      const { duplicates } = replay(shuffledWithRepeats(RUN, next));
      for (const changed of duplicates) expect(changed).toEqual([]);
    }
  });
});

describe('a rollback run whose stage events come before its own', () => {
  const rollback = runOf('checkout', 'rb1');
  const EVENTS = [
    rollback.stage('Production', 'SUCCEEDED', '16:05'),
    rollback.stage('Production', 'STARTED', '16:01'),
    rollback.pipeline('STARTED', '16:00', 'ManualRollback'),
  ];

  it('records no deployment on the way: production outcomes wait for the execution event that says it is a rollback', () => {
    // Every order of the three events: the facts recorded from the changes are only the rollback.
    const orders = [
      [0, 1, 2],
      [0, 2, 1],
      [1, 0, 2],
      [1, 2, 0],
      [2, 0, 1],
      [2, 1, 0],
    ];
    for (const order of orders) {
      const { card, stored } = replay(order.map((i) => EVENTS[i]));
      const expected = [{ ...where, executionId: 'rb1', kind: 'rollback', by: 'codepipeline', at: T('16:00'), stage: 'Production' }];
      expect(stored, order.join()).toEqual(expected);
      expect(deliveryFactsOf(card, DEFAULT)).toEqual(expected);
    }
  });
});

describe('who rolled back', () => {
  const rollback = runOf('checkout', 'rb2');
  const startedBy = (detail: string) => {
    const started = rollback.pipeline('STARTED', '16:00', 'ManualRollback') as { detail: Record<string, unknown> };
    return { ...started, detail: { ...started.detail, 'execution-trigger': { 'trigger-type': 'ManualRollback', 'trigger-detail': detail } } };
  };
  const byOf = (detail: string, isOwn?: (arn: string) => boolean) =>
    deliveryFactsOf(cardOf([startedBy(detail), rollback.stage('Production', 'SUCCEEDED', '16:05')]), DEFAULT, isOwn).find((f) => f.kind === 'rollback');

  it.each([
    // pipeline-warden's rollback steps, as their own role (infra/rollback.yml RollbackStepsRole; CloudFormation names it <stack>-RollbackStepsRole-<suffix>)
    ['arn:aws:sts::123456789012:assumed-role/pipeline-warden-prod-RollbackStepsRole-1A2B3C4D5E6F/rollback-steps', 'pipeline-warden'],
    // a person in the console, or another tool
    ['arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_Deployer_5f1e2d3c4b5a6978/dana@example.com', 'codepipeline'],
    ['arn:aws:iam::123456789012:user/RollbackStepsRole-fan', 'codepipeline'],
  ])('%s → by %s', (detail, by) => {
    expect(byOf(detail)).toEqual({ ...where, executionId: 'rb2', kind: 'rollback', by, at: T('16:00'), stage: 'Production' });
  });

  it('in organization mode, the actor role in the pipeline account is pipeline-warden too', () => {
    const actor = 'arn:aws:sts::210987654321:assumed-role/pipeline-warden-actor/rollback-steps';
    expect(byOf(actor)).toMatchObject({ by: 'codepipeline' });
    expect(byOf(actor, ownRollbackCaller('pipeline-warden-actor'))).toMatchObject({ by: 'pipeline-warden' });
  });
});
