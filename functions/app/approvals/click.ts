/**
 * A click on the approval card's Approve or Reject button. The person is checked against the
 * policy before anything changes; a refusal is an ephemeral message saying why, and nothing else.
 */
import { APPROVAL_ACTIONS, principalName } from '../../core/approvals/render';
import { castVote, resultSummary } from '../../core/approvals/votes';
import type { Decision, Outcome } from '../../core/approvals/types';
import { showApprovalCard, updateApproval } from './cards';
import { finish, submitResult } from './decide';
import type { ApprovalDeps } from './deps';

export interface ApprovalClick {
  readonly actionId: string;
  /** The approval key the button carries. */
  readonly value: string;
  readonly user: { readonly id: string; readonly name?: string };
  /** From the card's comment field (`state.values`). */
  readonly comment?: string;
}

export type ClickOutcome = { readonly kind: 'done'; readonly text: string } | { readonly kind: 'refused'; readonly ephemeral: string } | { readonly kind: 'ignored' };

const DECISIONS: Readonly<Record<string, Decision>> = { [APPROVAL_ACTIONS.approve]: 'approve', [APPROVAL_ACTIONS.reject]: 'reject' };

export async function handleApprovalClick(click: ApprovalClick, deps: ApprovalDeps): Promise<ClickOutcome> {
  const decision = DECISIONS[click.actionId];
  if (!decision) return { kind: 'ignored' };
  const stored = await deps.approvals.get(click.value);
  if (!stored) return { kind: 'refused', ephemeral: 'This approval is not known to pipeline-warden (it may have expired). Nothing changed.' };
  const approval = stored.approval;
  const groups = await deps.directory.groupsOf(click.user.id, approval.request.approvers);
  const now = deps.now();
  const comment = click.comment?.trim().slice(0, 300) || undefined;
  const verdict = castVote(approval, { userId: click.user.id, ...(click.user.name ? { userName: click.user.name } : {}), groups }, decision, comment, now);
  if (!verdict.ok) return { kind: 'refused', ephemeral: verdict.reason };

  if (!verdict.decided) {
    // A first approval of two: recorded and shown; CodePipeline hears nothing yet.
    const saved = await updateApproval(click.value, deps, (a) => {
      const again = castVote(a, { userId: click.user.id, groups }, decision, comment, now);
      return again.ok ? again.state : undefined;
    });
    await audit(click, saved?.request ?? approval.request, decision, now, deps, comment);
    await showApprovalCard(click.value, deps);
    return { kind: 'done', text: verdict.progress };
  }

  const decided = { ...approval, state: verdict.state };
  const status = verdict.decided === 'approved' ? 'Approved' : 'Rejected';
  const sent = await submitResult(decided, { status, summary: resultSummary(decided, verdict.decided) }, deps);
  if (sent.kind === 'decided-elsewhere') {
    await finish(click.value, sent.outcome, deps);
    return { kind: 'refused', ephemeral: `This approval was already ${sent.outcome.status} outside Slack${sent.outcome.by ? ` by ${principalName(sent.outcome.by)}` : ''}. Your ${decision} was not recorded.` };
  }
  await updateApproval(click.value, deps, (a) => ({ ...a.state, votes: verdict.state.votes }));
  await audit(click, approval.request, decision, now, deps, comment);
  const outcome: Outcome = { status: verdict.decided, via: 'slack', at: now.toISOString(), summary: resultSummary(decided, verdict.decided) };
  await finish(click.value, outcome, deps, { slackUserId: click.user.id, ...(comment ? { comment } : {}) });
  return { kind: 'done', text: verdict.progress };
}

async function audit(click: ApprovalClick, r: { pipeline: string; executionId: string; stage: string; action: string }, decision: Decision, now: Date, deps: ApprovalDeps, comment?: string) {
  await deps.approvals.audit({
    approvalKey: click.value,
    pipeline: r.pipeline,
    executionId: r.executionId,
    stage: r.stage,
    action: r.action,
    decision,
    via: 'slack',
    slackUserId: click.user.id,
    ...(click.user.name ? { who: click.user.name } : {}),
    ...(comment ? { comment } : {}),
    at: now.toISOString(),
  });
}
