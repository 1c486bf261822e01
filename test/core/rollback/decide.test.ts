/** decideRollback as a table: every branch of the issue, the clock passed in. */
import { describe, expect, it } from 'vitest';
import type { EffectiveGuard } from '../../../functions/kernel/config/rollback';
import { decideRollback } from '../../../functions/rollback/domain/decide';
import type { AlarmInfo, DeploymentView, GroupView, RollbackWorld, StageExecution, StageView, Target } from '../../../functions/rollback/domain/types';

const T0 = Date.parse('2026-11-23T10:00:00Z');
const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();
const ALARM_AT = 30; // the alarm goes to ALARM at 10:30
const alarm: AlarmInfo = { name: 'web-frontend-5xx', account: '123456789012', region: 'eu-west-1', time: at(ALARM_AT) };
const guard: EffectiveGuard = { name: 'web', alarms: ['web-frontend-*'], bakeWindowMs: 60 * 60_000, cooldownMs: 60 * 60_000, mode: 'rollback' };
const deployTarget: Target = { kind: 'codedeploy', application: 'web-frontend', deploymentGroup: 'web-frontend-prod' };
const stageTarget: Target = { kind: 'pipeline', pipeline: 'web-frontend', stage: 'Deploy' };

const rev = (v: string) => ({
  label: `s3://artifacts/web-frontend.zip (${v})`,
  location: { revisionType: 'S3', s3Location: { bucket: 'artifacts', key: 'web-frontend.zip', version: v, bundleType: 'zip' } },
});
const dep = (id: string, status: string, created: number, completed?: number, extra: Partial<DeploymentView> = {}): DeploymentView => ({
  id,
  status,
  createTime: at(created),
  ...(completed !== undefined ? { completeTime: at(completed) } : {}),
  revision: rev(id),
  creator: 'user',
  ...extra,
});
const group = (deployments: DeploymentView[], extra: Partial<GroupView> = {}): RollbackWorld => ({
  codedeploy: { exists: true, alarms: [], autoRollbackOnAlarm: false, deployments, ...extra },
});
const GOOD = dep('d-GOOD', 'Succeeded', -600, -590);
const exe = (id: string, status: string, start: number, end?: number, extra: Partial<StageExecution> = {}): StageExecution => ({
  executionId: id,
  status,
  type: 'STANDARD',
  startTime: at(start),
  ...(end !== undefined ? { endTime: at(end) } : {}),
  ...extra,
});
const stage = (latest: StageExecution | undefined, succeeded: StageExecution[], extra: Partial<StageView> = {}): RollbackWorld => ({
  pipeline: { pipelineType: 'V2', stageExists: true, ...(latest ? { latest } : {}), succeeded, ...extra },
});
const PREVIOUS = exe('11111111-0000-4000-8000-000000000001', 'Succeeded', -900, -880);

interface Row {
  readonly name: string;
  readonly target: Target;
  readonly world: RollbackWorld;
  readonly now?: number;
  /** Minutes after 10:00 when the alarm went to ALARM (default 30). */
  readonly alarmAt?: number;
  readonly mapping?: Partial<EffectiveGuard>;
  readonly expected: Record<string, unknown>;
}

