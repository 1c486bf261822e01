/**
 * Four eyes when the starter is unknown or spoofable (issue 10, findings 4 and 5), through the real
 * approval flow: a run nobody can attribute needs two distinct approvers unless the policy says
 * `whenStarterUnknown: any-approver`; a role session name counts only for IAM Identity Center and
 * trusted roles; a CodeCommit commit's author counts as a starter; every card and refusal says
 * exactly what was checked.
 */
import { describe, expect, it } from 'vitest';
import { handleApprovalClick } from '../../../functions/approvals/app/click';
import { APPROVAL_ACTIONS } from '../../../functions/approvals/domain/render';
import { approvalKey } from '../../../functions/approvals/domain/types';
import type { CommitsPort } from '../../../functions/approvals/ports';
import { PermanentError } from '../../../functions/kernel/errors';
import { approvalConfig, approvalEvent, approvalWorld, REF, START } from '../../support/approvals';

const KEY = approvalKey(REF);
const POLICY = '- name: prod\n  approvers: [U0LEAD0001, S0LEADS001]';
const USERS = { 'bob@example.com': 'U0BOB00001', 'dana@example.com': 'U0DANA0001', 'mary@example.com': 'U0MARY0001' };
const GROUPS = { S0LEADS001: ['U0BOB00001', 'U0DANA0001', 'U0MARY0001', 'U0OTHER001'] };
const WEBHOOK = { trigger: 'arn:aws:codepipeline:eu-west-1:123456789012:webhook:payments-hook', triggerType: 'Webhook' };
/** Alice may assume Deployer and names her session after Bob. */
const SPOOFED_BOB = { trigger: 'arn:aws:sts::123456789012:assumed-role/Deployer/bob@example.com', triggerType: 'StartPipelineExecution' };
const SSO_DANA = { trigger: 'arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_Deployer_1a2b/dana@example.com', triggerType: 'StartPipelineExecution' };
const COMMIT = { repository: 'payments', commitId: '7e9fd3091b2c4d5e6f708192a3b4c5d6e7f80912' };
const authoredBy = (email: string): CommitsPort => ({ author: async () => ({ email, name: 'Mary Major' }) });

async function started(options: Parameters<typeof approvalWorld>[1], policy = POLICY, approvalsKeys = '') {
  const w = approvalWorld(approvalConfig(policy, approvalsKeys), { users: USERS, groups: GROUPS, ...options });
  await w.send(approvalEvent('STARTED', START));
  return w;
}
type World = Awaited<ReturnType<typeof started>>;
const click = (w: World, user: string) => handleApprovalClick({ actionId: APPROVAL_ACTIONS.approve, value: KEY, user: { id: user } }, w.deps);
const whoMayApprove = (w: World) => {
  const blocks = w.calls('slack.chat.postMessage')[0]?.input['blocks'] as Array<{ fields?: Array<{ text: string }> }>;
  return blocks.flatMap((b) => b.fields ?? []).find((f) => f.text.startsWith('*Who may approve*'))?.text;
};

describe('four eyes when who started the run is unknown (issue 10)', () => {
  it('a run started by a webhook needs two distinct approvers, and the card says why', async () => {
    const w = await started(WEBHOOK);
    expect(whoMayApprove(w)).toBe(
      "*Who may approve*\n<@U0LEAD0001> <!subteam^S0LEADS001> · 2 different approvers, because who started the run is unknown (started by Webhook arn:aws:codepipeline:eu-west-1:123456789012:webhook:payments-hook, not by a person's session)",
    );
    expect(await click(w, 'U0LEAD0001')).toEqual({ kind: 'done', text: '1 of 2 approvals' });
    expect(w.pipeline.puts).toEqual([]);
    expect(await click(w, 'U0OTHER001')).toEqual({ kind: 'done', text: 'approved by <@U0LEAD0001> and <@U0OTHER001>' });
    expect(w.pipeline.puts).toEqual([expect.objectContaining({ status: 'Approved' })]);
    await w.machines.finish();
  });

  it('whenStarterUnknown: any-approver lets one approver decide, and the card says so', async () => {
    const w = await started(WEBHOOK, `${POLICY}\n  whenStarterUnknown: any-approver`);
    expect(whoMayApprove(w)).toMatch(/who started the run is unknown \(started by Webhook .*\); any approver may decide \(whenStarterUnknown: any-approver\)$/);
    expect(await click(w, 'U0LEAD0001')).toEqual({ kind: 'done', text: 'approved by <@U0LEAD0001>' });
    expect(w.pipeline.puts).toHaveLength(1);
    await w.machines.finish();
  });

  it('a starter whose email has no Slack user is unknown too', async () => {
    const w = await started({ ...SSO_DANA, users: {} });
    expect(whoMayApprove(w)).toMatch(/2 different approvers, because no Slack user has the email dana@example.com of who started the run$/);
    expect(await click(w, 'U0DANA0001')).toEqual({ kind: 'done', text: '1 of 2 approvals' });
    await w.machines.finish();
  });

  it('a known starter is named on the card and refused; another approver decides alone', async () => {
    const w = await started(SSO_DANA);
    expect(whoMayApprove(w)).toBe('*Who may approve*\n<@U0LEAD0001> <!subteam^S0LEADS001> · not <@U0DANA0001> (started the run)');
    expect(await click(w, 'U0DANA0001')).toMatchObject({
      kind: 'refused',
      ephemeral: 'You started this run (dana@example.com), and policy "prod" does not allow self-approval. Another approver must decide. Nothing changed.',
    });
    expect(await click(w, 'U0LEAD0001')).toEqual({ kind: 'done', text: 'approved by <@U0LEAD0001>' });
    await w.machines.finish();
  });
});

