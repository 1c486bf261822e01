/** The CodePipeline side of rollbacks, against the SDK (aws-sdk-client-mock): stage view, stop, RollbackStage. */
import {
  CodePipelineClient,
  GetPipelineCommand,
  GetPipelineExecutionCommand,
  GetPipelineStateCommand,
  ListActionExecutionsCommand,
  ListPipelineExecutionsCommand,
  PipelineExecutionNotStoppableException,
  PipelineNotFoundException,
  RollbackStageCommand,
  StopPipelineExecutionCommand,
  UnableToRollbackStageException,
} from '@aws-sdk/client-codepipeline';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it } from 'vitest';
import { PermanentError } from '../../functions/kernel/errors';
import { createRollbackPipelinePort } from '../../functions/rollback/aws/codepipeline';

const cp = mockClient(CodePipelineClient);
const port = () => createRollbackPipelinePort(new CodePipelineClient({ region: 'eu-west-1' }));
const target = { kind: 'pipeline' as const, pipeline: 'web-frontend', stage: 'Deploy' };
const meta = { $metadata: {} };
const declaration = (pipelineType?: 'V1' | 'V2') => ({
  pipeline: {
    name: 'web-frontend',
    roleArn: 'arn:aws:iam::1:role/r',
    stages: [
      { name: 'Source', actions: [] },
      { name: 'Deploy', actions: [] },
    ],
    ...(pipelineType ? { pipelineType } : {}),
  },
});
const at = (iso: string) => new Date(iso);

