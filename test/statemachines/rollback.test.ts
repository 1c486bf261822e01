/**
 * The rollback state machine (statemachines/rollback.asl.yaml) executed locally, end to end with the
 * real starter and steps, for every branch of the issue. CodeDeploy and CodePipeline are simulated
 * from a world section (a stopped deployment gets CodeDeploy's rollback deployment, rollbacks take
 * `rollbackTakes`); Slack and email are recorded.
 */
import { describe, expect, it } from 'vitest';
import { RetryableError } from '../../functions/kernel/errors';
import { alarmEvent, DEPLOY_GUARD, minutes, rollbackConfig, rollbackWorld, runCard, STAGE_GUARD, s3 } from '../support/rollback';

const ALARM = 'web-frontend-5xx';
const GOOD = {
  deploymentId: 'd-GOOD',
  status: 'Succeeded',
  createTime: '2026-11-22T15:00:00Z',
  completeTime: '2026-11-22T15:06:00Z',
  revision: s3('v41'),
  creator: 'user',
};
const bad = (created: number, completed: number) => ({
  deploymentId: 'd-BAD',
  status: 'Succeeded',
  createTime: minutes(created),
  completeTime: minutes(completed),
  revision: s3('v42'),
  previousRevision: s3('v41'),
  creator: 'user',
});
const group = (...deployments: unknown[]) => ({ deploymentGroups: { 'web-frontend/web-frontend-prod': { deployments } } });

const E = (n: number) => `e${n}${n}${n}${n}${n}${n}${n}-0000-4000-8000-00000000000${n}`;
const stageRun = (n: number, start: number, end: number | undefined, status = 'Succeeded') => ({
  pipelineExecutionId: E(n),
  status,
  startTime: minutes(start),
  ...(end !== undefined ? { endTime: minutes(end) } : {}),
  sourceRevision: { revisionId: `${n}`.repeat(40), revisionSummary: `Release ${n}` },
});
const pipeline = (pipelineType: string, ...runs: unknown[]) => ({ pipelines: { 'web-frontend': { pipelineType, stages: { Deploy: runs } } } });

async function run(world: ReturnType<typeof rollbackWorld>, until = 120) {
  await world.clock.advanceTo(new Date(minutes(until)));
  return world.machines.finish();
}