const ROWS: Row[] = [
  // ── CodeDeploy ──
  {
    name: 'deployment in progress → StopDeployment (CodeDeploy rolls back to the last success)',
    target: deployTarget,
    world: group([dep('d-NEW', 'InProgress', 25), GOOD]),
    expected: { kind: 'stop-deployment', deploymentId: 'd-NEW', from: rev('d-NEW'), to: rev('d-GOOD') },
  },
  {
    name: 'success within the bake window → redeploy the last good revision',
    target: deployTarget,
    world: group([dep('d-NEW', 'Succeeded', 10, 20), GOOD]),
    expected: { kind: 'redeploy', from: { deploymentId: 'd-NEW', revision: rev('d-NEW') }, to: { deploymentId: 'd-GOOD', revision: rev('d-GOOD') } },
  },
  {
    name: 'success outside the bake window → notify',
    target: deployTarget,
    world: group([dep('d-NEW', 'Succeeded', -100, -90), GOOD]),
    expected: { kind: 'notify', code: 'outside-bake-window', reason: expect.stringContaining('2h before the alarm, outside the 1h bake window') },
  },
  {
    name: 'a shorter bake window from the guard',
    target: deployTarget,
    mapping: { bakeWindowMs: 5 * 60_000 },
    world: group([dep('d-NEW', 'Succeeded', 10, 20), GOOD]),
    expected: { kind: 'notify', code: 'outside-bake-window' },
  },
  { name: 'nothing ever deployed → notify', target: deployTarget, world: group([]), expected: { kind: 'notify', code: 'nothing-deployed' } },
  {
    name: 'deployment group missing → notify',
    target: deployTarget,
    world: { codedeploy: { exists: false, alarms: [], autoRollbackOnAlarm: false, deployments: [] } },
    expected: { kind: 'notify', code: 'not-found' },
  },
  {
    name: 'latest failed, no CodeDeploy rollback → notify',
    target: deployTarget,
    world: group([dep('d-NEW', 'Failed', 10, 20), GOOD]),
    expected: { kind: 'notify', code: 'last-run-failed' },
  },
  {
    name: "success within the window, no earlier success but CodeDeploy's previousRevision → redeploy it",
    target: deployTarget,
    world: group([dep('d-NEW', 'Succeeded', 10, 20, { previousRevision: rev('old') })]),
    expected: { kind: 'redeploy', to: { revision: rev('old') } },
  },
  {
    name: 'success within the window, nothing earlier → notify',
    target: deployTarget,
    world: group([dep('d-NEW', 'Succeeded', 10, 20)]),
    expected: { kind: 'notify', code: 'no-earlier-revision' },
  },
  {
    name: 'an earlier success of the same revision is not "last good"',
    target: deployTarget,
    world: group([dep('d-NEW', 'Succeeded', 10, 20), { ...dep('d-SAME', 'Succeeded', -60, -50), revision: rev('d-NEW') }, GOOD]),
    expected: { kind: 'redeploy', to: { deploymentId: 'd-GOOD' } },
  },
  {
    name: 'deployment started after the alarm → not stopped',
    target: deployTarget,
    world: group([dep('d-FIX', 'InProgress', 31), GOOD]),
    now: 32,
    expected: { kind: 'notify', code: 'started-after-alarm' },
  },
  {
    name: 'CodeDeploy already rolling back (creator codeDeployRollback) → observe only',
    target: deployTarget,
    world: group([
      dep('d-RB', 'InProgress', 29, undefined, { creator: 'codeDeployRollback', rollbackInfo: { rollbackTriggeringDeploymentId: 'd-NEW' } }),
      dep('d-NEW', 'Stopped', 20, 29),
      GOOD,
    ]),
    expected: { kind: 'observe-deployment', deploymentId: 'd-RB', triggeredBy: 'd-NEW' },
  },
  {
    name: 'CodeDeploy already rolled back (Stopped with rollbackInfo) → observe only',
    target: deployTarget,
    world: group([dep('d-NEW', 'Stopped', 20, 29, { rollbackInfo: { rollbackDeploymentId: 'd-RB' } }), GOOD]),
    expected: { kind: 'observe-deployment', deploymentId: 'd-RB', triggeredBy: 'd-NEW' },
  },
  {
    name: "in progress, and the group's own alarm configuration watches this alarm → observe only",
    target: deployTarget,
    world: group([dep('d-NEW', 'InProgress', 25), GOOD], { alarms: ['web-frontend-5xx'], autoRollbackOnAlarm: true }),
    expected: { kind: 'observe-deployment', deploymentId: 'd-NEW' },
  },
  {
    name: 'the group watches other alarms only → we stop it',
    target: deployTarget,
    world: group([dep('d-NEW', 'InProgress', 25), GOOD], { alarms: ['cpu-high'], autoRollbackOnAlarm: true }),
    expected: { kind: 'stop-deployment' },
  },
  {
    name: 'notify-only → what it would have done',
    target: deployTarget,
    mapping: { mode: 'notify-only' },
    world: group([dep('d-NEW', 'InProgress', 25), GOOD]),
    expected: {
      kind: 'notify',
      code: 'notify-only',
      wouldHave: { kind: 'stop-deployment', deploymentId: 'd-NEW' },
      reason: expect.stringContaining('would have stopped deployment d-NEW'),
    },
  },
  // ── never twice ──
  {
    name: 'flapping: rolled back 10m ago by the same alarm (ALARM → OK → ALARM) → cooldown',
    target: deployTarget,
    now: 40,
    world: {
      ...group([dep('d-RB2', 'Succeeded', 31, 35), dep('d-NEW', 'Succeeded', 10, 20), GOOD]),
      episode: { at: at(30), alarm: 'web-frontend-5xx', alarmTime: at(30), execution: 'first', action: 'redeploy' },
    },
    expected: { kind: 'notify', code: 'cooldown', reason: expect.stringContaining('rolled back 10m ago') },
  },
  {
    name: 'past the cooldown → acts again',
    target: deployTarget,
    alarmAt: 148,
    now: 150,
    world: {
      ...group([dep('d-NEW', 'InProgress', 145), GOOD]),
      episode: { at: at(30), alarm: 'web-frontend-5xx', alarmTime: at(30), execution: 'first', action: 'redeploy' },
    },
    mapping: {},
    expected: { kind: 'stop-deployment' },
  },
  {
    name: 'a retry of the execution that claimed the episode is not held back by it',
    target: deployTarget,
    world: {
      ...group([dep('d-NEW', 'InProgress', 25), GOOD]),
      episode: { at: at(31), alarm: 'web-frontend-5xx', alarmTime: at(30), execution: 'this-execution', action: 'stop-deployment' },
    },
    expected: { kind: 'stop-deployment' },
  },
  // ── CodePipeline ──
  {
    name: 'V1 pipeline → notify with the reason',
    target: stageTarget,
    world: stage(exe('22222222-0000-4000-8000-000000000002', 'Succeeded', 10, 20), [PREVIOUS], { pipelineType: 'V1' }),
    expected: { kind: 'notify', code: 'v1-pipeline', reason: expect.stringContaining('V2 pipelines only') },
  },
  {
    name: 'V2, stage running → stop it, then RollbackStage to the last success',
    target: stageTarget,
    world: stage(exe('33333333-0000-4000-8000-000000000003', 'InProgress', 25), [PREVIOUS]),
    expected: { kind: 'rollback-stage', stopFirst: true, to: PREVIOUS },
  },
  {
    name: 'V2, stage succeeded within the bake window → RollbackStage (rollback executions are not targets)',
    target: stageTarget,
    world: stage(exe('33333333-0000-4000-8000-000000000003', 'Succeeded', 10, 20), [
      exe('33333333-0000-4000-8000-000000000003', 'Succeeded', 10, 20),
      exe('44444444-0000-4000-8000-000000000004', 'Succeeded', -300, -290, { type: 'ROLLBACK' }),
      PREVIOUS,
    ]),
    expected: { kind: 'rollback-stage', stopFirst: false, from: { executionId: '33333333-0000-4000-8000-000000000003' }, to: PREVIOUS },
  },
  {
    name: 'V2, stage succeeded outside the bake window → notify',
    target: stageTarget,
    world: stage(exe('33333333-0000-4000-8000-000000000003', 'Succeeded', -200, -190), [PREVIOUS]),
    expected: { kind: 'notify', code: 'outside-bake-window' },
  },
  {
    name: 'V2, no earlier success → notify',
    target: stageTarget,
    world: stage(exe('33333333-0000-4000-8000-000000000003', 'Succeeded', 10, 20), [exe('33333333-0000-4000-8000-000000000003', 'Succeeded', 10, 20)]),
    expected: { kind: 'notify', code: 'no-earlier-success' },
  },
  { name: 'V2, stage never ran → notify', target: stageTarget, world: stage(undefined, []), expected: { kind: 'notify', code: 'nothing-deployed' } },
  {
    name: 'V2, latest stage run failed → notify',
    target: stageTarget,
    world: stage(exe('33333333-0000-4000-8000-000000000003', 'Failed', 10, 20), [PREVIOUS]),
    expected: { kind: 'notify', code: 'last-run-failed' },
  },
  {
    name: 'V2, a rollback execution is already running → observe only',
    target: stageTarget,
    world: stage(exe('55555555-0000-4000-8000-000000000005', 'InProgress', 29, undefined, { type: 'ROLLBACK', rollbackTarget: PREVIOUS.executionId }), [
      PREVIOUS,
    ]),
    expected: { kind: 'observe-stage', execution: { executionId: '55555555-0000-4000-8000-000000000005' } },
  },
  {
    name: 'V2, the run that entered the stage after the alarm is not rolled back',
    target: stageTarget,
    world: stage(exe('33333333-0000-4000-8000-000000000003', 'InProgress', 31), [PREVIOUS]),
    now: 32,
    expected: { kind: 'notify', code: 'started-after-alarm' },
  },
  {
    name: 'pipeline missing → notify',
    target: stageTarget,
    world: { pipeline: { stageExists: false, succeeded: [] } },
    expected: { kind: 'notify', code: 'not-found' },
  },
  {
    name: 'V2 in notify-only mode → what it would have done',
    target: stageTarget,
    mapping: { mode: 'notify-only' },
    world: stage(exe('33333333-0000-4000-8000-000000000003', 'Succeeded', 10, 20), [PREVIOUS]),
    expected: { kind: 'notify', code: 'notify-only', wouldHave: { kind: 'rollback-stage', to: PREVIOUS } },
  },
];

describe('decideRollback', () => {
  it.each(ROWS)('$name', ({ target, world, now, alarmAt, mapping, expected }) => {
    const decision = decideRollback({
      alarm: { ...alarm, time: at(alarmAt ?? ALARM_AT) },
      mapping: { ...guard, ...mapping },
      target,
      world,
      now: new Date(T0 + (now ?? ALARM_AT + 1) * 60_000),
      executionName: 'this-execution',
    });
    expect(decision).toMatchObject(expected);
  });
});
