/**
 * Recording a decision, whoever made it (a person in Slack, the deadline, the console): CodePipeline
 * first, then the approval, the audit trail, the card, and the timer is stopped.
 */
import { deadlineSummary } from '../../core/approvals/render';
import type { Approval, Outcome } from '../../core/approvals/types';
import { showApprovalCard, updateApproval } from './cards';
import type { ApprovalDeps } from './deps';

export type Recorded =
  | { readonly kind: 'recorded' }
  /** CodePipeline had already decided (console, CLI, its own timeout): what it says is recorded instead. */
  | { readonly kind: 'decided-elsewhere'; readonly outcome: Outcome };

/**
 * Sends the result with the current token. A decision that raced another one (the approval is
 * already complete, or the token is stale) is an expected outcome: logged at INFO, never an error.
 */
export async function submitResult(approval: Approval, result: { readonly status: 'Approved' | 'Rejected'; readonly summary: string }, deps: ApprovalDeps): Promise<Recorded> {
  const { request } = approval;
  const current = await deps.pipeline.status(request, request.parallel);
  if (current.status === 'InProgress' && current.token) {
    const outcome = await deps.pipeline.putResult(request, { token: current.token, ...result });
    if (outcome === 'recorded') return { kind: 'recorded' };
    deps.logger.info('approval already decided when the result was sent', { approval: request.pipeline, stage: request.stage, action: request.action, outcome });
  } else {
    deps.logger.info('approval no longer in progress', { approval: request.pipeline, stage: request.stage, action: request.action, status: current.status });
  }
  const after = await deps.pipeline.status(request, request.parallel);
  return { kind: 'decided-elsewhere', outcome: elsewhere(after.status, deps.now(), after.summary, after.by) };
}

/** What CodePipeline's own status means for the approval. */
export function elsewhere(status: string, now: Date, summary?: string, by?: string): Outcome {
  const approved = status === 'Succeeded' || status === 'SUCCEEDED';
  const abandoned = status === 'Abandoned' || status === 'ABANDONED' || status === 'CANCELED';
  return {
    status: approved ? 'approved' : 'rejected',
    via: 'elsewhere',
    at: now.toISOString(),
    ...(summary ? { summary } : abandoned ? { summary: 'the execution was stopped or superseded' } : {}),
    ...(by ? { by } : {}),
  };
}

export interface FinishOptions {
  readonly slackUserId?: string;
  readonly comment?: string;
  /** False when the timer itself decides: its execution ends on its own, and must not be stopped mid-step. */
  readonly stopTimer?: boolean;
}

/** Stores the outcome (once), audits it, updates the card and stops the timer. */
export async function finish(key: string, outcome: Outcome, deps: ApprovalDeps, who: FinishOptions = {}): Promise<void> {
  let first = false;
  const approval = await updateApproval(key, deps, (a) => {
    if (a.state.status !== 'pending') return undefined;
    first = true;
    return { ...a.state, status: outcome.status, outcome, deadlineHandled: a.state.deadlineHandled || outcome.via === 'deadline' };
  });
  if (!approval || !first) return;
  const r = approval.request;
  await deps.approvals.audit({
    approvalKey: key,
    pipeline: r.pipeline,
    executionId: r.executionId,
    stage: r.stage,
    action: r.action,
    decision: outcome.status,
    via: outcome.via,
    ...(who.slackUserId ? { slackUserId: who.slackUserId } : {}),
    ...(outcome.by ? { who: outcome.by } : {}),
    ...(who.comment ? { comment: who.comment } : {}),
    at: outcome.at,
  });
  await showApprovalCard(key, deps);
  if (r.executionArn && who.stopTimer !== false) await deps.executions.stop({ executionArn: r.executionArn, cause: `approval ${outcome.status} (${outcome.via})` });
}

/** The deadline's outcome under the policy: reject (or, for a non-production stage, approve). */
export async function applyDeadline(key: string, approval: Approval, deps: ApprovalDeps): Promise<Outcome> {
  const status = approval.request.onDeadline === 'approve' ? 'Approved' : 'Rejected';
  const summary = deadlineSummary(approval);
  const sent = await submitResult(approval, { status, summary }, deps);
  const outcome: Outcome = sent.kind === 'recorded' ? { status: status === 'Approved' ? 'approved' : 'rejected', via: 'deadline', at: deps.now().toISOString(), summary } : sent.outcome;
  await finish(key, outcome, deps, { stopTimer: false });
  return outcome;
}
