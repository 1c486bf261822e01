/**
 * The one governance world (functions/governance/world.ts) that `warden replay` and the tests share
 * behaves as the adapters and the services behind them do, where the two fakes it replaced drifted:
 * a claim against a record changed since it was read loses (replay's claim always won), one client
 * request token starts one execution (replay started one per call), and a transition change keeps
 * the stage's latest execution (replay's disable dropped it).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readConfigFile } from '../../../cli/config-file';
import { createLocalMachines } from '../../../cli/local-machines';
import { replayGovernanceDeps } from '../../../cli/targets/governance';
import type { ReplayShared } from '../../../cli/targets/types';
import type { TransitionRecord, TransitionRecordsPort } from '../../../functions/governance/app/deps';
import { createDynamoTransitionRecords } from '../../../functions/governance/aws/governance';
import { createGovernanceWorld } from '../../../functions/governance/world';
import { createMemoryCardStore } from '../../../functions/platform/memory-store';
import { createRecorder, type RecordedCall } from '../../../functions/platform/recording';
import { createScheduler } from '../../../tools/step-functions/local-sfn';
import { fixturePipeline } from '../../support/governance';
import { useLocalDynamo } from '../../support/local-dynamo';

const NOW = '2026-11-23T10:00:00Z';
const PIPELINE = 'orders-service';
const STAGE = 'Prod-eu-west-1';
const KEY = `${PIPELINE}/${STAGE}`;
const REASON = 'pipeline-warden - rule production-approval';

function world(transitions: Record<string, Array<{ stage: string; enabled: boolean; latestExecutionId?: string }>> = {}) {
  const calls: RecordedCall[] = [];
  let now = new Date(NOW);
  const w = createGovernanceWorld({ pipelines: [[PIPELINE, fixturePipeline('orders-service.json')]], transitions, now: () => now, calls });
  return { ...w, calls, setNow: (iso: string) => (now = new Date(iso)) };
}

/** Replay's dependencies on a world file with orders-service and its Prod stage's latest execution. */
function replay() {
  const clock = createScheduler(NOW);
  const recorder = createRecorder({});
  const loaded = readConfigFile('config/warden.yml');
  if (!loaded.ok) throw new Error(loaded.problems.join('\n'));
  const shared: ReplayShared = {
    config: loaded.config,
    world: {
      // get-pipeline output, as world files hold it.
      pipelines: { [PIPELINE]: JSON.parse(readFileSync(path.resolve(__dirname, '../../fixtures/governance/pipelines/orders-service.json'), 'utf8')) },
      governance: { transitions: { [PIPELINE]: [{ stage: STAGE, enabled: true, latestExecutionId: 'exec-in-prod' }] } },
    },
    recorder,
    store: createMemoryCardStore(),
    clock,
    machines: createLocalMachines({ clock, recorder, currentEvent: () => undefined }),
    defaultTopicArn: 'arn:aws:sns:us-east-1:123456789012:t',
  };
  return { deps: replayGovernanceDeps(shared), calls: recorder.calls };
}

const record = (disabledAt: string, state: TransitionRecord['state'] = 'disabled'): TransitionRecord => ({
  pipeline: PIPELINE,
  stage: STAGE,
  reason: REASON,
  disabledAt,
  state,
});

/** Claims and puts as concurrent runs make them: what each claim answered, and the record held before the last. */
async function claims(records: TransitionRecordsPort): Promise<{ answers: boolean[]; held: TransitionRecord[] }> {
  const first = record('2026-11-23T10:00:00.000Z');
  const answers = [await records.claim(first, undefined), await records.claim(record('2026-11-23T10:00:00.001Z'), undefined)];
  answers.push(await records.claim(record('2026-11-23T10:05:00.000Z'), first));
  // `first` is stale now: another run claimed again since it was read.
  answers.push(await records.claim(record('2026-11-23T10:05:00.001Z'), first));
  const released = record('2026-11-23T11:00:00.000Z', 'released');
  await records.put(released);
  answers.push(await records.claim(record('2026-11-23T11:05:00.000Z'), { ...released, state: 'disabled' }));
  answers.push(await records.claim(record('2026-11-23T11:05:00.000Z'), released));
  const held = await records.list();
  await records.remove(PIPELINE, STAGE);
  answers.push(await records.claim(record('2026-11-23T12:00:00.000Z'), released));
  return { answers, held };
}

