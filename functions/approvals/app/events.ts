/**
 * CodePipeline's approval events: an approval action that STARTED gets its timer (a Step Functions
 * execution named after the attempt, so a duplicate event starts nothing); one that ended outside Slack
 * (console, CLI, CodePipeline's own timeout) updates the card and stops the timer.
 */

import { RetryableError } from '../../kernel/errors';
import type { AwsEvent } from '../../kernel/events/schemas';
import { executionName } from '../../kernel/execution-name';
import { type ApprovalRef, approvalKey } from '../domain/types';
import { elsewhere, finish } from './decide';
import type { ApprovalDeps } from './deps';
import type { ApprovalInput } from './prepare';

type ActionEvent = Extract<AwsEvent, { 'detail-type': 'CodePipeline Action Execution State Change' }>;

export type ApprovalEventOutcome = 'started' | 'duplicate' | 'decided' | 'ignored';

/**
 * The execution name for an approval attempt: the same attempt always gets the same name (a
 * duplicate event starts nothing), a retried stage's new attempt a new one.
 */
export const approvalExecutionName = (ref: ApprovalRef) =>
  executionName(['approval', ref.executionId, ref.stage, ref.action, ...(ref.actionExecutionId ? [ref.actionExecutionId] : [])]);

export async function onApprovalEvent(event: AwsEvent, deps: ApprovalDeps): Promise<ApprovalEventOutcome> {
  if (event['detail-type'] !== 'CodePipeline Action Execution State Change' || event.detail.type.category !== 'Approval') return 'ignored';
  const ref = refOf(event);
  // The event names no attempt (it has no action execution id): CodePipeline's history does.
  const attempts = await deps.pipeline.attempts(ref);
  if (event.detail.state === 'STARTED') {
    const attempt = attempts.find((a) => a.status === 'InProgress');
    if (!attempt) throw new RetryableError(`approval ${approvalKey(ref)}: CodePipeline lists no running attempt of the action yet`);
    const started = { ...ref, actionExecutionId: attempt.actionExecutionId };
    const name = approvalExecutionName(started);
    const executionArn = `${deps.stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
    const input: ApprovalInput = { ref: started, startedAt: event.time, executionArn };
    return deps.executions.start({ stateMachineArn: deps.stateMachineArn, name, input });
  }
  // Every attempt CodePipeline ended whose approval is still open here (the event does not say which one ended).
  let decided = false;
  for (const attempt of attempts.filter((a) => a.status !== 'InProgress' && a.status !== 'unknown')) {
    const key = approvalKey({ ...ref, actionExecutionId: attempt.actionExecutionId });
    const stored = await deps.approvals.get(key);
    if (stored?.approval.state.status !== 'pending') continue;
    const summary = attempt.summary ?? event.detail['execution-result']?.['external-execution-summary'];
    await finish(key, elsewhere(attempt.status, deps.now(), summary, attempt.by), deps);
    decided = true;
  }
  return decided ? 'decided' : 'ignored';
}

function refOf(event: ActionEvent): ApprovalRef {
  return {
    pipeline: event.detail.pipeline,
    executionId: event.detail['execution-id'],
    stage: event.detail.stage,
    action: event.detail.action,
    account: event.account,
    region: event.region,
  };
}