describe('rollback CodePipeline port', () => {
  beforeEach(() => cp.reset());

  it("V2: the stage's latest run (status and times of the stage itself) and the executions that succeeded in it", async () => {
    cp.on(GetPipelineCommand).resolves(declaration('V2'));
    cp.on(GetPipelineStateCommand).resolves({
      stageStates: [{ stageName: 'Deploy', latestExecution: { pipelineExecutionId: 'exec-2', status: 'Succeeded', type: 'STANDARD' } }],
    });
    const summary = (id: string, revisionId: string, summaryText: string, extra = {}) => ({
      pipelineExecutionId: id,
      status: 'Succeeded' as const,
      executionType: 'STANDARD' as const,
      startTime: at('2026-11-23T10:00:00Z'),
      lastUpdateTime: at('2026-11-23T10:30:00Z'),
      sourceRevisions: [{ actionName: 'Source', revisionId, revisionSummary: summaryText }],
      ...extra,
    });
    // Input matchers are partial: the unfiltered listing first, the filtered (more specific) one wins after it.
    cp.on(ListPipelineExecutionsCommand, { pipelineName: 'web-frontend', maxResults: 25 }).resolves({
      pipelineExecutionSummaries: [summary('exec-2', 'b'.repeat(40), 'Rewrite checkout')],
    });
    cp.on(ListPipelineExecutionsCommand, { pipelineName: 'web-frontend', maxResults: 25, filter: { succeededInStage: { stageName: 'Deploy' } } }).resolves({
      pipelineExecutionSummaries: [summary('exec-2', 'b'.repeat(40), 'Rewrite checkout\n\nlong body'), summary('exec-1', 'a'.repeat(40), 'Dark mode')],
    });
    cp.on(ListActionExecutionsCommand).resolves({
      actionExecutionDetails: [
        { stageName: 'Build', actionName: 'Build', status: 'Succeeded', startTime: at('2026-11-23T10:01:00Z'), lastUpdateTime: at('2026-11-23T10:03:00Z') },
        { stageName: 'Deploy', actionName: 'Deploy', status: 'Succeeded', startTime: at('2026-11-23T10:04:00Z'), lastUpdateTime: at('2026-11-23T10:06:00Z') },
      ],
    });
    const view = await port().stage(target);
    expect(view.pipelineType).toBe('V2');
    expect(view.latest).toEqual({
      executionId: 'exec-2',
      status: 'Succeeded',
      type: 'STANDARD',
      revision: 'bbbbbbb Rewrite checkout',
      startTime: '2026-11-23T10:04:00.000Z',
      endTime: '2026-11-23T10:06:00.000Z',
    });
    expect(view.succeeded.map((e) => [e.executionId, e.revision])).toEqual([
      ['exec-2', 'bbbbbbb Rewrite checkout'],
      ['exec-1', 'aaaaaaa Dark mode'],
    ]);
    expect(cp).toHaveReceivedCommandWith(ListActionExecutionsCommand, { pipelineName: 'web-frontend', filter: { pipelineExecutionId: 'exec-2' } });
  });

  it('a running stage has no end time yet', async () => {
    cp.on(GetPipelineCommand).resolves(declaration('V2'));
    cp.on(GetPipelineStateCommand).resolves({
      stageStates: [{ stageName: 'Deploy', latestExecution: { pipelineExecutionId: 'exec-3', status: 'InProgress' } }],
    });
    cp.on(ListPipelineExecutionsCommand).resolves({ pipelineExecutionSummaries: [] });
    cp.on(ListActionExecutionsCommand).resolves({
      actionExecutionDetails: [
        { stageName: 'Deploy', actionName: 'Deploy', status: 'InProgress', startTime: at('2026-11-23T10:04:00Z'), lastUpdateTime: at('2026-11-23T10:05:00Z') },
      ],
    });
    expect((await port().stage(target)).latest).toEqual({ executionId: 'exec-3', status: 'InProgress', startTime: '2026-11-23T10:04:00.000Z' });
  });

  it('V1 (or a pipeline without a type): read no further; a missing pipeline or stage is said so', async () => {
    cp.on(GetPipelineCommand)
      .resolvesOnce(declaration())
      .resolvesOnce({ pipeline: { ...declaration('V2').pipeline, stages: [{ name: 'Source', actions: [] }] } })
      .rejectsOnce(new PipelineNotFoundException({ message: 'gone', ...meta }));
    expect(await port().stage(target)).toEqual({ pipelineType: 'V1', stageExists: true, succeeded: [] });
    expect(await port().stage(target)).toEqual({ pipelineType: 'V2', stageExists: false, succeeded: [] });
    expect(await port().stage(target)).toEqual({ stageExists: false, succeeded: [] });
    expect(cp).not.toHaveReceivedCommand(GetPipelineStateCommand);
  });

  it('stops by abandoning; an execution already stopped or ended is fine', async () => {
    cp.on(StopPipelineExecutionCommand)
      .resolvesOnce({ pipelineExecutionId: 'exec-3' })
      .rejectsOnce(new PipelineExecutionNotStoppableException({ message: 'ended', ...meta }));
    await port().stop('web-frontend', 'exec-3', 'alarm');
    await port().stop('web-frontend', 'exec-3', 'alarm');
    expect(cp).toHaveReceivedCommandWith(StopPipelineExecutionCommand, {
      pipelineName: 'web-frontend',
      pipelineExecutionId: 'exec-3',
      abandon: true,
      reason: 'alarm',
    });
  });

  it('rolls the stage back; a refused rollback is permanent; a retry finds its own rollback execution', async () => {
    cp.on(RollbackStageCommand)
      .resolvesOnce({ pipelineExecutionId: 'exec-rb' })
      .rejectsOnce(new UnableToRollbackStageException({ message: 'stage running', ...meta }));
    expect(await port().rollback(target, 'exec-1')).toBe('exec-rb');
    expect(cp).toHaveReceivedCommandWith(RollbackStageCommand, { pipelineName: 'web-frontend', stageName: 'Deploy', targetPipelineExecutionId: 'exec-1' });
    await expect(port().rollback(target, 'exec-1')).rejects.toBeInstanceOf(PermanentError);
    cp.on(ListPipelineExecutionsCommand).resolves({
      pipelineExecutionSummaries: [
        {
          pipelineExecutionId: 'exec-rb',
          status: 'InProgress',
          executionType: 'ROLLBACK',
          startTime: at('2026-11-23T10:31:00Z'),
          rollbackMetadata: { rollbackTargetPipelineExecutionId: 'exec-1' },
        },
      ],
    });
    expect(await port().rollbackSince(target, 'exec-1', at('2026-11-23T10:30:00Z'))).toBe('exec-rb');
    expect(await port().rollbackSince(target, 'exec-1', at('2026-11-23T10:32:00Z'))).toBeUndefined();
    expect(await port().rollbackSince(target, 'exec-0', at('2026-11-23T10:30:00Z'))).toBeUndefined();
  });

  it("reads the rollback execution's status and the stage's current one", async () => {
    cp.on(GetPipelineExecutionCommand).resolves({ pipelineExecution: { pipelineExecutionId: 'exec-rb', status: 'Succeeded' } });
    cp.on(GetPipelineStateCommand).resolves({ stageStates: [{ stageName: 'Deploy', latestExecution: { pipelineExecutionId: 'exec-3', status: 'Stopped' } }] });
    expect(await port().executionStatus('web-frontend', 'exec-rb')).toBe('Succeeded');
    expect(await port().stageStatus(target)).toEqual({ executionId: 'exec-3', status: 'Stopped' });
  });
});
