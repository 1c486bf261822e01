/**
 * Recording a decision, whoever made it (a person in Slack, the deadline, the console): CodePipeline
 * first, then the approval, the audit trail, the card, and the timer is stopped. Only the worker
 * holding the approval's claim (taken in the same conditional write as the deciding vote, or by the
 * deadline) sends the result: concurrent clicks send one PutApprovalResult, never two.
 */
import { randomUUID } from 'node:crypto';
import { RetryableError } from '../../kernel/errors';
import { deadlineSummary } from '../domain/render';
import { type Approval, type Claim, claimIsLive, type Outcome } from '../domain/types';
import { deciders } from '../domain/votes';
import type { ApprovalStatusInfo } from '../ports';
import { showApprovalCard, updateApproval } from './cards';
import type { ApprovalDeps } from './deps';

export type Recorded =
  | { readonly kind: 'recorded' }
  /** CodePipeline had already decided (console, CLI, its own timeout): what it says is recorded instead. */
  | { readonly kind: 'decided-elsewhere'; readonly outcome: Outcome };

/** A claim id: unique per worker, so a worker knows whether the stored claim is its own. */
export const newClaimId = (): string => randomUUID();

/**
 * Sends the result with the current token. A decision that raced another one (the approval is
 * already complete, or the token is stale) is an expected outcome: logged at INFO, never an error,
 * and attributed to whatever CodePipeline recorded. A state that shows no outcome is retried.
 */
export async function submitResult(
  approval: Approval,
  result: { readonly status: 'Approved' | 'Rejected'; readonly summary: string },
  deps: ApprovalDeps,
): Promise<Recorded> {
  const { request } = approval;
  const where = { approval: request.pipeline, stage: request.stage, action: request.action };
  const current = await deps.pipeline.status(request, request.parallel);
  if (current.status === 'InProgress' && current.token) {
    const outcome = await deps.pipeline.putResult(request, { token: current.token, ...result });
    if (outcome === 'recorded') return { kind: 'recorded' };
    deps.logger.info('approval already decided when the result was sent', { ...where, outcome });
  } else {
    deps.logger.info('approval not open when the result was sent', { ...where, status: current.status });
  }
  const after = current.status === 'InProgress' || current.status === 'unknown' ? await deps.pipeline.status(request, request.parallel) : current;
  return { kind: 'decided-elsewhere', outcome: concluded(after, deps.now()) };
}

/**
 * What CodePipeline's record of the attempt means for the approval. Only an ended action concludes
 * anything: `InProgress` (the record lags the decision) or `unknown` (unreadable) is retried.
 */
export function concluded(info: ApprovalStatusInfo, now: Date): Outcome {
  if (info.status === 'InProgress' || info.status === 'unknown') {
    throw new RetryableError(
      `CodePipeline shows the approval as ${info.status === 'unknown' ? 'unreadable' : 'still in progress'} after a decision raced it; retrying`,
    );
  }
  return elsewhere(info.status, now, info.summary, info.by);
}

/** An ended action's outcome: CodePipeline's status (or the event's state), summary and who decided. */
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
  /** The people who decided, with their Slack user ids, for the audit trail. */
  readonly who?: string;
  readonly comment?: string;
  /** False when the timer itself decides: its execution ends on its own, and must not be stopped mid-step. */
  readonly stopTimer?: boolean;
}