describe('transition records: a claim is a conditional write', () => {
  const TABLE = 'governance-world-claims';
  const dynamo = useLocalDynamo(TABLE);
  const EXPECTED = { answers: [true, false, true, false, false, true, false], held: [record('2026-11-23T11:05:00.000Z')] };

  it('a claim against an existing record loses in the world as in DynamoDB (dynalite, the real adapter)', async () => {
    expect(await claims(createDynamoTransitionRecords({ client: dynamo().doc, tableName: TABLE }))).toEqual(EXPECTED);
    expect(await claims(world().records)).toEqual(EXPECTED);
  });

  it('in replay too: of two runs that saw no record, only the first claims the stage', async () => {
    const { deps } = replay();
    expect(await deps.records.claim(record('2026-11-23T10:00:00.000Z'), undefined)).toBe(true);
    expect(await deps.records.claim(record('2026-11-23T10:00:00.001Z'), undefined)).toBe(false);
    expect(await deps.records.list()).toEqual([record('2026-11-23T10:00:00.000Z')]);
  });
});

describe('StartPipelineExecution with a client request token', () => {
  it('two starts with one token start one execution; another token starts another', async () => {
    const w = world();
    const first = await w.pipelines.start(PIPELINE, 'token-a');
    const again = await w.pipelines.start(PIPELINE, 'token-a');
    const other = await w.pipelines.start(PIPELINE, 'token-b');
    expect(first).toEqual({ executionId: 'exec-1' });
    expect(again).toEqual(first);
    expect(other).toEqual({ executionId: 'exec-2' });
    expect([...w.state.executions.values()]).toEqual(['exec-1', 'exec-2']);
    // Every call is made (and recorded); CodePipeline answers the repeat with the first execution.
    expect(w.calls.filter((c) => c.call === 'codepipeline.startPipelineExecution')).toHaveLength(3);
  });

  it("in replay too, with replay's execution ids (read from the token)", async () => {
    const { deps } = replay();
    const token = '8c420a322ae84a7485ffa2f55f9a6ffb4b5b10c9046cdc3ebb9ae8ccd912f9ac';
    expect(await deps.pipelines.start(PIPELINE, token)).toEqual({ executionId: 'replay-8c420a32' });
    expect(await deps.pipelines.start(PIPELINE, token)).toEqual({ executionId: 'replay-8c420a32' });
  });
});

describe('Disable/EnableStageTransition', () => {
  it("disable keeps the stage's latestExecutionId (a bypass is not ended by closing the stage); enable too", async () => {
    const w = world({ [PIPELINE]: [{ stage: STAGE, enabled: true, latestExecutionId: 'exec-in-prod' }] });
    await w.pipelines.disable(PIPELINE, STAGE, REASON);
    expect((await w.pipelines.transitions(PIPELINE)).find((t) => t.stage === STAGE)).toEqual({
      stage: STAGE,
      enabled: false,
      disabledReason: REASON,
      lastChangedAt: '2026-11-23T10:00:00.000Z',
      latestExecutionId: 'exec-in-prod',
    });
    w.setNow('2026-11-23T10:30:00Z');
    await w.pipelines.enable(PIPELINE, STAGE);
    expect(w.state.transitions.get(KEY)).toEqual({ stage: STAGE, enabled: true, lastChangedAt: '2026-11-23T10:30:00.000Z', latestExecutionId: 'exec-in-prod' });
    expect(w.calls.map((c) => c.call)).toEqual(['codepipeline.disableStageTransition', 'codepipeline.getPipelineState', 'codepipeline.enableStageTransition']);
  });

  it('in replay too: the world file says which execution last went into the stage, and a disable keeps it', async () => {
    const { deps, calls } = replay();
    await deps.pipelines.disable(PIPELINE, STAGE, REASON);
    const prod = (await deps.pipelines.transitions(PIPELINE)).find((t) => t.stage === STAGE);
    expect(prod).toMatchObject({ enabled: false, disabledReason: REASON, latestExecutionId: 'exec-in-prod' });
    expect(calls.filter((c) => c.call === 'codepipeline.disableStageTransition').map((c) => c.input)).toEqual([
      { pipelineName: PIPELINE, stageName: STAGE, transitionType: 'Inbound', reason: REASON },
    ]);
  });

  it('a stage or pipeline CodePipeline does not have is refused, as the service refuses it', async () => {
    const w = world();
    await expect(w.pipelines.disable(PIPELINE, 'Nope', REASON)).rejects.toThrow('StageNotFoundException');
    await expect(w.pipelines.enable('gone', STAGE)).rejects.toThrow('PipelineNotFoundException');
    expect(await w.pipelines.get('gone')).toBeUndefined();
  });
});