describe('rollback state machine', () => {
  it("CodeDeploy, deployment in progress: StopDeployment with rollback, polled to the end, explained in the run's thread and by email", async () => {
    const w = rollbackWorld(rollbackConfig(), group(GOOD, bad(25, 45)));
    await w.cards.put(runCard('pipeline/123456789012/eu-west-1/web-frontend/exec-1'), 0);
    await w.cards.putLink('deployment', 'd-BAD', 'pipeline/123456789012/eu-west-1/web-frontend/exec-1');
    expect(await w.send(alarmEvent(ALARM, minutes(30)))).toEqual([
      {
        target: 'codedeploy/web-frontend/web-frontend-prod',
        name: expect.stringMatching(/^web-frontend-5xx_codedeploy-web-frontend-web-frontend-prod_/),
        outcome: 'started',
      },
    ]);
    const [execution] = await run(w);
    expect(execution?.result.status).toBe('SUCCEEDED');
    expect(w.calls('codedeploy.stopDeployment').map((c) => c.input)).toEqual([{ deploymentId: 'd-BAD', autoRollbackEnabled: true }]);
    expect(w.calls('codedeploy.createDeployment')).toEqual([]);
    expect(w.texts()).toEqual([
      '🚨 Rolling back web-frontend/web-frontend-prod: alarm web-frontend-5xx',
      '✅ web-frontend/web-frontend-prod rolled back (alarm web-frontend-5xx)',
    ]);
    const [start, end] = w.calls('slack.chat.postMessage');
    expect(start?.input).toMatchObject({ channel: 'C0WEBTEAM1', thread_ts: '1700000000.000100', reply_broadcast: true });
    expect(end?.input).toMatchObject({ channel: 'C0WEBTEAM1', thread_ts: '1700000000.000100' });
    const body = JSON.stringify(end?.input['blocks']);
    expect(body).toContain('AWS/ApplicationELB HTTPCode_Target_5XX_Count (LoadBalancer=app/web-frontend/50dc6c495c0c9188) Sum/60s');
    expect(body).toContain('Threshold Crossed: 1 out of the last 1 datapoints [57.0]');
    expect(body).toContain('s3://web-artifacts/web-frontend.zip (v42)');
    expect(body).toContain('s3://web-artifacts/web-frontend.zip (v41)');
    expect(body).toContain('rollback deployment d-ROLLBACK1 ended Succeeded');
    // 5 minutes of rollback polled every 30 s: bounded, and no more checks than needed.
    expect(w.calls('codedeploy.getDeployment').length).toBeGreaterThanOrEqual(10);
    expect(w.calls('codedeploy.getDeployment').length).toBeLessThanOrEqual(12);
    expect(w.calls('sns.publish')).toEqual([
      expect.objectContaining({
        input: expect.objectContaining({ Subject: '[pipeline-warden] ✅ web-frontend/web-frontend-prod rolled back (alarm web-frontend-5xx)' }),
      }),
    ]);
  });

  it('CodeDeploy, success within the bake window: the last good revision is redeployed as a new deployment', async () => {
    const w = rollbackWorld(rollbackConfig(), group(GOOD, bad(10, 20)));
    await w.send(alarmEvent(ALARM, minutes(30)));
    const [execution] = await run(w);
    expect(execution?.result.status).toBe('SUCCEEDED');
    expect(w.calls('codedeploy.stopDeployment')).toEqual([]);
    expect(w.calls('codedeploy.createDeployment').map((c) => c.input)).toEqual([
      {
        applicationName: 'web-frontend',
        deploymentGroupName: 'web-frontend-prod',
        revision: s3('v41'),
        description: expect.stringMatching(
          /^pipeline-warden rollback web-frontend-5xx_.*: alarm web-frontend-5xx; s3:\/\/web-artifacts\/web-frontend.zip \(v41\) over s3:\/\/web-artifacts\/web-frontend.zip \(v42\)$/,
        ),
      },
    ]);
    // No card for d-BAD: the route's channel gets a message, and the outcome answers it in its thread.
    const [start, end] = w.calls('slack.chat.postMessage');
    expect(start?.input).toMatchObject({ channel: 'C0WEBTEAM1' });
    expect(start?.input['thread_ts']).toBeUndefined();
    expect(end?.input).toMatchObject({
      channel: 'C0WEBTEAM1',
      thread_ts: '1700000000.000001',
      text: '✅ web-frontend/web-frontend-prod rolled back (alarm web-frontend-5xx)',
    });
    expect(JSON.stringify(end?.input['blocks'])).toContain('redeployed in');
  });

  it('CodeDeploy, success outside the bake window: nothing is done, and the message says why', async () => {
    const w = rollbackWorld(
      rollbackConfig('codedeploy: { application: web-frontend, deploymentGroup: web-frontend-prod }\nbakeWindow: 5m'),
      group(GOOD, bad(10, 20)),
    );
    await w.send(alarmEvent(ALARM, minutes(30)));
    const [execution] = await run(w);
    expect(execution?.result).toMatchObject({ status: 'SUCCEEDED', states: ['Decide', 'Report'] });
    expect(w.calls('codedeploy.createDeployment')).toEqual([]);
    expect(w.texts()).toEqual(['ℹ️ web-frontend/web-frontend-prod not rolled back: alarm web-frontend-5xx']);
    expect(JSON.stringify(w.calls('slack.chat.postMessage')[0]?.input['blocks'])).toContain('succeeded 10m before the alarm, outside the 5m bake window');
    expect(w.calls('sns.publish')).toHaveLength(1);
  });

  it('CodeDeploy, nothing to do (no deployment yet): reported, nothing called', async () => {
    const w = rollbackWorld(rollbackConfig(), group());
    await w.send(alarmEvent(ALARM, minutes(30)));
    await run(w);
    expect(w.recorder.calls.filter((c) => /stopDeployment|createDeployment/.test(c.call))).toEqual([]);
    expect(JSON.stringify(w.calls('slack.chat.postMessage')[0]?.input['blocks'])).toContain('the deployment group has no deployments');
  });

  it('CodeDeploy already rolled back by its own alarm configuration: recognized, watched and reported, never doubled', async () => {
    const stopped = { ...bad(20, 31), status: 'Stopped', rollbackInfo: { rollbackDeploymentId: 'd-CDROLLBACK' } };
    const theirs = {
      deploymentId: 'd-CDROLLBACK',
      status: 'Succeeded',
      createTime: minutes(31),
      completeTime: minutes(36),
      revision: s3('v41'),
      creator: 'codeDeployRollback',
      rollbackInfo: { rollbackTriggeringDeploymentId: 'd-BAD' },
    };
    const w = rollbackWorld(rollbackConfig(), group(GOOD, stopped, theirs));
    await w.send(alarmEvent(ALARM, minutes(32)));
    await run(w);
    expect(w.recorder.calls.filter((c) => /stopDeployment|createDeployment/.test(c.call))).toEqual([]);
    expect(w.texts()).toEqual([
      '👀 web-frontend/web-frontend-prod is being rolled back by AWS: alarm web-frontend-5xx',
      '✅ web-frontend/web-frontend-prod rolled back (alarm web-frontend-5xx)',
    ]);
    expect(JSON.stringify(w.calls('slack.chat.postMessage')[1]?.input['blocks'])).toContain('made by CodeDeploy');
  });

  it('V2 pipeline, stage succeeded within the bake window: RollbackStage to the last successful execution, polled, reported', async () => {
    const w = rollbackWorld(rollbackConfig(STAGE_GUARD), pipeline('V2', stageRun(1, -300, -290), stageRun(2, 10, 20)));
    await w.cards.put(runCard(`pipeline/123456789012/eu-west-1/web-frontend/${E(2)}`), 0);
    await w.send(alarmEvent(ALARM, minutes(30)));
    const [execution] = await run(w);
    expect(execution?.result.status).toBe('SUCCEEDED');
    expect(w.calls('codepipeline.rollbackStage').map((c) => c.input)).toEqual([
      { pipelineName: 'web-frontend', stageName: 'Deploy', targetPipelineExecutionId: E(1) },
    ]);
    expect(w.calls('codepipeline.stopPipelineExecution')).toEqual([]);
    const end = w.calls('slack.chat.postMessage')[1];
    expect(end?.input).toMatchObject({ text: '✅ web-frontend › Deploy rolled back (alarm web-frontend-5xx)', thread_ts: '1700000000.000100' });
    expect(JSON.stringify(end?.input['blocks'])).toContain('2222222 Release 2');
    expect(JSON.stringify(end?.input['blocks'])).toContain('1111111 Release 1');
  });

  it('V2 pipeline, stage running: the execution is stopped first, then the stage rolled back', async () => {
    const w = rollbackWorld(rollbackConfig(STAGE_GUARD), pipeline('V2', stageRun(1, -300, -290), stageRun(2, 25, 50)));
    await w.send(alarmEvent(ALARM, minutes(30)));
    await run(w);
    expect(w.recorder.calls.filter((c) => /stopPipelineExecution|rollbackStage/.test(c.call)).map((c) => [c.call, c.at])).toEqual([
      ['codepipeline.stopPipelineExecution', minutes(30)],
      ['codepipeline.rollbackStage', new Date(Date.parse(minutes(30)) + 30_000).toISOString()],
    ]);
    expect(w.texts().at(-1)).toBe('✅ web-frontend › Deploy rolled back (alarm web-frontend-5xx)');
  });

  it('V1 pipeline: not rolled back, and the reason is given', async () => {
    const w = rollbackWorld(rollbackConfig(STAGE_GUARD), pipeline('V1', stageRun(1, -300, -290), stageRun(2, 10, 20)));
    await w.send(alarmEvent(ALARM, minutes(30)));
    await run(w);
    expect(w.calls('codepipeline.rollbackStage')).toEqual([]);
    expect(JSON.stringify(w.calls('slack.chat.postMessage')[0]?.input['blocks'])).toContain('CodePipeline rolls back stages of V2 pipelines only');
  });

  it('an API error is retried, then reported in the thread and by email; the execution ends FAILED', async () => {
    const w = rollbackWorld(rollbackConfig(), group(GOOD, bad(10, 20)));
    let attempts = 0;
    w.deps.deploy.create = async () => {
      attempts += 1;
      throw new RetryableError('CodeDeploy CreateDeployment: ThrottlingException: Rate exceeded');
    };
    await w.send(alarmEvent(ALARM, minutes(30)));
    const [execution] = await run(w);
    expect(attempts).toBe(5); // the first try and the 4 retries of RetryableError
    expect(execution?.result).toMatchObject({ status: 'FAILED', error: 'RollbackFailed' });
    expect(w.texts()).toEqual(['⚠️ Rollback of web-frontend/web-frontend-prod could not be completed (alarm web-frontend-5xx)']);
    expect(JSON.stringify(w.calls('slack.chat.postMessage')[0]?.input['blocks'])).toContain(
      'RetryableError: CodeDeploy CreateDeployment: ThrottlingException: Rate exceeded',
    );
    expect(w.calls('sns.publish')).toHaveLength(1);
  });

  it('a throttle that passes on retry still rolls back once', async () => {
    const w = rollbackWorld(rollbackConfig(), group(GOOD, bad(10, 20)));
    const create = w.deps.deploy.create;
    let attempts = 0;
    w.deps.deploy.create = async (...args) => {
      attempts += 1;
      if (attempts < 3) throw new RetryableError('ThrottlingException');
      return create(...args);
    };
    await w.send(alarmEvent(ALARM, minutes(30)));
    await run(w);
    expect(w.calls('codedeploy.createDeployment')).toHaveLength(1);
    expect(w.texts().at(-1)).toBe('✅ web-frontend/web-frontend-prod rolled back (alarm web-frontend-5xx)');
  });

  it('a duplicate alarm event starts nothing new: one execution, one stop', async () => {
    const w = rollbackWorld(rollbackConfig(), group(GOOD, bad(25, 45)));
    await w.send(alarmEvent(ALARM, minutes(30)));
    expect(await w.send({ ...alarmEvent(ALARM, minutes(30)), id: 'another-delivery' })).toEqual([expect.objectContaining({ outcome: 'duplicate' })]);
    expect(w.calls('sfn.startExecution')).toHaveLength(2);
    expect(await run(w)).toHaveLength(1);
    expect(w.calls('codedeploy.stopDeployment')).toHaveLength(1);
  });

  it('a flapping alarm (ALARM → OK → ALARM within the cooldown) is not rolled back twice', async () => {
    const w = rollbackWorld(rollbackConfig(), group(GOOD, bad(10, 20)));
    await w.send(alarmEvent(ALARM, minutes(30)));
    expect(await w.send(alarmEvent(ALARM, minutes(33), 'OK'))).toEqual([]);
    expect(await w.send(alarmEvent(ALARM, minutes(40)))).toEqual([expect.objectContaining({ outcome: 'started' })]);
    const executions = await run(w);
    expect(executions.map((e) => e.result.status)).toEqual(['SUCCEEDED', 'SUCCEEDED']);
    expect(w.calls('codedeploy.createDeployment')).toHaveLength(1);
    expect(w.texts()).toContain('ℹ️ web-frontend/web-frontend-prod not rolled back again: alarm web-frontend-5xx (cooldown)');
    expect(JSON.stringify(w.calls('slack.chat.postMessage').at(-1)?.input['blocks'])).toContain(
      'rolled back 10m ago (alarm web-frontend-5xx); not again within the 1h cooldown',
    );
    expect(w.calls('sns.publish')).toHaveLength(1); // the cooldown notice is for the thread only
  });

  it('notify-only mode: says what it would have done, does nothing', async () => {
    const w = rollbackWorld(rollbackConfig(`${DEPLOY_GUARD}\nmode: notify-only`), group(GOOD, bad(25, 45)));
    await w.send(alarmEvent(ALARM, minutes(30)));
    await run(w);
    expect(w.recorder.calls.filter((c) => /stopDeployment|createDeployment/.test(c.call))).toEqual([]);
    expect(w.texts()).toEqual(['👀 web-frontend/web-frontend-prod would be rolled back: alarm web-frontend-5xx (notify-only)']);
    expect(JSON.stringify(w.calls('slack.chat.postMessage')[0]?.input['blocks'])).toContain('would have stopped deployment d-BAD and let CodeDeploy roll back');
  });

  it('a rollback that never ends: polling stops at its limit and the report says it is still running', async () => {
    const w = rollbackWorld(rollbackConfig(), { ...group(GOOD, bad(10, 20)), rollbackTakes: '1d' });
    await w.send(alarmEvent(ALARM, minutes(30)));
    const [execution] = await run(w, 300);
    expect(execution?.result.status).toBe('SUCCEEDED');
    expect(execution?.result.states.filter((s) => s === 'Check')).toHaveLength(120);
    expect(w.texts().at(-1)).toBe('⏳ Rollback of web-frontend/web-frontend-prod still running when pipeline-warden stopped watching (alarm web-frontend-5xx)');
  });
});

