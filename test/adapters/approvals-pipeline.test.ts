/** The CodePipeline side of approvals, against the SDK (aws-sdk-client-mock): facts, token, result. */
import {
  ApprovalAlreadyCompletedException,
  CodePipelineClient,
  GetPipelineCommand,
  GetPipelineExecutionCommand,
  GetPipelineStateCommand,
  InvalidApprovalTokenException,
  ListActionExecutionsCommand,
  PutApprovalResultCommand,
} from '@aws-sdk/client-codepipeline';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { createApprovalPipelinePort } from '../../functions/approvals/aws/pipeline';
import { PermanentError, RetryableError } from '../../functions/kernel/errors';

const cp = mockClient(CodePipelineClient);
const world = JSON.parse(readFileSync(path.resolve(__dirname, '../../events/samples/samples.world.json'), 'utf8'));
const ref = { pipeline: 'payments-api', executionId: 'exec-1', stage: 'Production', action: 'ApproveRelease', account: '123456789012', region: 'eu-west-1' };
const port = () => createApprovalPipelinePort(new CodePipelineClient({ region: 'eu-west-1' }));
const meta = { $metadata: {} };

describe('approval pipeline port', () => {
  beforeEach(() => cp.reset());

  it('describes the approval: custom data, review URL, timeout, revision and who started the run', async () => {
    cp.on(GetPipelineCommand).resolves(world.pipelines['payments-api']);
    cp.on(GetPipelineExecutionCommand).resolves({
      pipelineExecution: {
        pipelineExecutionId: 'exec-1',
        artifactRevisions: [{ name: 'SourceArtifact', revisionId: 'abc123', revisionSummary: 'Add refunds', revisionUrl: 'https://example.com/c/abc123' }],
        trigger: { triggerType: 'StartPipelineExecution', triggerDetail: 'arn:aws:sts::123456789012:assumed-role/Deployer/dana@example.com' },
      },
    });
    expect(await port().describe(ref)).toEqual({
      customData: 'Check the release notes and the staging dashboard before approving.',
      reviewUrl: 'https://wiki.example.com/payments/release-checklist',
      timeoutMinutes: 1440,
      parallel: false,
      revision: { id: 'abc123', summary: 'Add refunds', url: 'https://example.com/c/abc123' },
      trigger: 'arn:aws:sts::123456789012:assumed-role/Deployer/dana@example.com',
      triggerType: 'StartPipelineExecution',
    });
  });

  it("names the CodeCommit commit the run builds: the revision of the CodeCommit source action's output artifact (issue 10)", async () => {
    const definition = structuredClone(world.pipelines['payments-api']);
    definition.pipeline.stages.unshift({
      name: 'Source',
      actions: [
        {
          name: 'Docs',
          actionTypeId: { category: 'Source', owner: 'AWS', provider: 'S3', version: '1' },
          configuration: { S3Bucket: 'docs', S3ObjectKey: 'docs.zip' },
          outputArtifacts: [{ name: 'DocsArtifact' }],
        },
        {
          name: 'Code',
          actionTypeId: { category: 'Source', owner: 'AWS', provider: 'CodeCommit', version: '1' },
          configuration: { RepositoryName: 'payments', BranchName: 'main' },
          outputArtifacts: [{ name: 'SourceArtifact' }],
        },
      ],
    });
    cp.on(GetPipelineCommand).resolves(definition);
    cp.on(GetPipelineExecutionCommand).resolves({
      pipelineExecution: {
        pipelineExecutionId: 'exec-1',
        artifactRevisions: [
          { name: 'DocsArtifact', revisionId: 'v7' },
          { name: 'SourceArtifact', revisionId: '7e9fd3091b2c4d5e6f708192a3b4c5d6e7f80912', revisionSummary: 'Add refunds' },
        ],
        trigger: { triggerType: 'CloudWatchEvent', triggerDetail: 'arn:aws:events:eu-west-1:123456789012:rule/codepipeline-payments-main' },
      },
    });
    expect(await port().describe(ref)).toMatchObject({
      codeCommit: { repository: 'payments', commitId: '7e9fd3091b2c4d5e6f708192a3b4c5d6e7f80912' },
      triggerType: 'CloudWatchEvent',
    });
  });

  it('reads the token from GetPipelineState, only when the stage is running this execution', async () => {
    const state = (executionId: string) => ({
      stageStates: [
        {
          stageName: 'Production',
          latestExecution: { pipelineExecutionId: executionId, status: 'InProgress' as const },
          actionStates: [{ actionName: 'ApproveRelease', latestExecution: { status: 'InProgress' as const, token: 'tok-9' } }],
        },
      ],
    });
    cp.on(GetPipelineStateCommand).resolvesOnce(state('exec-1')).resolvesOnce(state('exec-2'));
    cp.on(ListActionExecutionsCommand).resolves({ actionExecutionDetails: [] });
    expect(await port().status(ref, false)).toEqual({ status: 'InProgress', token: 'tok-9' });
    // The stage runs another execution and the history has no run of ours: unknown (retried), never "rejected".
    expect(await port().status(ref, false)).toEqual({ status: 'unknown' });
  });

  it('reads an attempt the stage moved past (a newer execution, a retried stage) from ListActionExecutions: status, summary, who decided (issue 10)', async () => {
    const attempt = { ...ref, actionExecutionId: 'ae-1' };
    cp.on(GetPipelineStateCommand).resolves({
      stageStates: [
        {
          stageName: 'Production',
          latestExecution: { pipelineExecutionId: 'exec-1', status: 'InProgress' },
          actionStates: [{ actionName: 'ApproveRelease', latestExecution: { actionExecutionId: 'ae-2', status: 'InProgress', token: 'tok-2' } }],
        },
      ],
    });
    cp.on(ListActionExecutionsCommand).resolves({
      actionExecutionDetails: [
        { stageName: 'Production', actionName: 'ApproveRelease', actionExecutionId: 'ae-2', status: 'InProgress', startTime: new Date('2026-11-23T12:00:00Z') },
        {
          stageName: 'Production',
          actionName: 'ApproveRelease',
          actionExecutionId: 'ae-1',
          status: 'Failed',
          startTime: new Date('2026-11-23T10:00:00Z'),
          updatedBy: 'arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_Ops_1a2b/erin@example.com',
          output: { executionResult: { externalExecutionSummary: 'not this week' } },
        },
      ],
    });
    expect(await port().status(attempt, false)).toEqual({
      status: 'Failed',
      summary: 'not this week',
      by: 'arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_Ops_1a2b/erin@example.com',
    });
    expect(await port().status({ ...ref, actionExecutionId: 'ae-2' }, false)).toEqual({ status: 'InProgress', token: 'tok-2' });
    expect((await port().attempts(ref)).map((a) => [a.actionExecutionId, a.status])).toEqual([
      ['ae-2', 'InProgress'],
      ['ae-1', 'Failed'],
    ]);
  });

  it("in PARALLEL mode, uses the action execution's externalExecutionId as the token (ListActionExecutions)", async () => {
    cp.on(ListActionExecutionsCommand).resolves({
      actionExecutionDetails: [
        { stageName: 'Build', actionName: 'Build', status: 'Succeeded' },
        { stageName: 'Production', actionName: 'ApproveRelease', status: 'InProgress', output: { executionResult: { externalExecutionId: 'ext-tok' } } },
      ],
    });
    expect(await port().status(ref, true)).toEqual({ status: 'InProgress', token: 'ext-tok' });
    expect(cp).toHaveReceivedCommandWith(ListActionExecutionsCommand, { pipelineName: 'payments-api', filter: { pipelineExecutionId: 'exec-1' } });
  });

  it('puts the result; an approval already completed or a stale token is an expected outcome, not an error', async () => {
    cp.on(PutApprovalResultCommand)
      .resolvesOnce({})
      .rejectsOnce(new ApprovalAlreadyCompletedException({ message: 'done', ...meta }))
      .rejectsOnce(new InvalidApprovalTokenException({ message: 'stale', ...meta }));
    const input = { token: 't', status: 'Rejected' as const, summary: 'deadline' };
    expect(await port().putResult(ref, input)).toBe('recorded');
    expect(await port().putResult(ref, input)).toBe('already-completed');
    expect(await port().putResult(ref, input)).toBe('invalid-token');
    expect(cp).toHaveReceivedCommandWith(PutApprovalResultCommand, {
      pipelineName: 'payments-api',
      stageName: 'Production',
      actionName: 'ApproveRelease',
      token: 't',
      result: { status: 'Rejected', summary: 'deadline' },
    });
  });

  it('sorts other failures into retryable and permanent', async () => {
    cp.on(PutApprovalResultCommand)
      .rejectsOnce(Object.assign(new Error('slow down'), { name: 'ThrottlingException', $metadata: { httpStatusCode: 400 } }))
      .rejectsOnce(Object.assign(new Error('no'), { name: 'AccessDeniedException', $metadata: { httpStatusCode: 403 } }));
    const input = { token: 't', status: 'Approved' as const, summary: 's' };
    await expect(port().putResult(ref, input)).rejects.toBeInstanceOf(RetryableError);
    await expect(port().putResult(ref, input)).rejects.toBeInstanceOf(PermanentError);
  });
});
