/**
 * CodePipeline for the rollback flow: a stage's latest run and the executions that succeeded in
 * it, stopping a running execution, RollbackStage, and the status of the rollback execution.
 */
import {
  type CodePipelineClient,
  GetPipelineCommand,
  type GetPipelineCommandOutput,
  GetPipelineExecutionCommand,
  GetPipelineStateCommand,
  ListActionExecutionsCommand,
  ListPipelineExecutionsCommand,
  type PipelineExecutionSummary,
  RollbackStageCommand,
  StopPipelineExecutionCommand,
} from '@aws-sdk/client-codepipeline';
import { PermanentError } from '../../kernel/errors';
import { callAws, classifyAwsError } from '../../platform/aws-errors';
import type { StageExecution, StageTarget } from '../domain/types';
import type { RollbackPipelinePort } from '../ports';

const RECENT = 25;

/** `abc1234 Fix checkout`: the first source revision of an execution, for people. */
function revisionText(summary: PipelineExecutionSummary | undefined): string | undefined {
  const source = summary?.sourceRevisions?.[0];
  if (!source?.revisionId) return undefined;
  const id = /^[0-9a-f]{40}$/.test(source.revisionId) ? source.revisionId.slice(0, 7) : source.revisionId;
  const title = source.revisionSummary?.split('\n')[0];
  return title ? `${id} ${title.slice(0, 80)}` : id;
}

function executionOf(summary: PipelineExecutionSummary): StageExecution | undefined {
  if (!summary.pipelineExecutionId || !summary.status) return undefined;
  const revision = revisionText(summary);
  return {
    executionId: summary.pipelineExecutionId,
    status: summary.status,
    ...(summary.executionType ? { type: summary.executionType } : {}),
    ...(summary.startTime ? { startTime: summary.startTime.toISOString() } : {}),
    ...(summary.lastUpdateTime ? { endTime: summary.lastUpdateTime.toISOString() } : {}),
    ...(summary.rollbackMetadata?.rollbackTargetPipelineExecutionId ? { rollbackTarget: summary.rollbackMetadata.rollbackTargetPipelineExecutionId } : {}),
    ...(revision ? { revision } : {}),
  };
}