/** Stores the outcome (once), audits it, updates the card and stops the timer. */
export async function finish(key: string, outcome: Outcome, deps: ApprovalDeps, who: FinishOptions = {}): Promise<void> {
  let first = false;
  const approval = await updateApproval(key, deps, (a) => {
    first = a.state.status === 'pending';
    if (!first) return undefined;
    const { claim: _done, ...state } = a.state;
    return { ...state, status: outcome.status, outcome, deadlineHandled: a.state.deadlineHandled || outcome.via === 'deadline' };
  });
  if (!approval || !first) return;
  const r = approval.request;
  await deps.approvals.audit({
    approvalKey: key,
    pipeline: r.pipeline,
    executionId: r.executionId,
    ...(r.actionExecutionId ? { actionExecutionId: r.actionExecutionId } : {}),
    stage: r.stage,
    action: r.action,
    decision: outcome.status,
    via: outcome.via,
    ...(who.slackUserId ? { slackUserId: who.slackUserId } : {}),
    ...(who.who ? { who: who.who } : outcome.by ? { who: outcome.by } : {}),
    ...(who.comment ? { comment: who.comment } : {}),
    at: outcome.at,
  });
  await showApprovalCard(key, deps);
  if (r.executionArn && who.stopTimer !== false)
    await deps.executions.stop({ executionArn: r.executionArn, cause: `approval ${outcome.status} (${outcome.via})` });
}

/**
 * Sends a claimed decision (ours, stored) and records its outcome. Thrown errors leave the claim in
 * place: after its lease the timer, or the next click, finishes it.
 */
export async function completeClaim(
  key: string,
  approval: Approval,
  claim: Claim,
  deps: ApprovalDeps,
  options: Pick<FinishOptions, 'stopTimer'> = {},
): Promise<Outcome> {
  const sent = await submitResult(approval, { status: claim.status === 'approved' ? 'Approved' : 'Rejected', summary: claim.summary }, deps);
  // Our own result, put by a worker that stopped before recording it, is ours: CodePipeline kept its summary.
  const ours = sent.kind === 'recorded' || (sent.outcome.status === claim.status && sent.outcome.summary === claim.summary);
  const outcome: Outcome = ours ? { status: claim.status, via: claim.via, at: deps.now().toISOString(), summary: claim.summary } : sent.outcome;
  const person =
    outcome.via === 'slack'
      ? {
          ...(claim.slackUserId ? { slackUserId: claim.slackUserId } : {}),
          ...(claim.comment ? { comment: claim.comment } : {}),
          who: deciders(approval, claim.status),
        }
      : {};
  await finish(key, outcome, deps, { ...person, ...(options.stopTimer === false ? { stopTimer: false } : {}) });
  return outcome;
}

/**
 * Takes the claim for `next` (a new decision, or a stale claim taken over), in one conditional
 * write; undefined when another worker holds a live claim or the approval is decided.
 */
export async function takeClaim(
  key: string,
  deps: ApprovalDeps,
  next: (a: Approval) => Omit<Claim, 'id' | 'at'> | undefined,
): Promise<{ approval: Approval; claim: Claim } | undefined> {
  const id = newClaimId();
  const now = deps.now();
  const saved = await updateApproval(key, deps, (a) => {
    if (a.state.status !== 'pending' || claimIsLive(a.state.claim, now)) return undefined;
    const wanted = next(a);
    return wanted ? { ...a.state, claim: { ...wanted, id, at: now.toISOString() } } : undefined;
  });
  return saved?.state.claim?.id === id ? { approval: saved, claim: saved.state.claim } : undefined;
}

/** The deadline's outcome under the policy: reject (or, for a non-production stage, approve); undefined when a click claimed it first. */
export async function applyDeadline(key: string, approval: Approval, deps: ApprovalDeps): Promise<Outcome | undefined> {
  const status = approval.request.onDeadline === 'approve' ? 'approved' : 'rejected';
  const taken = await takeClaim(key, deps, (a) => (a.state.claim ? undefined : { status, via: 'deadline', summary: deadlineSummary(a) }));
  return taken ? completeClaim(key, taken.approval, taken.claim, deps, { stopTimer: false }) : undefined;
}

/** A claim past its lease, finished by the timer with the decision it stands for. */
export async function resumeClaim(key: string, deps: ApprovalDeps): Promise<Outcome | undefined> {
  const taken = await takeClaim(key, deps, (a) => (a.state.claim ? { ...a.state.claim } : undefined));
  return taken ? completeClaim(key, taken.approval, taken.claim, deps, { stopTimer: false }) : undefined;
}
