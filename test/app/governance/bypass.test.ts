/**
 * Break-glass end to end on a world of pipelines: the stage closes again the moment the let-in
 * execution starts in it (its STARTED event), not at the next tick; a bypass that could open
 * nothing is refused before anything is recorded; a double click grants once. Also the tick that
 * reads no pipeline outside every window, and the bounded reads of big accounts.
 */
import { describe, expect, it } from 'vitest';
import { handleBypassClick } from '../../../functions/governance/app/bypass';
import { mapLimit } from '../../../functions/governance/app/reconcile';
import { runGovernance } from '../../../functions/governance/app/run';
import { governanceTrigger } from '../../../functions/governance/domain/trigger';
import { fixturePipeline, governanceConfig, governancePolicy, governanceWorld } from '../../support/governance';

const REPORT = 'report: { slack: { channel: C0GOVERN01 } }';
const FREEZE = `${REPORT}\nfreezes:\n  - name: release-freeze\n    timezone: UTC\n    from: "2026-11-23T00:00"\n    to: "2026-11-30T00:00"\n    pipelines: ["orders-*"]\n    breakGlass: { approvers: [U0RELEASE1] }`;
const KEY = 'orders-service/Prod-eu-west-1';
const VALUE = JSON.stringify({ pipeline: 'orders-service', stage: 'Prod-eu-west-1', freeze: 'release-freeze' });
const stageStarted = (executionId: string, stage = 'Prod-eu-west-1') => ({
  version: '0',
  id: `ev-${executionId}`,
  'detail-type': 'CodePipeline Stage Execution State Change',
  source: 'aws.codepipeline',
  account: '123456789012',
  time: '2026-11-23T10:01:00Z',
  region: 'eu-west-1',
  resources: ['arn:aws:codepipeline:eu-west-1:123456789012:orders-service'],
  detail: { pipeline: 'orders-service', 'execution-id': executionId, stage, state: 'STARTED', version: 3 },
});

/** orders-service frozen by the tick, an execution (exec-before) already in its production stage. */
async function frozen(policy = governancePolicy('- id: pipeline-type-v2'), config = FREEZE) {
  const w = governanceWorld({ config: governanceConfig(config), policy, pipelines: [fixturePipeline('orders-service.json')], now: '2026-11-23T10:00:00Z' });
  await runGovernance({ kind: 'tick' }, w.deps);
  expect(w.transitions.get(KEY)?.enabled).toBe(false);
  w.enter(KEY, 'exec-before');
  return w;
}
const click = (w: Awaited<ReturnType<typeof frozen>>, user = 'U0RELEASE1') =>
  handleBypassClick({ actionId: 'bypass:grant:0', value: VALUE, user: { id: user } }, w.deps);
const transitionCalls = (w: Awaited<ReturnType<typeof frozen>>) => w.calls.filter((c) => c.call.endsWith('StageTransition')).map((c) => c.call);

describe('break-glass ends when the execution goes in', () => {
  it("closes the stage again on the let-in execution's STARTED event, audits it with the execution id, once", async () => {
    const w = await frozen();
    await click(w);
    expect(w.transitions.get(KEY)?.enabled).toBe(true);

    w.enter(KEY, 'exec-let-in');
    const result = await runGovernance(governanceTrigger(stageStarted('exec-let-in')), w.deps);
    expect(result.summary).toBe('orders-service/Prod-eu-west-1: break-glass used by execution exec-let-in; 1 transition change(s)');
    expect(w.transitions.get(KEY)).toMatchObject({ enabled: false, disabledReason: 'pipeline-warden - freeze release-freeze until 2026-11-30 00.00 UTC' });
    expect(w.audits.map((a) => [a['event'], a['executionId']])).toEqual([
      ['granted', undefined],
      ['used', 'exec-let-in'],
    ]);
    expect(w.bypasses.size).toBe(0);
    expect(w.slackTexts().at(-1)).toBe(
      '🔒 Execution exec-let-in went into Prod-eu-west-1 of orders-service under break-glass (freeze "release-freeze", granted by U0RELEASE1); the stage is closed again.',
    );

    // A redelivered event, and the next tick, change nothing more.
    const before = transitionCalls(w).length;
    expect((await runGovernance(governanceTrigger(stageStarted('exec-let-in')), w.deps)).summary).toBe('orders-service/Prod-eu-west-1: no break-glass bypass');
    await runGovernance({ kind: 'tick' }, w.deps);
    expect(transitionCalls(w)).toHaveLength(before);
    expect(w.audits).toHaveLength(2);
  });

  it('does not count the execution that was already in the stage (a retry of it), nor another stage', async () => {
    const w = await frozen();
    await click(w);
    expect((await runGovernance(governanceTrigger(stageStarted('exec-before')), w.deps)).summary).toBe(
      'orders-service/Prod-eu-west-1: execution exec-before was there before the bypass',
    );
    expect((await runGovernance(governanceTrigger(stageStarted('exec-2', 'Source')), w.deps)).summary).toBe('orders-service/Source: no break-glass bypass');
    expect(w.transitions.get(KEY)?.enabled).toBe(true);
    expect(w.bypasses.size).toBe(1);
  });

  it('ignores stage events that are not a start, or carry no stage name', () => {
    expect(governanceTrigger({ ...stageStarted('e'), detail: { ...stageStarted('e').detail, state: 'SUCCEEDED' } })).toEqual({
      kind: 'ignored',
      why: 'stage SUCCEEDED',
    });
    expect(governanceTrigger({ ...stageStarted('e'), detail: { pipeline: 'p', 'execution-id': 'e', state: 'STARTED' } })).toEqual({
      kind: 'ignored',
      why: 'stage event without a stage name',
    });
  });
});

