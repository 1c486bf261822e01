/**
 * A click on Approve or Reject, judged against the policy: may this person decide, and what does
 * their vote make of the approval. Pure; group membership is resolved by the caller.
 */
import { type Approval, type ApprovalState, type Claim, claimIsLive, type Decision, type Initiator, type Vote } from './types';

export interface Voter {
  readonly userId: string;
  readonly userName?: string;
  /** The user groups (S…) among the policy's approvers that this user belongs to. */
  readonly groups: readonly string[];
}

export type VoteVerdict =
  | { readonly ok: false; readonly reason: string }
  | {
      readonly ok: true;
      readonly state: ApprovalState;
      readonly decided?: 'approved' | 'rejected';
      readonly progress: string;
      /** A decision whose worker stopped before CodePipeline heard it (a claim past its lease): this click finishes it. */
      readonly resumes?: Claim;
    };

const mention = (id: string) => (id.startsWith('S') ? `<!subteam^${id}>` : `<@${id}>`);

/**
 * @example
 * castVote(approval, { userId: 'U0ALICE', groups: [] }, 'approve', undefined, now)
 * // { ok: true, decided: 'approved', state: {...}, progress: 'approved by <@U0ALICE>' }
 */
export function castVote(approval: Approval, voter: Voter, decision: Decision, comment: string | undefined, now: Date): VoteVerdict {
  const { request, state } = approval;
  if (state.status !== 'pending')
    return {
      ok: false,
      reason: `This approval is already ${state.status}${state.outcome?.via === 'elsewhere' ? ' (decided outside Slack)' : ''}. Nothing changed.`,
    };
  const allowed = request.approvers.includes(voter.userId) || voter.groups.some((g) => request.approvers.includes(g));
  if (!allowed) {
    return {
      ok: false,
      reason: `You are not an approver under policy "${request.policy}". Approvers: ${request.approvers.map(mention).join(', ')}. Nothing changed.`,
    };
  }
  if (state.claim) {
    // Another click (or the deadline) already decided: one worker sends it, nobody adds a vote to it.
    if (claimIsLive(state.claim, now))
      return { ok: false, reason: `This approval is already being ${state.claim.status} (${claimWho(state.claim)}). Nothing changed.` };
    return { ok: true, state, decided: state.claim.status, progress: `${state.claim.status} (${claimWho(state.claim)})`, resumes: state.claim };
  }
  // Rejecting one's own run is always allowed: stopping a change is never the risk self-review guards against.
  const own = decision === 'approve' && !request.allowSelfApproval ? ownership(request.initiator, voter.userId) : undefined;
  if (own) return { ok: false, reason: `${own}, and policy "${request.policy}" does not allow self-approval. Another approver must decide. Nothing changed.` };
  if (state.votes.some((v) => v.userId === voter.userId && v.decision === decision)) {
    const next = decision === 'approve' && request.required === 2 ? ' A second, different approver is needed.' : '';
    return { ok: false, reason: `You already ${decision === 'approve' ? 'approved' : 'rejected'}.${next} Nothing changed.` };
  }
  const vote: Vote = {
    userId: voter.userId,
    ...(voter.userName ? { userName: voter.userName } : {}),
    decision,
    ...(comment ? { comment } : {}),
    at: now.toISOString(),
  };
  const votes = [...state.votes.filter((v) => v.userId !== voter.userId), vote];
  if (decision === 'reject') return { ok: true, state: { ...state, votes }, decided: 'rejected', progress: `rejected by ${mention(voter.userId)}` };
  const approvers = new Set(votes.filter((v) => v.decision === 'approve').map((v) => v.userId));
  if (approvers.size >= request.required)
    return { ok: true, state: { ...state, votes }, decided: 'approved', progress: `approved by ${[...approvers].map(mention).join(' and ')}` };
  return { ok: true, state: { ...state, votes }, progress: `${approvers.size} of ${request.required} approvals` };
}

/**
 * What ties this person to the run, in the words of exactly what was checked: the trusted starter
 * (CodePipeline's trigger) and the CodeCommit commit's author; undefined when neither is them.
 */
function ownership(initiator: Initiator, userId: string): string | undefined {
  const ties = [
    initiator.slackUserId === userId ? `started this run (${initiator.email ?? initiator.trigger ?? 'CodePipeline trigger'})` : undefined,
    initiator.commit?.slackUserId === userId
      ? `authored commit ${initiator.commit.commitId.slice(0, 8)} in CodeCommit repository ${initiator.commit.repository}${initiator.commit.email ? ` (${initiator.commit.email})` : ''}`
      : undefined,
  ].filter((tie): tie is string => tie !== undefined);
  return ties.length ? `You ${ties.join(' and ')}` : undefined;
}

const claimWho = (claim: Claim) => (claim.via === 'deadline' ? 'the deadline passed' : `by ${mention(claim.slackUserId ?? '')}`);

/**
 * A person as the record names them: the display name (anyone can edit it) always with the Slack
 * user id (which nobody can), e.g. `Jane Doe (U0123ABCD)`.
 */
export const personName = (v: Pick<Vote, 'userId' | 'userName'>): string => (v.userName ? `${v.userName} (${v.userId})` : v.userId);

/** The people whose votes made the decision, e.g. `Jane Doe (U0123ABCD) and Lee (U0LEE0001)`. */
export function deciders(approval: Approval, decided: 'approved' | 'rejected'): string {
  return approval.state.votes
    .filter((v) => v.decision === (decided === 'approved' ? 'approve' : 'reject'))
    .map(personName)
    .join(' and ');
}

/**
 * The summary CodePipeline records with the result (PutApprovalResult `summary`, at most 512 characters).
 *
 * @example resultSummary(approval, 'approved') // 'Approved by Jane Doe (U0123ABCD) from Slack via pipeline-warden: "looks good"'
 */
export function resultSummary(approval: Approval, decided: 'approved' | 'rejected'): string {
  const votes = approval.state.votes.filter((v) => v.decision === (decided === 'approved' ? 'approve' : 'reject'));
  const commented = votes.filter((v) => v.comment);
  const comments =
    commented.length === 1 && votes.length === 1
      ? `: "${commented[0]?.comment}"`
      : commented.length
        ? `: ${commented.map((v) => `${v.userId} "${v.comment}"`).join('; ')}`
        : '';
  const text = `${decided === 'approved' ? 'Approved' : 'Rejected'} by ${deciders(approval, decided)} from Slack via pipeline-warden${comments}`;
  return text.length <= 512 ? text : `${text.slice(0, 511)}…`;
}
