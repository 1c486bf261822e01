/** Who may decide an approval, and what their click makes of it (policy: approvers, self-approval, 1 or 2 approvals). */
import { describe, expect, it } from 'vitest';
import { buildRequest } from '../../../functions/core/approvals/request';
import { initialState, type Approval } from '../../../functions/core/approvals/types';
import { castVote, resultSummary } from '../../../functions/core/approvals/votes';
import { ApprovalPolicySchema } from '../../../functions/core/config/approvals';

const NOW = new Date('2026-11-23T11:00:00Z');
const ref = { pipeline: 'payments-api', executionId: 'e-1', stage: 'Production', action: 'Approve', account: '123456789012', region: 'eu-west-1' };

function approval(policy: Record<string, unknown>, initiator = { email: 'dana@example.com', slackUserId: 'U0DANA0001' }): Approval {
  const p = ApprovalPolicySchema.parse({ name: 'prod', approvers: ['U0LEAD0001', 'U0DANA0001', 'S0LEADS001'], ...policy });
  return { request: buildRequest({ ref, startedAt: '2026-11-23T10:00:00Z', policy: p, initiator, channels: ['C0PAY00001'], topics: [], parallel: false }), state: initialState() };
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
    ['not an approver', {}, voter('U0STRANGER'), 'approve', /not an approver under policy "prod". Approvers: <@U0LEAD0001>, <@U0DANA0001>, <!subteam\^S0LEADS001>/],
    ['self-approval', {}, voter('U0DANA0001'), 'approve', /You started or committed this run \(dana@example.com\), and policy "prod" does not allow self-approval/],
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
    expect(castVote(after, voter('U0LEAD0001'), 'approve', undefined, NOW)).toEqual({ ok: false, reason: 'You already approved. A second, different approver is needed. Nothing changed.' });
    const second = castVote(after, voter('U0OTHER001', ['S0LEADS001']), 'approve', undefined, NOW);
    expect(second).toMatchObject({ ok: true, decided: 'approved', progress: 'approved by <@U0LEAD0001> and <@U0OTHER001>' });
    if (second.ok) expect(resultSummary({ ...a, state: second.state }, 'approved')).toBe('Approved in Slack via pipeline-warden by U0LEAD0001: "ok"; U0OTHER001');
  });

  it('refuses every vote once the approval is decided', () => {
    const a = approval({});
    const decided = { ...a, state: { ...a.state, status: 'approved' as const, outcome: { status: 'approved' as const, via: 'elsewhere' as const, at: NOW.toISOString() } } };
    expect(castVote(decided, voter('U0LEAD0001'), 'reject', undefined, NOW)).toEqual({ ok: false, reason: 'This approval is already approved (decided outside Slack). Nothing changed.' });
  });

  it('without a known Slack user for the initiator, self-approval cannot be detected (README says so)', () => {
    expect(castVote(approval({}, { email: 'dana@example.com' } as never), voter('U0DANA0001'), 'approve', undefined, NOW)).toMatchObject({ ok: true });
  });

  it('keeps the summary within PutApprovalResult\'s 512 characters', () => {
    const a = approval({});
    const v = castVote(a, voter('U0LEAD0001'), 'approve', 'x'.repeat(600), NOW);
    if (v.ok) expect(resultSummary({ ...a, state: v.state }, 'approved').length).toBeLessThanOrEqual(512);
  });
});