describe('rollback state machine, races', () => {
  it('a deployment that succeeded between the decision and the stop is redeployed over instead', async () => {
    const w = rollbackWorld(rollbackConfig(), group(GOOD, bad(25, 45)));
    const deployment = w.deps.deploy.deployment;
    w.deps.deploy.stop = async () => 'already-ended';
    w.deps.deploy.deployment = async (id) => {
      const d = await deployment(id);
      return d && id === 'd-BAD' ? { ...d, status: 'Succeeded', completeTime: minutes(30) } : d;
    };
    await w.send(alarmEvent(ALARM, minutes(30)));
    await run(w);
    expect(w.calls('codedeploy.createDeployment').map((c) => c.input['revision'])).toEqual([s3('v41')]);
    expect(w.texts().at(-1)).toBe('✅ web-frontend/web-frontend-prod rolled back (alarm web-frontend-5xx)');
  });

  it('organization mode: every step acts in the account and region of the alarm, through ports for that place', async () => {
    const w = rollbackWorld(rollbackConfig(), group(GOOD, bad(25, 45)));
    const places: unknown[] = [];
    Object.assign(w.deps, {
      at: (place: unknown) => {
        places.push(place);
        return { deploy: w.deps.deploy, pipeline: w.deps.pipeline };
      },
    });
    const event = JSON.parse(JSON.stringify(alarmEvent(ALARM, minutes(30))).replaceAll('123456789012', '222233334444'));
    expect(await w.send(event)).toHaveLength(1);
    const [execution] = await run(w);
    expect(execution?.result.status).toBe('SUCCEEDED');
    expect(w.calls('codedeploy.stopDeployment')).toHaveLength(1);
    expect(places.length).toBeGreaterThanOrEqual(3);
    expect(new Set(places.map((p) => JSON.stringify(p)))).toEqual(new Set([JSON.stringify({ account: '222233334444', region: 'eu-west-1' })]));
  });
});
