/**
 * CodePipeline's approval events: an approval action that STARTED gets its timer (a Step Functions
 * execution named after it, so a duplicate event starts nothing); one that ended outside Slack
 * (console, CLI, CodePipeline's own timeout) updates the card and stops the timer.
 */
import { executionName } from '../../core/execution-name';
import { approvalKey, type ApprovalRef } from '../../core/approvals/types';
import type { AwsEvent } from '../../core/events/schemas';
import { elsewhere, finish } from './decide';
import type { ApprovalDeps } from './deps';
import type { ApprovalInput } from './prepare';

type ActionEvent = Extract<AwsEvent, { 'detail-type': 'CodePipeline Action Execution State Change' }>;

export type ApprovalEventOutcome = 'started' | 'duplicate' | 'decided' | 'ignored';

/** The execution name for an approval: the same approval always gets the same name. */
export const approvalExecutionName = (ref: ApprovalRef) => executionName(['approval', ref.executionId, ref.stage, ref.action]);

export async function onApprovalEvent(event: AwsEvent, deps: ApprovalDeps): Promise<ApprovalEventOutcome> {
  if (event['detail-type'] !== 'CodePipeline Action Execution State Change' || event.detail.type.category !== 'Approval') return 'ignored';
  const ref = refOf(event);
  if (event.detail.state === 'STARTED') {
    const name = approvalExecutionName(ref);
    const executionArn = `${deps.stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
    const input: ApprovalInput = { ref, startedAt: event.time, executionArn };
    return deps.executions.start({ stateMachineArn: deps.stateMachineArn, name, input });
  }
  const stored = await deps.approvals.get(approvalKey(ref));
  if (!stored || stored.approval.state.status !== 'pending') return 'ignored';
  // Who decided, and their summary, as CodePipeline records them (the event carries neither reliably).
  const current = await deps.pipeline.status(stored.approval.request, stored.approval.request.parallel).catch(() => undefined);
  const summary = current?.summary ?? event.detail['execution-result']?.['external-execution-summary'];
  await finish(approvalKey(ref), elsewhere(event.detail.state, deps.now(), summary, current?.by), deps);
  return 'decided';
}

function refOf(event: ActionEvent): ApprovalRef {
  return { pipeline: event.detail.pipeline, executionId: event.detail['execution-id'], stage: event.detail.stage, action: event.detail.action, account: event.account, region: event.region };
}
