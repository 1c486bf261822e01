/**
 * A click on the approval card's Approve or Reject button. The person is checked against the
 * policy before anything changes; a refusal is an ephemeral message saying why, and nothing else.
 * The vote is judged again on the stored approval inside its conditional write, so clicks at the
 * same moment each see the votes before theirs: the one that completes the quorum also claims the
 * decision, and only it sends the result to CodePipeline.
 */
import { APPROVAL_ACTIONS, principalName } from '../domain/render';
import type { Approval, ApprovalState, Claim, Decision } from '../domain/types';
import { castVote, personName, resultSummary, type Voter, type VoteVerdict } from '../domain/votes';
import { showApprovalCard, updateApproval } from './cards';
import { completeClaim, newClaimId } from './decide';
import type { ApprovalDeps } from './deps';

export interface ApprovalClick {
  readonly actionId: string;
  /** The approval key the button carries. */
  readonly value: string;
  readonly user: { readonly id: string; readonly name?: string };
  /** From the card's comment field (`state.values`). */
  readonly comment?: string;
}

export type ClickOutcome =
  | { readonly kind: 'done'; readonly text: string }
  | { readonly kind: 'refused'; readonly ephemeral: string }
  | { readonly kind: 'ignored' };

const DECISIONS: Readonly<Record<string, Decision>> = { [APPROVAL_ACTIONS.approve]: 'approve', [APPROVAL_ACTIONS.reject]: 'reject' };
const UNKNOWN = 'This approval is not known to pipeline-warden (it may have expired). Nothing changed.';

export async function handleApprovalClick(click: ApprovalClick, deps: ApprovalDeps): Promise<ClickOutcome> {
  const decision = DECISIONS[click.actionId];
  if (!decision) return { kind: 'ignored' };
  const stored = await deps.approvals.get(click.value);
  if (!stored) return { kind: 'refused', ephemeral: UNKNOWN };
  const groups = await deps.directory.groupsOf(click.user.id, stored.approval.request.approvers);
  const now = deps.now();
  const comment = click.comment?.trim().slice(0, 300) || undefined;
  const voter: Voter = { userId: click.user.id, ...(click.user.name ? { userName: click.user.name } : {}), groups };
  let verdict: VoteVerdict = castVote(stored.approval, voter, decision, comment, now);
  // A refusal changes nothing: no write at all.
  if (!verdict.ok) return { kind: 'refused', ephemeral: verdict.reason };

  const claimId = newClaimId();
  const saved = await updateApproval(click.value, deps, (a) => {
    verdict = castVote(a, voter, decision, comment, now);
    return verdict.ok ? withClaim(a, verdict, { id: claimId, voter, comment, now }) : undefined;
  });
  if (!saved) return { kind: 'refused', ephemeral: UNKNOWN };
  const final = verdict as VoteVerdict;
  if (!final.ok) return { kind: 'refused', ephemeral: final.reason };
  if (!final.resumes) await audit(click, saved, decision, now, deps, comment);
  const claim = saved.state.claim;
  if (!final.decided || claim?.id !== claimId) {
    // A first approval of two: recorded and shown; CodePipeline hears nothing yet.
    await showApprovalCard(click.value, deps);
    return { kind: 'done', text: final.progress };
  }
  const outcome = await completeClaim(click.value, saved, claim, deps);
  if (outcome.via === 'elsewhere') {
    return {
      kind: 'refused',
      ephemeral: `This approval was already ${outcome.status} outside Slack${outcome.by ? ` by ${principalName(outcome.by)}` : ''}. Your ${decision} was not recorded.`,
    };
  }
  return { kind: 'done', text: final.progress };
}

/** The state to store for an accepted vote: when it decides, with the claim to send the decision. */
function withClaim(
  a: Approval,
  verdict: Extract<VoteVerdict, { ok: true }>,
  by: { id: string; voter: Voter; comment: string | undefined; now: Date },
): ApprovalState {
  if (!verdict.decided) return verdict.state;
  const at = by.now.toISOString();
  const claim: Claim = verdict.resumes
    ? { ...verdict.resumes, id: by.id, at }
    : {
        id: by.id,
        status: verdict.decided,
        via: 'slack',
        summary: resultSummary({ ...a, state: verdict.state }, verdict.decided),
        at,
        slackUserId: by.voter.userId,
        ...(by.comment ? { comment: by.comment } : {}),
      };
  return { ...verdict.state, claim };
}

async function audit(click: ApprovalClick, approval: Approval, decision: Decision, now: Date, deps: ApprovalDeps, comment?: string) {
  const r = approval.request;
  await deps.approvals.audit({
    approvalKey: click.value,
    pipeline: r.pipeline,
    executionId: r.executionId,
    ...(r.actionExecutionId ? { actionExecutionId: r.actionExecutionId } : {}),
    stage: r.stage,
    action: r.action,
    decision,
    via: 'slack',
    slackUserId: click.user.id,
    who: personName({ userId: click.user.id, ...(click.user.name ? { userName: click.user.name } : {}) }),
    ...(comment ? { comment } : {}),
    at: now.toISOString(),
  });
}
