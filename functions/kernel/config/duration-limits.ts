/**
 * The bounds of every duration in the config, in one place. A value outside them cannot work (a
 * deadline no approval lives to see, a freeze whose end is not a representable date, a cooldown
 * longer than its record is kept) or is a typo; `warden validate` and `serverless package` refuse
 * it with the reason. Only the bounds live here: each section's checks decide where they apply.
 */
import { formatDuration, parseDuration } from '../duration';

const MINUTE = 60_000;
const DAY = 86_400_000;

export interface DurationLimit {
  /** Shortest accepted, in ms; 0 accepts `0m`. */
  readonly min: number;
  readonly max: number;
  /** Why shorter cannot work, shown in the message. */
  readonly tooShort?: string;
  /** Why longer cannot work or is not sane, shown in the message. */
  readonly tooLong: string;
}

/**
 * CodePipeline's manual approval action times out after 7 days by default; its `timeoutInMinutes`
 * can be set from 5 to 86,400 minutes (60 days). Source: "Quotas in AWS CodePipeline",
 * https://docs.aws.amazon.com/codepipeline/latest/userguide/limits.html (CDK's ManualApprovalAction
 * refuses a timeout outside "5 minutes and 86400 minutes (60 days)" too). No approval waits longer.
 */
export const APPROVAL_TIMEOUT_MIN_MS = 5 * MINUTE;
export const APPROVAL_TIMEOUT_MAX_MS = 60 * DAY;

const NO_APPROVAL_WAITS_LONGER = "no manual approval waits longer: CodePipeline's longest approval timeout is 60d";

/** Every duration field of the config and its bounds. */
export const DURATION_LIMITS = {
  approvalDeadline: {
    min: APPROVAL_TIMEOUT_MIN_MS,
    max: APPROVAL_TIMEOUT_MAX_MS,
    tooShort: "CodePipeline's shortest approval timeout",
    tooLong: NO_APPROVAL_WAITS_LONGER,
  },
  remindEvery: {
    min: 15 * MINUTE,
    max: APPROVAL_TIMEOUT_MAX_MS,
    tooShort: 'reminders more often than that are noise',
    tooLong: `${NO_APPROVAL_WAITS_LONGER}, so no reminder would go out`,
  },
  escalateAfter: {
    min: MINUTE,
    max: APPROVAL_TIMEOUT_MAX_MS,
    tooShort: 'calling them in at the start is not an escalation: list them as approvers instead',
    tooLong: `${NO_APPROVAL_WAITS_LONGER}, so nobody would be called in`,
  },
  bakeWindow: {
    min: MINUTE,
    max: 7 * DAY,
    tooShort: 'alarms need a datapoint or two after a deployment',
    tooLong: 'an alarm days after a deployment is no evidence against it, and rolling back a week of changes is a decision for a person',
  },
  /** Rollback episodes are kept 30 days (DynamoDB TTL, functions/rollback/aws/episodes.ts): a longer cooldown could not be honoured. */
  cooldown: { min: 0, max: 30 * DAY, tooLong: 'a rollback is remembered for 30 days, so a longer cooldown could not be kept' },
  freezeWindow: {
    min: 5 * MINUTE,
    max: 366 * DAY,
    tooShort: 'the freeze tick runs every 5 minutes: a shorter window could fall between two ticks',
    tooLong: 'a freeze longer than a year is a typo; use a Change Calendar for standing closures',
  },
} as const satisfies Record<string, DurationLimit>;

/** Years a one-off freeze window may name: outside them a date is a typo (2206, 1926). */
export const FREEZE_YEARS = { min: 2000, max: 2100 } as const;

/**
 * The problem with a duration, or undefined when it is within its limit. A text that is not a
 * duration is the schema's problem, not this one's.
 *
 * @example durationProblem('rollback.cooldown', '90d', DURATION_LIMITS.cooldown)
 * // 'rollback.cooldown: at most 30d (a rollback is remembered for 30 days, so a longer cooldown could not be kept)'
 */
export function durationProblem(at: string, text: string, limit: DurationLimit): string | undefined {
  const ms = parseDuration(text);
  const problem = ms === undefined ? undefined : outsideLimit(ms, limit);
  return problem && `${at}: ${problem}`;
}

/**
 * What is wrong with a length in milliseconds, without a path (a one-off freeze's window has no
 * duration field to name), or undefined when it is within the limit.
 *
 * @example outsideLimit(60_000, DURATION_LIMITS.remindEvery) // 'at least 15m (reminders more often than that are noise)'
 */
export function outsideLimit(ms: number, limit: DurationLimit): string | undefined {
  if (ms < limit.min) return `at least ${formatDuration(limit.min)}${limit.tooShort ? ` (${limit.tooShort})` : ''}`;
  // Not `ms > max`: a NaN or an Infinity (a 400-digit amount) is refused too.
  if (!(ms <= limit.max)) return `at most ${formatDuration(limit.max)} (${limit.tooLong})`;
  return undefined;
}
