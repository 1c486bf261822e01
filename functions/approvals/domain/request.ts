/** From an approval action that started, and the config, to the request the timer and the buttons work on. */
import type { ApprovalPolicy } from '../../kernel/config/approvals';
import { parseDuration } from '../../kernel/duration';
import type { ApprovalRef, ApprovalRequest, Initiator } from './types';

/** A manual approval action waits 7 days unless its `timeoutInMinutes` says otherwise (CodePipeline user guide). */
export const DEFAULT_ACTION_TIMEOUT_MINUTES = 7 * 24 * 60;
/** Our deadline lands this long before CodePipeline's own timeout, so our rejection (with its reason) wins. */
export const DEADLINE_MARGIN_MS = 5 * 60_000;

export interface RequestFacts {
  readonly ref: ApprovalRef;
  readonly startedAt: string;
  readonly policy: ApprovalPolicy;
  /** The action's `timeoutInMinutes` from the pipeline definition, when set. */
  readonly actionTimeoutMinutes?: number;
  readonly revision?: ApprovalRequest['revision'];
  readonly reviewUrl?: string;
  readonly customData?: string;
  readonly initiator: Initiator;
  readonly channels: readonly string[];
  readonly topics: readonly string[];
  readonly parallel: boolean;
}

const plus = (iso: string, ms: number) => new Date(Date.parse(iso) + ms).toISOString();
const durationMs = (text: string) => parseDuration(text) ?? 0;

/**
 * @example
 * buildRequest({ ref, startedAt: '2026-11-23T10:00:00Z', policy, initiator: {}, channels: ['C0PAY'], topics: [], parallel: false }).deadline
 * // '2026-11-24T10:00:00.000Z' with the default 24h deadline
 */
export function buildRequest(facts: RequestFacts): ApprovalRequest {
  const { policy, startedAt } = facts;
  const actionExpiresAt = plus(startedAt, (facts.actionTimeoutMinutes ?? DEFAULT_ACTION_TIMEOUT_MINUTES) * 60_000);
  const wanted = plus(startedAt, durationMs(policy.deadline));
  const latest = plus(actionExpiresAt, -DEADLINE_MARGIN_MS);
  const capped = Date.parse(wanted) > Date.parse(latest);
  // Fail closed: when who started (or committed) the run cannot be told, they must never be able to decide alone.
  const { initiator } = facts;
  const starterUnknown =
    !policy.allowSelfApproval && policy.whenStarterUnknown === 'two-approvers' && (initiator.slackUserId === undefined || initiator.unknown !== undefined);
  const required = starterUnknown ? 2 : policy.required;
  return {
    ...facts.ref,
    startedAt,
    policy: policy.name,
    approvers: policy.approvers,
    required,
    ...(starterUnknown && policy.required < 2 ? { requiredBecause: 'starter-unknown' as const } : {}),
    allowSelfApproval: policy.allowSelfApproval,
    remindEveryMs: durationMs(policy.remindEvery),
    ...(policy.escalateAfter && policy.escalateTo ? { escalateAt: plus(startedAt, durationMs(policy.escalateAfter)), escalateTo: policy.escalateTo } : {}),
    deadline: capped ? latest : wanted,
    ...(capped ? { deadlineCapped: true } : {}),
    onDeadline: policy.onDeadline,
    actionExpiresAt,
    ...(facts.revision ? { revision: facts.revision } : {}),
    ...(facts.reviewUrl ? { reviewUrl: facts.reviewUrl } : {}),
    ...(facts.customData ? { customData: facts.customData } : {}),
    initiator: facts.initiator,
    channels: facts.channels,
    topics: facts.topics,
    parallel: facts.parallel,
  };
}

/** The execution's page in the console, where the approval can also be reviewed and decided. */
export function consoleApprovalUrl(ref: ApprovalRef): string {
  return `https://${ref.region}.console.aws.amazon.com/codesuite/codepipeline/pipelines/${encodeURIComponent(ref.pipeline)}/executions/${ref.executionId}/timeline?region=${ref.region}`;
}
