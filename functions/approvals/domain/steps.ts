/**
 * What the approval timer does next: remind, escalate, apply the deadline, or sleep until one of
 * those is due. Pure: the approval and the clock are parameters, so every branch is a table row.
 */
import { type Approval, CLAIM_LEASE_MS, claimIsLive } from './types';

/**
 * Reminders stop after this many: a Standard execution keeps at most 25,000 history events, and a
 * request nobody answered after 24 reminders needs a person, not a 25th message.
 */
export const MAX_REMINDERS = 24;

export type ApprovalStep =
  | { readonly kind: 'done'; readonly why: 'decided' | 'action-expired' }
  | { readonly kind: 'deadline' }
  /** A decision was claimed but its worker stopped before CodePipeline heard it: finish it. */
  | { readonly kind: 'resume' }
  | { readonly kind: 'escalate' }
  | { readonly kind: 'remind'; readonly number: number }
  | { readonly kind: 'wait'; readonly until: string };

const ms = (iso: string) => Date.parse(iso);

/** When the next reminder is due, or undefined when no more reminders will be sent. */
export function nextReminderAt(approval: Approval): number | undefined {
  const { request, state } = approval;
  if (state.reminders >= MAX_REMINDERS) return undefined;
  return ms(request.startedAt) + (state.reminders + 1) * request.remindEveryMs;
}

/**
 * @example
 * nextApprovalStep(pendingSince('10:00', { remindEvery: '4h' }), at('12:00')) // { kind: 'wait', until: '…T14:00…' }
 */
export function nextApprovalStep(approval: Approval, now: Date): ApprovalStep {
  const { request, state } = approval;
  const t = now.getTime();
  if (state.status !== 'pending') return { kind: 'done', why: 'decided' };
  if (t >= ms(request.actionExpiresAt)) return { kind: 'done', why: 'action-expired' };
  if (state.claim)
    return claimIsLive(state.claim, now) ? { kind: 'wait', until: new Date(ms(state.claim.at) + CLAIM_LEASE_MS).toISOString() } : { kind: 'resume' };
  if (!state.deadlineHandled && t >= ms(request.deadline)) return { kind: 'deadline' };
  const escalation = request.escalateAt !== undefined && !state.escalated ? ms(request.escalateAt) : undefined;
  if (escalation !== undefined && t >= escalation) return { kind: 'escalate' };
  const reminder = nextReminderAt(approval);
  const upcoming = [reminder, escalation, state.deadlineHandled ? undefined : ms(request.deadline), ms(request.actionExpiresAt)].filter(
    (x): x is number => x !== undefined,
  );
  if (reminder !== undefined && t >= reminder) return { kind: 'remind', number: state.reminders + 1 };
  return { kind: 'wait', until: new Date(Math.min(...upcoming)).toISOString() };
}

/**
 * The reminder count once the deadline or escalation message went out: reminders due by then are
 * folded into that message instead of following it a second later.
 */
export function remindersCoveredBy(approval: Approval, now: Date): number {
  const { request, state } = approval;
  const due = Math.floor((now.getTime() - ms(request.startedAt)) / request.remindEveryMs);
  return Math.min(MAX_REMINDERS, Math.max(state.reminders, due));
}
