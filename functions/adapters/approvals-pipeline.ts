/**
 * CodePipeline for approvals: what the approval action asks (custom data, review URL, timeout),
 * what the run is (revision, who started it), where the approval stands, and recording a decision.
 */
import {
  GetPipelineCommand,
  GetPipelineExecutionCommand,
  GetPipelineStateCommand,
  ListActionExecutionsCommand,
  PutApprovalResultCommand,
  type CodePipelineClient,
} from '@aws-sdk/client-codepipeline';
import type { ApprovalRef } from '../core/approvals/types';
import { callAws, classifyAwsError } from './aws-errors';

export interface ApprovalDescription {
  readonly customData?: string;
  readonly reviewUrl?: string;
  readonly timeoutMinutes?: number;
  /** PARALLEL pipelines have no token in GetPipelineState: the action execution's externalExecutionId is the token. */
  readonly parallel: boolean;
  readonly revision?: { readonly id?: string; readonly summary?: string; readonly url?: string };
  /** `triggerDetail` of the execution: the IAM principal, webhook or rule that started it. */
  readonly trigger?: string;
}

/** CodePipeline's own status names for an action execution. */
export type ApprovalActionStatus = 'InProgress' | 'Succeeded' | 'Failed' | 'Abandoned' | 'unknown';

export interface ApprovalStatusInfo {
  readonly status: ApprovalActionStatus;
  readonly token?: string;
  readonly summary?: string;
  /** Who decided, when CodePipeline says (`lastUpdatedBy` / `updatedBy`). */
  readonly by?: string;
}

export type PutResultOutcome = 'recorded' | 'already-completed' | 'invalid-token';

export interface ApprovalPipelinePort {
  describe(ref: ApprovalRef): Promise<ApprovalDescription>;
  status(ref: ApprovalRef, parallel: boolean): Promise<ApprovalStatusInfo>;
  /**
   * `codepipeline.putApprovalResult` with the current token. An approval already decided, or a
   * token that is no longer valid (the action ended), is an expected outcome, not an error: the
   * decision raced another one.
   */
  putResult(ref: ApprovalRef, input: { readonly token: string; readonly status: 'Approved' | 'Rejected'; readonly summary: string }): Promise<PutResultOutcome>;
}

const EXPECTED: Readonly<Record<string, PutResultOutcome>> = {
  ApprovalAlreadyCompletedException: 'already-completed',
  InvalidApprovalTokenException: 'invalid-token',
};

export function createApprovalPipelinePort(client: CodePipelineClient): ApprovalPipelinePort {
  return {
    async describe(ref) {
      const [definition, execution] = await Promise.all([
        call(() => client.send(new GetPipelineCommand({ name: ref.pipeline })), `GetPipeline ${ref.pipeline}`),
        call(() => client.send(new GetPipelineExecutionCommand({ pipelineName: ref.pipeline, pipelineExecutionId: ref.executionId })), `GetPipelineExecution ${ref.executionId}`),
      ]);
      const stage = definition.pipeline?.stages?.find((s) => s.name === ref.stage);
      const action = stage?.actions?.find((a) => a.name === ref.action);
      const config = action?.configuration ?? {};
      const revision = execution.pipelineExecution?.artifactRevisions?.[0];
      return {
        ...(config['CustomData'] ? { customData: config['CustomData'] } : {}),
        ...(config['ExternalEntityLink'] ? { reviewUrl: config['ExternalEntityLink'] } : {}),
        ...(action?.timeoutInMinutes ? { timeoutMinutes: action.timeoutInMinutes } : {}),
        parallel: definition.pipeline?.executionMode === 'PARALLEL',
        ...(revision ? { revision: { id: revision.revisionId, summary: revision.revisionSummary, url: revision.revisionUrl } } : {}),
        ...(execution.pipelineExecution?.trigger?.triggerDetail ? { trigger: execution.pipelineExecution.trigger.triggerDetail } : {}),
      };
    },
    async status(ref, parallel) {
      return parallel ? parallelStatus(client, ref) : queuedStatus(client, ref);
    },
    async putResult(ref, { token, status, summary }) {
      try {
        await client.send(new PutApprovalResultCommand({ pipelineName: ref.pipeline, stageName: ref.stage, actionName: ref.action, token, result: { status, summary } }));
        return 'recorded';
      } catch (error) {
        const expected = error instanceof Error ? EXPECTED[error.name] : undefined;
        if (expected) return expected;
        throw classifyAwsError(`CodePipeline PutApprovalResult ${ref.pipeline}/${ref.stage}/${ref.action}`, error);
      }
    },
  };
}

/** QUEUED and SUPERSEDED pipelines: the stage's latest execution must be ours, else ours is over. */
async function queuedStatus(client: CodePipelineClient, ref: ApprovalRef): Promise<ApprovalStatusInfo> {
  const state = await call(() => client.send(new GetPipelineStateCommand({ name: ref.pipeline })), `GetPipelineState ${ref.pipeline}`);
  const stage = state.stageStates?.find((s) => s.stageName === ref.stage);
  if (stage?.latestExecution?.pipelineExecutionId !== ref.executionId) return { status: 'unknown' };
  const latest = stage.actionStates?.find((a) => a.actionName === ref.action)?.latestExecution;
  if (!latest) return { status: 'unknown' };
  return {
    status: asStatus(latest.status),
    ...(latest.token ? { token: latest.token } : {}),
    ...(latest.summary ? { summary: latest.summary } : {}),
    ...(latest.lastUpdatedBy ? { by: latest.lastUpdatedBy } : {}),
  };
}

async function parallelStatus(client: CodePipelineClient, ref: ApprovalRef): Promise<ApprovalStatusInfo> {
  const out = await call(
    () => client.send(new ListActionExecutionsCommand({ pipelineName: ref.pipeline, filter: { pipelineExecutionId: ref.executionId } })),
    `ListActionExecutions ${ref.executionId}`,
  );
  const action = out.actionExecutionDetails?.find((a) => a.stageName === ref.stage && a.actionName === ref.action);
  if (!action) return { status: 'unknown' };
  const result = action.output?.executionResult;
  return {
    status: asStatus(action.status),
    ...(result?.externalExecutionId ? { token: result.externalExecutionId } : {}),
    ...(result?.externalExecutionSummary ? { summary: result.externalExecutionSummary } : {}),
    ...(action.updatedBy ? { by: action.updatedBy } : {}),
  };
}

function asStatus(status: string | undefined): ApprovalActionStatus {
  return status === 'InProgress' || status === 'Succeeded' || status === 'Failed' || status === 'Abandoned' ? status : 'unknown';
}

const call = <T>(fn: () => Promise<T>, what: string): Promise<T> => callAws(`CodePipeline ${what}`, fn);
