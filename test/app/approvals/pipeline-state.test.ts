/**
 * Reading CodePipeline's state (issue 10, finding 2): only an action CodePipeline shows as ended
 * concludes anything, and then as CodePipeline recorded it. `InProgress` after a refused result, or
 * a state that cannot be read, is retried (RetryableError), never "rejected outside Slack".
 */
import { describe, expect, it } from 'vitest';
import { handleApprovalClick } from '../../../functions/approvals/app/click';
import { tickApproval } from '../../../functions/approvals/app/tick';
import { APPROVAL_ACTIONS } from '../../../functions/approvals/domain/render';
import { approvalKey } from '../../../functions/approvals/domain/types';
import type { ApprovalPipelinePort, ApprovalStatusInfo } from '../../../functions/approvals/ports';
import { RetryableError } from '../../../functions/kernel/errors';
import { approvalConfig, approvalEvent, approvalWorld, REF, START } from '../../support/approvals';

const KEY = approvalKey(REF);
const DEADLINE = new Date(Date.parse(START) + 24 * 3_600_000);
const POLICY = '- name: prod\n  approvers: [U0LEAD0001]\n  whenStarterUnknown: any-approver\n  deadline: 24h';
const ERIN = 'arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_Ops_1a2b/erin@example.com';

async function started(options: Parameters<typeof approvalWorld>[1] = {}) {
  const w = approvalWorld(approvalConfig(POLICY), options);
  await w.send(approvalEvent('STARTED', START));
  return w;
}

/** A CodePipeline that answers `status` from a script (the last answer repeats) and puts as told. */
function scripted(
  base: ApprovalPipelinePort,
  answers: ApprovalStatusInfo[],
  put: Awaited<ReturnType<ApprovalPipelinePort['putResult']>> = 'recorded',
): ApprovalPipelinePort & { puts: number } {
  const port = {
    ...base,
    puts: 0,
    status: async () => (answers.length > 1 ? answers.shift()! : answers[0]!),
    putResult: async () => {
      port.puts += 1;
      return put;
    },
  };
  return port;
}

const approve = (deps: Parameters<typeof handleApprovalClick>[1]) =>
  handleApprovalClick({ actionId: APPROVAL_ACTIONS.approve, value: KEY, user: { id: 'U0LEAD0001', name: 'Lee' } }, deps);

describe("reading CodePipeline's state (issue 10)", () => {
  it('a deadline step that cannot read the approval is retried, and concludes nothing', async () => {
    const w = await started();
    const pipeline = scripted(w.deps.pipeline, [{ status: 'unknown' }]);
    await expect(tickApproval(KEY, { ...w.deps, pipeline, now: () => DEADLINE })).rejects.toBeInstanceOf(RetryableError);
    expect((await w.approvals.get(KEY))?.approval.state).toMatchObject({ status: 'pending', deadlineHandled: false });
    expect(w.approvals.audits).toEqual([]);
    await w.machines.finish();
  });

  it('a click whose result is refused while CodePipeline still shows the action InProgress is retried, not "rejected outside Slack"', async () => {
    const w = await started();
    const pipeline = scripted(w.deps.pipeline, [{ status: 'InProgress', token: 'stale' }], 'invalid-token');
    await expect(approve({ ...w.deps, pipeline })).rejects.toBeInstanceOf(RetryableError);
    expect((await w.approvals.get(KEY))?.approval.state.status).toBe('pending');
    expect(w.approvals.audits.filter((a) => a.via === 'elsewhere')).toEqual([]);
    await w.machines.finish();
  });

  it('a deadline that loses the race to a console decision records what CodePipeline recorded: approved, by whom, their summary', async () => {
    const w = await started();
    const pipeline = scripted(
      w.deps.pipeline,
      [
        { status: 'InProgress', token: 'token-1' },
        { status: 'Succeeded', by: ERIN, summary: 'verified on staging' },
      ],
      'already-completed',
    );
    await tickApproval(KEY, { ...w.deps, pipeline, now: () => DEADLINE });
    expect((await w.approvals.get(KEY))?.approval.state.outcome).toEqual({
      status: 'approved',
      via: 'elsewhere',
      at: DEADLINE.toISOString(),
      by: ERIN,
      summary: 'verified on staging',
    });
    expect(w.approvals.audits).toEqual([expect.objectContaining({ decision: 'approved', via: 'elsewhere', who: ERIN })]);
    await w.machines.finish();
  });

  it('a click and the deadline at the same moment: one PutApprovalResult, and the approval records the one that was sent', async () => {
    const w = await started({ latencyMs: 15 });
    const deps = { ...w.deps, now: () => DEADLINE };
    await Promise.all([approve(deps), tickApproval(KEY, deps)]);
    expect(w.pipeline.putCalls).toHaveLength(1);
    const sent = w.pipeline.putCalls[0]!;
    expect((await w.approvals.get(KEY))?.approval.state.outcome).toMatchObject({
      status: sent.status === 'Approved' ? 'approved' : 'rejected',
      via: sent.status === 'Approved' ? 'slack' : 'deadline',
      summary: sent.summary,
    });
    await w.machines.finish();
  });
});
