/**
 * The real approval route behind the real endpoint, fuzzed: 10 000 signed random and malformed
 * payloads while an approval is open. CodePipeline is the real adapter on a mocked SDK client: no
 * payload may reach PutApprovalResult, and the open approval stays untouched. A well-formed click by
 * an approver on the same endpoint then does decide it, so the route is really wired.
 */
import { CodePipelineClient, GetPipelineStateCommand, ListActionExecutionsCommand, PutApprovalResultCommand } from '@aws-sdk/client-codepipeline';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { describe, expect, it } from 'vitest';
import { approvalRoute } from '../../functions/approvals/app/route';
import { createApprovalPipelinePort } from '../../functions/approvals/aws/pipeline';
import { APPROVAL_ACTIONS } from '../../functions/approvals/domain/render';
import { approvalKey } from '../../functions/approvals/domain/types';
import { approvalConfig, approvalEvent, approvalWorld, REF, START } from '../support/approvals';
import { fuzzSlackActions } from '../support/slack-fuzz';

const codepipeline = mockClient(CodePipelineClient);

describe('approval route fuzz', () => {
  it("10 000 signed random payloads decide nothing; an approver's click does", async () => {
    codepipeline.reset();
    codepipeline.on(GetPipelineStateCommand).resolves({
      stageStates: [
        {
          stageName: REF.stage,
          latestExecution: { pipelineExecutionId: REF.executionId, status: 'InProgress' },
          actionStates: [{ actionName: REF.action, latestExecution: { actionExecutionId: REF.actionExecutionId, status: 'InProgress', token: 'live-token' } }],
        },
      ],
    });
    codepipeline.on(ListActionExecutionsCommand).resolves({
      actionExecutionDetails: [
        { pipelineExecutionId: REF.executionId, stageName: REF.stage, actionName: REF.action, actionExecutionId: REF.actionExecutionId, status: 'InProgress' },
      ],
    });
    codepipeline.on(PutApprovalResultCommand).resolves({ approvedAt: new Date() });
    const pipeline = createApprovalPipelinePort(new CodePipelineClient({ region: REF.region }));
    const w = approvalWorld(approvalConfig('- name: prod\n  approvers: [U0LEAD0001]\n  whenStarterUnknown: any-approver'), {
      pipeline: { ...pipeline, describe: async () => ({ parallel: false }) },
    });
    await w.send(approvalEvent('STARTED', START));
    const routes = { 'approval:': approvalRoute(async () => w.deps) };

    const report = await fuzzSlackActions({ routes, count: 10_000 });
    expect(report.thrown).toEqual([]);
    expect(report.unexpected).toEqual([]);
    expect(report.approvalClicks.length).toBeGreaterThan(1_000);
    expect(codepipeline).not.toHaveReceivedCommand(PutApprovalResultCommand);
    expect((await w.approvals.get(approvalKey(REF)))?.approval.state).toMatchObject({ status: 'pending', votes: [] });

    const click = await routes['approval:']({
      interaction: { type: 'block_actions', actionId: APPROVAL_ACTIONS.approve, value: approvalKey(REF), user: { id: 'U0LEAD0001' } },
      now: new Date(START),
      logger: undefined as never,
    });
    expect(click).toEqual({ kind: 'done', text: 'approved by <@U0LEAD0001>' });
    expect(codepipeline).toHaveReceivedCommandTimes(PutApprovalResultCommand, 1);
    expect(codepipeline).toHaveReceivedCommandWith(PutApprovalResultCommand, { token: 'live-token', result: expect.objectContaining({ status: 'Approved' }) });
    await w.machines.finish();
  });
});
