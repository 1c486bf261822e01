/**
 * CodePipeline for approvals: what the approval action asks (custom data, review URL, timeout),
 * what the run is (revision, who started it), where the approval stands, and recording a decision.
 */
import {
  type ActionExecutionDetail,
  type ArtifactRevision,
  type CodePipelineClient,
  GetPipelineCommand,
  GetPipelineExecutionCommand,
  GetPipelineStateCommand,
  PutApprovalResultCommand,
  paginateListActionExecutions,
  type StageDeclaration,
} from '@aws-sdk/client-codepipeline';
import { type ClientsIn, clientAt } from '../../platform/actor';
import { callAws, classifyAwsError } from '../../platform/aws-errors';
import type { ApprovalRef } from '../domain/types';
import type { ApprovalActionStatus, ApprovalDescription, ApprovalPipelinePort, ApprovalStatusInfo, PutResultOutcome } from '../ports';

const EXPECTED: Readonly<Record<string, PutResultOutcome>> = {
  ApprovalAlreadyCompletedException: 'already-completed',
  InvalidApprovalTokenException: 'invalid-token',
};

/**
 * @param clients one client (single account), or one per account and region: every call goes to the
 * account and region of the approval's pipeline (organization mode, functions/platform/actor.ts).
 */
export function createApprovalPipelinePort(clients: ClientsIn<CodePipelineClient>): ApprovalPipelinePort {
  const at = (ref: ApprovalRef) => clientAt(clients, ref);
  return {
    async describe(ref) {
      const client = at(ref);
      const [definition, execution] = await Promise.all([
        call(() => client.send(new GetPipelineCommand({ name: ref.pipeline })), `GetPipeline ${ref.pipeline}`),
        call(
          () => client.send(new GetPipelineExecutionCommand({ pipelineName: ref.pipeline, pipelineExecutionId: ref.executionId })),
          `GetPipelineExecution ${ref.executionId}`,
        ),
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
        ...(execution.pipelineExecution?.trigger?.triggerType ? { triggerType: execution.pipelineExecution.trigger.triggerType } : {}),
        ...codeCommitSource(definition.pipeline?.stages ?? [], execution.pipelineExecution?.artifactRevisions ?? []),
      };
    },
    async status(ref, parallel) {
      // QUEUED and SUPERSEDED pipelines: the token is only in GetPipelineState, while the attempt is the stage's latest.
      const latest = parallel ? undefined : await stateStatus(at(ref), ref);
      return latest ?? historyStatus(at(ref), ref, parallel);
    },
    async attempts(ref) {
      return (await actionRuns(at(ref), ref))
        .map((run) => ({
          actionExecutionId: run.actionExecutionId ?? '',
          ...statusOf(run, false),
          ...(run.startTime ? { startedAt: run.startTime.toISOString() } : {}),
        }))
        .filter((a) => a.actionExecutionId);
    },
    async putResult(ref, { token, status, summary }) {
      try {
        await at(ref).send(
          new PutApprovalResultCommand({ pipelineName: ref.pipeline, stageName: ref.stage, actionName: ref.action, token, result: { status, summary } }),
        );
        return 'recorded';
      } catch (error) {
        const expected = error instanceof Error ? EXPECTED[error.name] : undefined;
        if (expected) return expected;
        throw classifyAwsError(`CodePipeline PutApprovalResult ${ref.pipeline}/${ref.stage}/${ref.action}`, error);
      }
    },
  };
}

/**
 * The first CodeCommit source action's repository and the commit this execution took from it: the
 * artifact revision whose name is one of the action's output artifacts.
 */
function codeCommitSource(stages: readonly StageDeclaration[], revisions: readonly ArtifactRevision[]): Pick<ApprovalDescription, 'codeCommit'> {
  for (const action of stages.flatMap((stage) => stage.actions ?? [])) {
    const repository = action.configuration?.['RepositoryName'];
    if (action.actionTypeId?.category !== 'Source' || action.actionTypeId.provider !== 'CodeCommit' || !repository) continue;
    const outputs = new Set((action.outputArtifacts ?? []).map((a) => a.name));
    const commitId = revisions.find((r) => r.name && outputs.has(r.name))?.revisionId;
    if (commitId) return { codeCommit: { repository, commitId } };
  }
  return {};
}

/** The attempt as GetPipelineState shows it, when it is the stage's latest run of the action; else undefined. */
async function stateStatus(client: CodePipelineClient, ref: ApprovalRef): Promise<ApprovalStatusInfo | undefined> {
  const state = await call(() => client.send(new GetPipelineStateCommand({ name: ref.pipeline })), `GetPipelineState ${ref.pipeline}`);
  const stage = state.stageStates?.find((s) => s.stageName === ref.stage);
  if (stage?.latestExecution?.pipelineExecutionId !== ref.executionId) return undefined;
  const latest = stage.actionStates?.find((a) => a.actionName === ref.action)?.latestExecution;
  if (!latest || (ref.actionExecutionId && latest.actionExecutionId !== ref.actionExecutionId)) return undefined;
  return {
    status: asStatus(latest.status),
    ...(latest.token ? { token: latest.token } : {}),
    ...(latest.summary ? { summary: latest.summary } : {}),
    ...(latest.lastUpdatedBy ? { by: latest.lastUpdatedBy } : {}),
  };
}

/**
 * The attempt from the execution's action history: PARALLEL pipelines (the token is the run's
 * externalExecutionId), and runs the stage has moved past (a newer execution, or a retried stage).
 */
async function historyStatus(client: CodePipelineClient, ref: ApprovalRef, parallel: boolean): Promise<ApprovalStatusInfo> {
  const runs = await actionRuns(client, ref);
  const run = ref.actionExecutionId ? runs.find((r) => r.actionExecutionId === ref.actionExecutionId) : runs[0];
  return run ? statusOf(run, parallel) : { status: 'unknown' };
}

function statusOf(run: ActionExecutionDetail, parallel: boolean): ApprovalStatusInfo {
  const result = run.output?.executionResult;
  return {
    status: asStatus(run.status),
    ...(parallel && result?.externalExecutionId ? { token: result.externalExecutionId } : {}),
    ...(result?.externalExecutionSummary ? { summary: result.externalExecutionSummary } : {}),
    ...(run.updatedBy ? { by: run.updatedBy } : {}),
  };
}

/** This action's runs in the pipeline execution, newest first. */
async function actionRuns(client: CodePipelineClient, ref: ApprovalRef): Promise<ActionExecutionDetail[]> {
  const runs: ActionExecutionDetail[] = [];
  const pages = paginateListActionExecutions({ client }, { pipelineName: ref.pipeline, filter: { pipelineExecutionId: ref.executionId } });
  await call(async () => {
    for await (const page of pages) runs.push(...(page.actionExecutionDetails ?? []).filter((a) => a.stageName === ref.stage && a.actionName === ref.action));
  }, `ListActionExecutions ${ref.executionId}`);
  return runs.sort((a, b) => (b.startTime?.getTime() ?? 0) - (a.startTime?.getTime() ?? 0));
}

function asStatus(status: string | undefined): ApprovalActionStatus {
  return status === 'InProgress' || status === 'Succeeded' || status === 'Failed' || status === 'Abandoned' ? status : 'unknown';
}

const call = <T>(fn: () => Promise<T>, what: string): Promise<T> => callAws(`CodePipeline ${what}`, fn);
