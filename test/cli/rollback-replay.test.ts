/**
 * The rollback scenarios of events/samples replayed with their world files, as `warden replay
 * --world <scenario>/rollback.world.json --json <scenario>` runs them: the calls the stack would make
 * and the messages, in the run's thread.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readConfigFile } from '../../cli/config-file';
import { collectEventFiles } from '../../cli/files';
import { replayEvents } from '../../cli/replay';
import type { World } from '../../functions/platform/recording';

async function replayScenario(folder: string) {
  const config = readConfigFile('config/warden.yml');
  if (!config.ok) throw new Error(config.problems.join('\n'));
  const world = JSON.parse(readFileSync(`events/samples/${folder}/rollback.world.json`, 'utf8')) as World;
  const results = await replayEvents(collectEventFiles([`events/samples/${folder}`]), { config: config.config, world });
  expect(results.filter((r) => r.error)).toEqual([]);
  const calls = results.flatMap((r) => r.calls.map((c) => ({ ...c, file: r.event.split('/').pop() })));
  const writes = calls
    .filter((c) => /stopDeployment|createDeployment|rollbackStage|stopPipelineExecution/.test(c.call))
    .map((c) => ({ call: c.call, input: c.input, at: c.at }));
  const rollbackPosts = calls
    .filter((c) => c.call === 'slack.chat.postMessage' && c.file?.includes('alarm'))
    .map((c) => [c.at, c.input['channel'], c.input['thread_ts'], c.input['text']]);
  const emails = calls.filter((c) => c.call === 'sns.publish').map((c) => c.input['Subject']);
  const cardTs = calls.find((c) => c.call === 'slack.chat.postMessage' && !c.input['thread_ts'])?.input['channel'];
  return { writes, rollbackPosts, emails, cardTs };
}

describe('rollback replay scenarios', () => {
  it("05-rollback-codedeploy: the deployment in progress is stopped with rollback; the pipeline run's thread says so and how it ended", async () => {
    const { writes, rollbackPosts, emails, cardTs } = await replayScenario('05-rollback-codedeploy');
    expect(cardTs).toBe('C0PLATFORM1');
    expect(writes).toEqual([
      { call: 'codedeploy.stopDeployment', input: { deploymentId: 'd-9HZ4PQ2XY', autoRollbackEnabled: true }, at: '2026-11-23T12:06:00.000Z' },
    ]);
    expect(rollbackPosts).toEqual([
      ['2026-11-23T12:06:00.000Z', 'C0PLATFORM1', '1700000000.000001', '🚨 Rolling back web-frontend/web-frontend-prod: alarm web-frontend-host-unhealthy'],
      ['2026-11-23T12:10:00.000Z', 'C0PLATFORM1', '1700000000.000001', '✅ web-frontend/web-frontend-prod rolled back (alarm web-frontend-host-unhealthy)'],
    ]);
    expect(emails).toEqual(['[pipeline-warden] ✅ web-frontend/web-frontend-prod rolled back (alarm web-frontend-host-unhealthy)']);
  });

  it('06-rollback-pipeline: the release that succeeded 10 minutes before the alarm is rolled back to the previous one (RollbackStage)', async () => {
    const { writes, rollbackPosts, emails } = await replayScenario('06-rollback-pipeline');
    expect(writes).toEqual([
      {
        call: 'codepipeline.rollbackStage',
        input: { pipelineName: 'web-frontend', stageName: 'Deploy', targetPipelineExecutionId: 'c4d5e6f7-a8b9-4c0d-8e1f-2a3b4c5d6e7f' },
        at: '2026-11-23T13:16:00.000Z',
      },
    ]);
    expect(rollbackPosts).toEqual([
      ['2026-11-23T13:16:00.000Z', 'C0PLATFORM1', '1700000000.000001', '🚨 Rolling back web-frontend › Deploy: alarm web-frontend-5xx'],
      ['2026-11-23T13:22:00.000Z', 'C0PLATFORM1', '1700000000.000001', '✅ web-frontend › Deploy rolled back (alarm web-frontend-5xx)'],
    ]);
    expect(emails).toEqual(['[pipeline-warden] ✅ web-frontend › Deploy rolled back (alarm web-frontend-5xx)']);
  });
});
