/** How a rollback moves on, poll by poll, as a table. */
import { describe, expect, it } from 'vitest';
import { advance, type Observed, type Progress } from '../../../functions/rollback/domain/progress';

const base = { polls: 3, startedAt: '2026-11-23T10:30:00.000Z' };
const p = (phase: Progress['phase'], extra: Partial<Progress> = {}): Progress => ({ ...base, phase, ...extra });

const ROWS: Array<[string, Progress, Observed, Record<string, unknown>]> = [
  [
    'a stopped deployment still stopping: wait',
    p('stopping-deployment', { deploymentId: 'd-1' }),
    { kind: 'deployment', id: 'd-1', status: 'InProgress' },
    { progress: { phase: 'stopping-deployment', polls: 4 } },
  ],
  [
    "stopped, CodeDeploy's rollback deployment appears: watch it",
    p('stopping-deployment', { deploymentId: 'd-1' }),
    { kind: 'deployment', id: 'd-1', status: 'Stopped', rollbackDeploymentId: 'd-RB' },
    { progress: { phase: 'watching-deployment', deploymentId: 'd-RB' } },
  ],
  [
    'stopped without a rollback deployment: done, and why',
    p('stopping-deployment', { deploymentId: 'd-1' }),
    { kind: 'deployment', id: 'd-1', status: 'Stopped', message: 'no previous revision' },
    {
      progress: {
        phase: 'done',
        outcome: 'no-rollback',
        detail: 'deployment d-1 ended Stopped and CodeDeploy made no rollback deployment: no previous revision',
      },
    },
  ],
  [
    'the rollback deployment succeeded',
    p('watching-deployment', { deploymentId: 'd-RB' }),
    { kind: 'deployment', id: 'd-RB', status: 'Succeeded' },
    { progress: { phase: 'done', outcome: 'succeeded', detail: 'rollback deployment d-RB ended Succeeded' } },
  ],
  [
    'the rollback deployment failed',
    p('watching-deployment', { deploymentId: 'd-RB' }),
    { kind: 'deployment', id: 'd-RB', status: 'Failed' },
    { progress: { phase: 'done', outcome: 'failed' } },
  ],
  [
    'the rollback deployment is baking: wait',
    p('watching-deployment', { deploymentId: 'd-RB' }),
    { kind: 'deployment', id: 'd-RB', status: 'Baking' },
    { progress: { phase: 'watching-deployment', polls: 4 } },
  ],
  [
    'a stage still stopping: wait',
    p('stopping-stage', { executionId: 'e-2' }),
    { kind: 'stage', status: 'Stopping' },
    { progress: { phase: 'stopping-stage' } },
  ],
  [
    'a stage stopped: now roll it back',
    p('stopping-stage', { executionId: 'e-2' }),
    { kind: 'stage', status: 'Stopped' },
    // biome-ignore lint/suspicious/noThenProperty: advance()'s `then` is a string naming the next step, never a function
    { progress: { phase: 'stopping-stage', polls: 4 }, then: 'rollback-stage' },
  ],
  [
    'the rollback execution is running: wait',
    p('watching-stage', { executionId: 'e-rb' }),
    { kind: 'execution', id: 'e-rb', status: 'InProgress' },
    { progress: { phase: 'watching-stage' } },
  ],
  [
    'the rollback execution succeeded',
    p('watching-stage', { executionId: 'e-rb' }),
    { kind: 'execution', id: 'e-rb', status: 'Succeeded' },
    { progress: { phase: 'done', outcome: 'succeeded' } },
  ],
  [
    'the rollback execution was superseded',
    p('watching-stage', { executionId: 'e-rb' }),
    { kind: 'execution', id: 'e-rb', status: 'Superseded' },
    { progress: { phase: 'done', outcome: 'stopped' } },
  ],
  ['done stays done', p('done', { outcome: 'succeeded' }), { kind: 'stage', status: 'x' }, { progress: { phase: 'done', polls: 3 } }],
];

describe('advance', () => {
  it.each(ROWS)('%s', (_name, progress, observed, expected) => {
    const next = advance(progress, observed);
    expect(next).toMatchObject(expected);
    if (!('then' in expected)) expect(next.then).toBeUndefined();
  });
});