describe('a starter that cannot be spoofed (issue 10)', () => {
  it('a session name chosen by whoever assumed the role blocks nobody: Bob may vote, and two approvers are needed', async () => {
    const w = await started(SPOOFED_BOB);
    expect(whoMayApprove(w)).toMatch(
      /2 different approvers, because who started the run is unknown \(the session name of role Deployer is chosen by whoever assumes it \(not a trusted role\)\)$/,
    );
    expect(await click(w, 'U0BOB00001')).toEqual({ kind: 'done', text: '1 of 2 approvals' });
    expect(await click(w, 'U0OTHER001')).toEqual({ kind: 'done', text: 'approved by <@U0BOB00001> and <@U0OTHER001>' });
    await w.machines.finish();
  });

  it('a role the config trusts (approvals.trustedRoles) names the starter', async () => {
    const w = await started(SPOOFED_BOB, POLICY, 'trustedRoles: [Deployer]');
    expect(await click(w, 'U0BOB00001')).toMatchObject({ kind: 'refused', ephemeral: expect.stringMatching(/^You started this run \(bob@example.com\)/) });
    expect(await click(w, 'U0LEAD0001')).toEqual({ kind: 'done', text: 'approved by <@U0LEAD0001>' });
    await w.machines.finish();
  });
});

describe('the CodeCommit author counts as a starter (issue 10)', () => {
  it('the author is refused, in words that say "authored", not "started"; the starter is refused as the starter', async () => {
    const w = await started({ ...SSO_DANA, codeCommit: COMMIT, commits: authoredBy('mary@example.com') });
    expect(whoMayApprove(w)).toBe(
      '*Who may approve*\n<@U0LEAD0001> <!subteam^S0LEADS001> · not <@U0DANA0001> (started the run) or <@U0MARY0001> (authored 7e9fd309)',
    );
    expect(await click(w, 'U0MARY0001')).toMatchObject({
      kind: 'refused',
      ephemeral:
        'You authored commit 7e9fd309 in CodeCommit repository payments (mary@example.com), and policy "prod" does not allow self-approval. Another approver must decide. Nothing changed.',
    });
    expect(await click(w, 'U0DANA0001')).toMatchObject({ kind: 'refused', ephemeral: expect.stringMatching(/^You started this run \(dana@example.com\)/) });
    expect(w.pipeline.puts).toEqual([]);
    expect(await click(w, 'U0LEAD0001')).toEqual({ kind: 'done', text: 'approved by <@U0LEAD0001>' });
    await w.machines.finish();
  });

  it('a source change by the author: the author is refused, and two approvers are still needed (the starter is unknown)', async () => {
    const w = await started({
      trigger: 'arn:aws:events:eu-west-1:123456789012:rule/codepipeline-payments-main',
      triggerType: 'CloudWatchEvent',
      codeCommit: COMMIT,
      commits: authoredBy('mary@example.com'),
    });
    expect(await click(w, 'U0MARY0001')).toMatchObject({ kind: 'refused', ephemeral: expect.stringMatching(/^You authored commit 7e9fd309/) });
    expect(await click(w, 'U0LEAD0001')).toEqual({ kind: 'done', text: '1 of 2 approvals' });
    await w.machines.finish();
  });

  it('an author who cannot be matched, or a commit that cannot be read, fails closed: two approvers', async () => {
    const unmatched = await started({ ...SSO_DANA, codeCommit: COMMIT, commits: authoredBy('mary@personal.example') });
    expect(whoMayApprove(unmatched)).toMatch(
      /2 different approvers, because no Slack user has the email mary@personal.example of the author of commit 7e9fd309 · not <@U0DANA0001> \(started the run\)$/,
    );
    await unmatched.machines.finish();
    const unreadable: CommitsPort = {
      author: async () => {
        throw new PermanentError('CodeCommit GetCommit payments@7e9fd309: AccessDeniedException');
      },
    };
    const w = await started({ ...SSO_DANA, codeCommit: COMMIT, commits: unreadable });
    expect(whoMayApprove(w)).toMatch(/2 different approvers, because the author of commit 7e9fd309 could not be read from CodeCommit/);
    expect(await click(w, 'U0LEAD0001')).toEqual({ kind: 'done', text: '1 of 2 approvals' });
    await w.machines.finish();
  });
});