/** @example const port = createRollbackPipelinePort(new CodePipelineClient({})); await port.stage({ kind: 'pipeline', pipeline: 'web', stage: 'Deploy' }) */
export function createRollbackPipelinePort(client: CodePipelineClient): RollbackPipelinePort {
  const list = async (pipelineName: string, stageName?: string) =>
    (
      await call('ListPipelineExecutions', () =>
        client.send(
          new ListPipelineExecutionsCommand({ pipelineName, maxResults: RECENT, ...(stageName ? { filter: { succeededInStage: { stageName } } } : {}) }),
        ),
      )
    ).pipelineExecutionSummaries ?? [];
  return {
    async stage(target) {
      let pipeline: GetPipelineCommandOutput['pipeline'];
      try {
        pipeline = (await client.send(new GetPipelineCommand({ name: target.pipeline }))).pipeline;
      } catch (error) {
        if (error instanceof Error && error.name === 'PipelineNotFoundException') return { stageExists: false, succeeded: [] };
        throw classify('GetPipeline', error);
      }
      // Pipelines created before types existed answer without one: they are V1.
      const pipelineType = pipeline?.pipelineType ?? 'V1';
      if (!pipeline?.stages?.some((s) => s.name === target.stage)) return { pipelineType, stageExists: false, succeeded: [] };
      if (pipelineType !== 'V2') return { pipelineType, stageExists: true, succeeded: [] };
      const state = await call('GetPipelineState', () => client.send(new GetPipelineStateCommand({ name: target.pipeline })));
      const latestId = state.stageStates?.find((s) => s.stageName === target.stage)?.latestExecution;
      const succeeded = (await list(target.pipeline, target.stage)).flatMap((s) => executionOf(s) ?? []);
      if (!latestId?.pipelineExecutionId || !latestId.status) return { pipelineType, stageExists: true, succeeded };
      const summary = (await list(target.pipeline)).find((s) => s.pipelineExecutionId === latestId.pipelineExecutionId);
      const times = await stageTimes(client, target, latestId.pipelineExecutionId);
      const { startTime: _s, endTime: _e, ...fromSummary } = (summary && executionOf(summary)) || {};
      // The stage's own status and times, not the whole execution's.
      const latest: StageExecution = {
        ...fromSummary,
        executionId: latestId.pipelineExecutionId,
        status: latestId.status,
        ...(latestId.type ? { type: latestId.type } : {}),
        ...times,
      };
      return { pipelineType, stageExists: true, latest, succeeded };
    },
    async stageStatus(target) {
      const state = await call('GetPipelineState', () => client.send(new GetPipelineStateCommand({ name: target.pipeline })));
      const latest = state.stageStates?.find((s) => s.stageName === target.stage)?.latestExecution;
      return { ...(latest?.pipelineExecutionId ? { executionId: latest.pipelineExecutionId } : {}), ...(latest?.status ? { status: latest.status } : {}) };
    },
    async executionStatus(pipelineName, pipelineExecutionId) {
      const out = await call('GetPipelineExecution', () => client.send(new GetPipelineExecutionCommand({ pipelineName, pipelineExecutionId })));
      return out.pipelineExecution?.status ?? 'InProgress';
    },
    async stop(pipelineName, pipelineExecutionId, reason) {
      try {
        await client.send(new StopPipelineExecutionCommand({ pipelineName, pipelineExecutionId, abandon: true, reason: reason.slice(0, 200) }));
      } catch (error) {
        // Already stopping (a retried step) or already ended: either way the stage is no longer running.
        if (error instanceof Error && ['DuplicatedStopRequestException', 'PipelineExecutionNotStoppableException'].includes(error.name)) return;
        throw classify('StopPipelineExecution', error);
      }
    },
    async rollback(target, targetPipelineExecutionId) {
      const out = await call('RollbackStage', () =>
        client.send(new RollbackStageCommand({ pipelineName: target.pipeline, stageName: target.stage, targetPipelineExecutionId })),
      );
      if (!out.pipelineExecutionId) throw new PermanentError('RollbackStage answered without an execution id');
      return out.pipelineExecutionId;
    },
    async rollbackSince(target, targetExecutionId, since) {
      const found = (await list(target.pipeline)).find(
        (s) =>
          s.executionType === 'ROLLBACK' &&
          s.rollbackMetadata?.rollbackTargetPipelineExecutionId === targetExecutionId &&
          (s.startTime?.getTime() ?? 0) >= since.getTime(),
      );
      return found?.pipelineExecutionId;
    },
  };
}

/** When the stage ran in an execution: its actions' first start and, once none runs, last update. */
async function stageTimes(
  client: CodePipelineClient,
  target: StageTarget,
  pipelineExecutionId: string,
): Promise<Pick<StageExecution, 'startTime' | 'endTime'>> {
  const out = await call('ListActionExecutions', () =>
    client.send(new ListActionExecutionsCommand({ pipelineName: target.pipeline, filter: { pipelineExecutionId } })),
  );
  const actions = (out.actionExecutionDetails ?? []).filter((a) => a.stageName === target.stage);
  const starts = actions.flatMap((a) => (a.startTime ? [a.startTime.getTime()] : []));
  const ends = actions.flatMap((a) => (a.lastUpdateTime ? [a.lastUpdateTime.getTime()] : []));
  const running = actions.some((a) => a.status === 'InProgress');
  return {
    ...(starts.length ? { startTime: new Date(Math.min(...starts)).toISOString() } : {}),
    ...(ends.length && !running ? { endTime: new Date(Math.max(...ends)).toISOString() } : {}),
  };
}

/** Throttling and 5xx are retried by the state machine; a denied or invalid call is reported. */
const call = <T>(what: string, fn: () => Promise<T>): Promise<T> => callAws(`CodePipeline ${what}`, fn);
const classify = (what: string, error: unknown) => classifyAwsError(`CodePipeline ${what}`, error);
