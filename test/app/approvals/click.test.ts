/**
 * Clicks on the approval card through the real flow: refusals change nothing and call nothing in
 * CodePipeline; two approvals by two people decide; a click that loses the race to the console is told so.
 */
import { describe, expect, it } from 'vitest';
import { handleApprovalClick } from '../../../functions/approvals/app/click';
import { APPROVAL_ACTIONS } from '../../../functions/approvals/domain/render';
import { approvalKey } from '../../../functions/approvals/domain/types';
import { approvalConfig, approvalEvent, approvalWorld, REF, START } from '../../support/approvals';

const KEY = approvalKey(REF);
const POLICY = `- name: prod
  approvers: [U0LEAD0001, U0DANA0001, S0LEADS001]
  required: 2`;
const SSO_DANA = 'arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_Deployer_1a2b/dana@example.com';

async function world() {
  const w = approvalWorld(approvalConfig(POLICY), { trigger: SSO_DANA, users: { 'dana@example.com': 'U0DANA0001' }, groups: { S0LEADS001: ['U0OTHER001'] } });
  await w.send(approvalEvent('STARTED', START));
  return w;
}
const click = (w: Awaited<ReturnType<typeof world>>, user: string, decision: 'approve' | 'reject') =>
  handleApprovalClick({ actionId: APPROVAL_ACTIONS[decision], value: KEY, user: { id: user } }, w.deps);

describe('approval clicks', () => {
  it('refuses a person who is not an approver, and the person who started the run; nothing changes', async () => {
    const w = await world();
    const before = await w.approvals.get(KEY);
    expect(await click(w, 'U0STRANGER', 'approve')).toMatchObject({ kind: 'refused', ephemeral: expect.stringMatching(/not an approver/) });
    expect(await click(w, 'U0DANA0001', 'approve')).toMatchObject({
      kind: 'refused',
      ephemeral: expect.stringMatching(/dana@example.com.*does not allow self-approval/),
    });
    expect(w.pipeline.puts).toEqual([]);
    expect(await w.approvals.get(KEY)).toEqual(before);
    expect(w.approvals.audits).toEqual([]);
    await w.machines.finish();
  });

  it('needs two different approvers: the first is shown as 1 of 2, the same person again is refused, the second decides', async () => {
    const w = await world();
    expect(await click(w, 'U0LEAD0001', 'approve')).toEqual({ kind: 'done', text: '1 of 2 approvals' });
    expect(JSON.stringify(w.calls('slack.chat.update').at(-1)?.input['blocks'])).toContain('1 of 2 approvals');
    expect(await click(w, 'U0LEAD0001', 'approve')).toMatchObject({
      kind: 'refused',
      ephemeral: 'You already approved. A second, different approver is needed. Nothing changed.',
    });
    expect(w.pipeline.puts).toEqual([]);
    expect(await click(w, 'U0OTHER001', 'approve')).toEqual({ kind: 'done', text: 'approved by <@U0LEAD0001> and <@U0OTHER001>' });
    expect(w.pipeline.puts).toEqual([expect.objectContaining({ status: 'Approved' })]);
    expect((await w.approvals.get(KEY))?.approval.state.status).toBe('approved');
    await w.machines.finish();
  });

  it('the audit trail names each person by display name and Slack user id, and the decision by everyone who made it (issue 10)', async () => {
    const w = await world();
    const named = (user: string, name: string) => handleApprovalClick({ actionId: APPROVAL_ACTIONS.approve, value: KEY, user: { id: user, name } }, w.deps);
    await named('U0LEAD0001', 'Jane Doe');
    await named('U0OTHER001', 'Lee');
    expect(w.approvals.audits.map((a) => [a.decision, a.who, a.slackUserId])).toEqual([
      ['approve', 'Jane Doe (U0LEAD0001)', 'U0LEAD0001'],
      ['approve', 'Lee (U0OTHER001)', 'U0OTHER001'],
      ['approved', 'Jane Doe (U0LEAD0001) and Lee (U0OTHER001)', 'U0OTHER001'],
    ]);
    expect(w.pipeline.puts[0]?.summary).toBe('Approved by Jane Doe (U0LEAD0001) and Lee (U0OTHER001) from Slack via pipeline-warden');
    await w.machines.finish();
  });

  it('a click that races a console decision is told the approval was already decided, and nothing is put', async () => {
    const w = await world();
    w.pipeline.decideInConsole('Failed', START);
    await click(w, 'U0LEAD0001', 'approve');
    expect(await click(w, 'U0OTHER001', 'approve')).toEqual({
      kind: 'refused',
      ephemeral: 'This approval was already rejected outside Slack by erin. Your approve was not recorded.',
    });
    expect(w.pipeline.puts).toEqual([]);
    expect((await w.approvals.get(KEY))?.approval.state.outcome).toMatchObject({ status: 'rejected', via: 'elsewhere' });
    await w.machines.finish();
  });

  it('ignores controls that are not Approve or Reject, and approvals it does not know', async () => {
    const w = await world();
    expect(await handleApprovalClick({ actionId: APPROVAL_ACTIONS.comment, value: KEY, user: { id: 'U0LEAD0001' } }, w.deps)).toEqual({ kind: 'ignored' });
    expect(await handleApprovalClick({ actionId: APPROVAL_ACTIONS.approve, value: 'nope', user: { id: 'U0LEAD0001' } }, w.deps)).toMatchObject({
      kind: 'refused',
    });
    await w.machines.finish();
  });
});
