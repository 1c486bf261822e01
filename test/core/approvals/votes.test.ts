/** Who may decide an approval, and what their click makes of it (policy: approvers, self-approval, 1 or 2 approvals). */
import { describe, expect, it } from 'vitest';
import { buildRequest } from '../../../functions/approvals/domain/request';
import { type Approval, initialState } from '../../../functions/approvals/domain/types';
import { castVote, resultSummary } from '../../../functions/approvals/domain/votes';
import { ApprovalPolicySchema } from '../../../functions/kernel/config/approvals';

const NOW = new Date('2026-11-23T11:00:00Z');
const ref = { pipeline: 'payments-api', executionId: 'e-1', stage: 'Production', action: 'Approve', account: '123456789012', region: 'eu-west-1' };

function approval(policy: Record<string, unknown>, initiator = { email: 'dana@example.com', slackUserId: 'U0DANA0001' }): Approval {
  const p = ApprovalPolicySchema.parse({ name: 'prod', approvers: ['U0LEAD0001', 'U0DANA0001', 'S0LEADS001'], ...policy });
  return {
    request: buildRequest({ ref, startedAt: '2026-11-23T10:00:00Z', policy: p, initiator, channels: ['C0PAY00001'], topics: [], parallel: false }),
    state: initialState(),
  };
}
const voter = (userId: string, groups: string[] = []) => ({ userId, groups });

describe('castVote', () => {
  it.each([
    ['an approver approves (1 required)', {}, voter('U0LEAD0001'), 'approve', { ok: true, decided: 'approved' }],
    ['an approver rejects', {}, voter('U0LEAD0001'), 'reject', { ok: true, decided: 'rejected' }],
    ['a member of an approver group approves', {}, voter('U0OTHER001', ['S0LEADS001']), 'approve', { ok: true, decided: 'approved' }],
    ['the first of 2 required approvals', { required: 2 }, voter('U0LEAD0001'), 'approve', { ok: true, progress: '1 of 2 approvals' }],
    ['the person who started the run rejects it (always allowed)', {}, voter('U0DANA0001'), 'reject', { ok: true, decided: 'rejected' }],
    ['self-approval when the policy allows it', { allowSelfApproval: true }, voter('U0DANA0001'), 'approve', { ok: true, decided: 'approved' }],
  ] as const)('%s', (_name, policy, who, decision, expected) => {
    expect(castVote(approval(policy), who, decision, undefined, NOW)).toMatchObject(expected);
  });

  it.each([
    [
      'not an approver',
      {},
      voter('U0STRANGER'),
      'approve',
      /not an approver under policy "prod". Approvers: <@U0LEAD0001>, <@U0DANA0001>, <!subteam\^S0LEADS001>/,
    ],
    ['self-approval', {}, voter('U0DANA0001'), 'approve', /You started this run \(dana@example.com\), and policy "prod" does not allow self-approval/],
    ['self-approval through a group', {}, voter('U0DANA0001', ['S0LEADS001']), 'approve', /does not allow self-approval/],
  ] as const)('refuses: %s, and changes nothing', (_name, policy, who, decision, reason) => {
    const a = approval(policy);
    const verdict = castVote(a, who, decision, undefined, NOW);
    expect(verdict.ok).toBe(false);
    expect(!verdict.ok && verdict.reason).toMatch(reason);
    expect(a.state).toEqual(initialState());
  });

  it('refuses a second approval by the same person when two are required, and accepts a different second approver', () => {
    const a = approval({ required: 2 });
    const first = castVote(a, voter('U0LEAD0001'), 'approve', 'ok', NOW);
    if (!first.ok) throw new Error(first.reason);
    const after = { ...a, state: first.state };
    expect(castVote(after, voter('U0LEAD0001'), 'approve', undefined, NOW)).toEqual({
      ok: false,
      reason: 'You already approved. A second, different approver is needed. Nothing changed.',
    });
    const second = castVote(after, voter('U0OTHER001', ['S0LEADS001']), 'approve', undefined, NOW);
    expect(second).toMatchObject({ ok: true, decided: 'approved', progress: 'approved by <@U0LEAD0001> and <@U0OTHER001>' });
    if (second.ok)
      expect(resultSummary({ ...a, state: second.state }, 'approved')).toBe(
        'Approved by U0LEAD0001 and U0OTHER001 from Slack via pipeline-warden: U0LEAD0001 "ok"',
      );
  });

  it('names each person in the summary CodePipeline keeps by display name and Slack user id, which nobody can edit (issue 10)', () => {
    const a = approval({ required: 2 });
    const first = castVote(a, { userId: 'U0LEAD0001', userName: 'Jane Doe', groups: [] }, 'approve', 'looks good', NOW);
    if (!first.ok) throw new Error(first.reason);
    expect(resultSummary({ ...a, state: first.state }, 'approved')).toBe('Approved by Jane Doe (U0LEAD0001) from Slack via pipeline-warden: "looks good"');
    // A display name dressed up as someone else still carries the real user id.
    const second = castVote(
      { ...a, state: first.state },
      { userId: 'U0OTHER001', userName: 'Jane Doe (U0LEAD0001)', groups: ['S0LEADS001'] },
      'approve',
      undefined,
      NOW,
    );
    if (!second.ok) throw new Error(second.reason);
    expect(resultSummary({ ...a, state: second.state }, 'approved')).toBe(
      'Approved by Jane Doe (U0LEAD0001) and Jane Doe (U0LEAD0001) (U0OTHER001) from Slack via pipeline-warden: U0LEAD0001 "looks good"',
    );
  });

  it("while another click holds the decision, refuses every vote; once that claim is past its lease, an approver's click finishes it", () => {
    const a = approval({});
    const claim = { id: 'c-1', status: 'approved' as const, via: 'slack' as const, summary: 's', at: NOW.toISOString(), slackUserId: 'U0LEAD0001' };
    const held = { ...a, state: { ...a.state, claim } };
    expect(castVote(held, voter('U0OTHER001', ['S0LEADS001']), 'reject', undefined, NOW)).toEqual({
      ok: false,
      reason: 'This approval is already being approved (by <@U0LEAD0001>). Nothing changed.',
    });
    const later = new Date(NOW.getTime() + 61_000);
    expect(castVote(held, voter('U0STRANGER'), 'approve', undefined, later)).toMatchObject({ ok: false });
    expect(castVote(held, voter('U0OTHER001', ['S0LEADS001']), 'reject', undefined, later)).toMatchObject({ ok: true, decided: 'approved', resumes: claim });
  });

  it('refuses every vote once the approval is decided', () => {
    const a = approval({});
    const decided = {
      ...a,
      state: { ...a.state, status: 'approved' as const, outcome: { status: 'approved' as const, via: 'elsewhere' as const, at: NOW.toISOString() } },
    };
    expect(castVote(decided, voter('U0LEAD0001'), 'reject', undefined, NOW)).toEqual({
      ok: false,
      reason: 'This approval is already approved (decided outside Slack). Nothing changed.',
    });
  });

  it('without a known Slack user for the initiator, self-approval cannot be detected (README says so)', () => {
    expect(castVote(approval({}, { email: 'dana@example.com' } as never), voter('U0DANA0001'), 'approve', undefined, NOW)).toMatchObject({ ok: true });
  });

  it("keeps the summary within PutApprovalResult's 512 characters", () => {
    const a = approval({});
    const v = castVote(a, voter('U0LEAD0001'), 'approve', 'x'.repeat(600), NOW);
    if (v.ok) expect(resultSummary({ ...a, state: v.state }, 'approved').length).toBeLessThanOrEqual(512);
  });
});