describe('granting break-glass', () => {
  it('a double click by the same person grants once: one audit, one reopening', async () => {
    const w = await frozen();
    expect(await click(w)).toEqual({ kind: 'done', text: 'Lifted for one execution of orders-service into Prod-eu-west-1.' });
    expect(await click(w)).toEqual({ kind: 'done', text: 'Lifted for one execution of orders-service into Prod-eu-west-1.' });
    expect(w.audits.map((a) => a['event'])).toEqual(['granted']);
    expect(transitionCalls(w)).toEqual(['codepipeline.disableStageTransition', 'codepipeline.enableStageTransition']);
  });

  it('refuses, recording nothing, when an enforced rule keeps the stage closed anyway', async () => {
    // orders-service keeps its artifacts under an AWS-managed key: an enforced artifact-encryption rule closes its production stage too.
    const w = await frozen(governancePolicy('- id: artifact-encryption\n  mode: enforce'));
    const outcome = await click(w);
    expect(outcome).toEqual({
      kind: 'refused',
      ephemeral:
        'Prod-eu-west-1 of orders-service stays closed without freeze "release-freeze" too: rule artifact-encryption. Break-glass lifts only the freeze. Nothing changed.',
    });
    expect(w.bypasses.size).toBe(0);
    expect(w.audits).toEqual([]);
    expect(w.transitions.get(KEY)?.enabled).toBe(false);
    expect(transitionCalls(w)).toEqual(['codepipeline.disableStageTransition']);
  });

  it('refuses a pipeline deleted since the freeze message, saying so, recording nothing', async () => {
    const w = await frozen();
    w.definitions.delete('orders-service');
    expect(await click(w)).toEqual({ kind: 'refused', ephemeral: 'Pipeline orders-service no longer exists. Nothing changed.' });
    expect(w.audits).toEqual([]);
  });
});

describe('the freeze tick outside every window', () => {
  it('reads no pipeline when no freeze is on, no calendar is closed and nothing of ours is closed', async () => {
    const w = governanceWorld({
      config: governanceConfig(FREEZE),
      policy: governancePolicy('- id: pipeline-type-v2'),
      pipelines: [fixturePipeline('orders-service.json')],
      now: '2026-12-10T10:00:00Z',
    });
    let reads = 0;
    const { list, get } = w.deps.pipelines;
    const counted = <T>(read: () => T): T => {
      reads++;
      return read();
    };
    const deps = { ...w.deps, pipelines: { ...w.deps.pipelines, list: () => counted(list), get: (n: string) => counted(() => get(n)) } };
    expect((await runGovernance({ kind: 'tick' }, deps)).summary).toBe('tick: no freeze on, nothing closed');
    expect(reads).toBe(0);
  });
});

describe('mapLimit', () => {
  it('keeps the order and never has more than the limit in flight', async () => {
    let inFlight = 0;
    let most = 0;
    const result = await mapLimit([5, 1, 4, 2, 3, 0, 6], 3, async (n) => {
      inFlight++;
      most = Math.max(most, inFlight);
      await new Promise((resolve) => setImmediate(resolve));
      inFlight--;
      return n * 10;
    });
    expect(result).toEqual([50, 10, 40, 20, 30, 0, 60]);
    expect(most).toBe(3);
    expect(await mapLimit([], 3, async () => 1)).toEqual([]);
  });
});
