/**
 * Two governance runs at once (a freeze tick during a CloudTrail change) close a stage once and say
 * so once; a close whose call failed is made again by the next run.
 */
import { describe, expect, it } from 'vitest';
import { apply, plan } from '../../../functions/governance/app/reconcile';
import { runGovernance } from '../../../functions/governance/app/run';
import { evaluatePolicy } from '../../../functions/governance/domain/evaluate';
import { fixturePipeline, governanceConfig, governancePolicy, governanceWorld } from '../../support/governance';

const ENFORCED = governancePolicy('- id: production-approval\n  mode: enforce');
const world = () =>
  governanceWorld({
    config: governanceConfig('report: { slack: { channel: C0GOVERN01 } }'),
    policy: ENFORCED,
    pipelines: [fixturePipeline('MyFirstPipeline.json')],
    now: '2026-11-23T10:00:00Z',
  });
const disables = (w: ReturnType<typeof world>) => w.calls.filter((c) => c.call === 'codepipeline.disableStageTransition');

describe('concurrent runs', () => {
  it('two runs that decided to close the same stage close it once; the second performs nothing', async () => {
    const w = world();
    const definition = fixturePipeline('MyFirstPipeline.json');
    const violations = evaluatePolicy({ pipelines: [definition] }, ENFORCED);
    const first = await plan({ definitions: [definition], violations }, w.deps);
    const second = await plan({ definitions: [definition], violations }, w.deps);
    expect(first.actions).toEqual(second.actions);
    expect(first.actions.map((a) => a.action)).toEqual(['disable']);

    expect(await apply(first, w.deps)).toEqual(first.actions);
    expect(await apply(second, w.deps)).toEqual([]);
    expect(disables(w)).toHaveLength(1);
  });

  it('a close whose call failed after the claim is made again by the next run', async () => {
    const w = world();
    let fail = true;
    const disable = w.deps.pipelines.disable;
    const deps = {
      ...w.deps,
      pipelines: {
        ...w.deps.pipelines,
        disable: async (p: string, s: string, r: string) => (fail ? Promise.reject(new Error('throttled')) : disable(p, s, r)),
      },
    };
    const update = { kind: 'change', pipelines: ['MyFirstPipeline'], projects: [] } as const;
    await expect(runGovernance(update, deps)).rejects.toThrow('throttled');
    expect(w.records.get('MyFirstPipeline/Prod')?.state).toBe('disabled');
    fail = false;
    w.setNow('2026-11-23T10:01:00Z');
    await runGovernance(update, deps);
    expect(w.transitions.get('MyFirstPipeline/Prod')).toMatchObject({ enabled: false, disabledReason: 'pipeline-warden - rule production-approval' });
    await runGovernance(update, deps);
    expect(disables(w)).toHaveLength(1);
  });
});
