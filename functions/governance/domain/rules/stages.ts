/** Reading pipeline stages the way CodePipeline runs them. Shared by the pipeline rules. */
import type { PipelineAction, PipelineStage } from '../definitions';

/** Actions of a stage run by ascending runOrder; equal runOrders run in parallel; absent is 1. */
export const runOrderOf = (action: PipelineAction): number => action.runOrder ?? 1;

export const isManualApproval = (action: PipelineAction): boolean => action.actionTypeId.category === 'Approval' && action.actionTypeId.provider === 'Manual';

/**
 * CodePipeline's account-level default timeout of a manual approval action: 7 days (configurable
 * per action from 5 minutes to 86,400 minutes = 60 days). "Quotas in AWS CodePipeline",
 * docs.aws.amazon.com/codepipeline/latest/userguide/limits.html.
 */
export const MANUAL_APPROVAL_DEFAULT_TIMEOUT_MINUTES = 7 * 24 * 60;

export const CONDITION_KINDS = ['beforeEntry', 'onSuccess', 'onFailure'] as const;
export type ConditionKind = (typeof CONDITION_KINDS)[number];

/** The CloudWatchAlarm rules of a stage's conditions of the given kinds, with their alarm names. */
export function alarmRulesOf(stage: PipelineStage, kinds: readonly ConditionKind[]): Array<{ kind: ConditionKind; alarm: string }> {
  return kinds.flatMap((kind) =>
    (stage[kind]?.conditions ?? []).flatMap((condition) =>
      (condition.rules ?? [])
        .filter((rule) => rule.ruleTypeId.provider === 'CloudWatchAlarm')
        .map((rule) => ({ kind, alarm: String(rule.configuration?.['AlarmName'] ?? rule.name ?? '?') })),
    ),
  );
}
