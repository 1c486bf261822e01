/**
 * The approval timer's step: whatever is due now (a reminder, the escalation, the deadline), then
 * when to wake next. It also asks CodePipeline whether the approval is still open, so an approval
 * decided in the console stops its timer even if that event was lost.
 */

import { RetryableError } from '../../kernel/errors';
import { nextApprovalStep, remindersCoveredBy } from '../domain/steps';
import { postTimerMessage, updateApproval } from './cards';
import { applyDeadline, elsewhere, finish, resumeClaim } from './decide';
import type { ApprovalDeps } from './deps';
import { type StepResult, schedule } from './prepare';

export async function tickApproval(key: string, deps: ApprovalDeps): Promise<StepResult> {
  const stored = await deps.approvals.get(key);
  if (!stored) return { key, done: true };
  const approval = stored.approval;
  const now = deps.now();
  const step = nextApprovalStep(approval, now);
  if (step.kind === 'done' || step.kind === 'wait') return schedule(key, deps);

  const current = await deps.pipeline.status(approval.request, approval.request.parallel);
  // Unreadable is not decided: a step that cannot see the approval tries again (the state machine's Retry).
  if (current.status === 'unknown') throw new RetryableError(`approval ${key}: CodePipeline shows no such action execution (yet); retrying`);
  if (current.status !== 'InProgress') {
    await finish(key, elsewhere(current.status, now, current.summary, current.by), deps, { stopTimer: false });
    return { key, done: true };
  }
  switch (step.kind) {
    case 'resume':
      await resumeClaim(key, deps);
      break;
    case 'remind':
      await postTimerMessage(approval, { kind: 'remind', number: step.number }, deps);
      await updateApproval(key, deps, (a) => ({ ...a.state, reminders: Math.max(a.state.reminders, step.number) }));
      break;
    case 'escalate':
      await postTimerMessage(approval, { kind: 'escalate' }, deps);
      await updateApproval(key, deps, (a) => ({ ...a.state, escalated: true, reminders: remindersCoveredBy(a, now) }));
      break;
    case 'deadline':
      if (approval.request.onDeadline === 'notify') {
        await postTimerMessage(approval, { kind: 'deadline' }, deps);
        await updateApproval(key, deps, (a) => ({ ...a.state, deadlineHandled: true, reminders: remindersCoveredBy(a, now) }));
      } else if ((await applyDeadline(key, approval, deps))?.via === 'deadline') {
        // Said only once CodePipeline took the result: a decision that raced the deadline wins silently.
        await postTimerMessage(approval, { kind: 'deadline' }, deps);
      }
      break;
  }
  return schedule(key, deps);
}
