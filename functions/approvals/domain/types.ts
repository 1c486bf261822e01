/**
 * One manual approval as pipeline-warden keeps it: the facts gathered when the action started
 * (what is approved, under which policy, until when) and its state (votes, reminders, decision).
 * Stored in the cards table; the approval state machine carries only its key.
 */
import type { DeadlineOutcome } from '../../kernel/config/approvals';

export interface ApprovalRef {
  readonly pipeline: string;
  readonly executionId: string;
  readonly stage: string;
  readonly action: string;
  readonly account: string;
  readonly region: string;
  /**
   * The attempt: CodePipeline's action execution id. A stage retried after a rejection
   * (`RetryStageExecution`) runs the action again in the same pipeline execution, as a new
   * action execution: a new approval with its own card, timer, votes and audit entries.
   */
  readonly actionExecutionId?: string;
}

/** `<account>/<region>/<pipeline>/<execution>/<stage>/<action>[/<action execution>]`: unique per approval attempt. */
export const approvalKey = (ref: ApprovalRef): string =>
  [ref.account, ref.region, ref.pipeline, ref.executionId, ref.stage, ref.action, ...(ref.actionExecutionId ? [ref.actionExecutionId] : [])].join('/');

/**
 * Who started or committed the run, as far as it can be trusted (starter.ts). Approvals stored
 * before `unknown` and `commit` existed carry only `trigger`, `email` and `slackUserId`.
 */
export interface Initiator {
  /** What CodePipeline says started the run (`arn:aws:sts::…:assumed-role/AWSReservedSSO_Dev_1a2b/alice@example.com`, a webhook, ...). */
  readonly trigger?: string;
  /** The person who started the run, when the trigger names one that can be trusted. */
  readonly email?: string;
  /** The Slack user with that email, when Slack knows one. */
  readonly slackUserId?: string;
  /** Why the person who started the run cannot be known (no trusted email, or no Slack user with it). */
  readonly unknown?: string;
  /** The CodeCommit commit the run builds (GetCommit): its author counts as a starter too. */
  readonly commit?: CommitAuthor;
}

export interface CommitAuthor {
  readonly repository: string;
  readonly commitId: string;
  /** The author's email as configured in Git. */
  readonly email?: string;
  readonly slackUserId?: string;
}

export interface ApprovalRequest extends ApprovalRef {
  /** When the action started (the event's time). */
  readonly startedAt: string;
  readonly policy: string;
  readonly approvers: readonly string[];
  /** Distinct approvals needed: the policy's, or 2 when the starter is unknown and self-approval is forbidden. */
  readonly required: 1 | 2;
  /** Set when `required` is 2 only because who started the run cannot be known (policy `whenStarterUnknown: two-approvers`). */
  readonly requiredBecause?: 'starter-unknown';
  readonly allowSelfApproval: boolean;
  readonly remindEveryMs: number;
  readonly escalateAt?: string;
  readonly escalateTo?: readonly string[];
  /** The policy's deadline, capped by the action's own timeout. */
  readonly deadline: string;
  /** Set when the action's timeout, not the policy, set the deadline. */
  readonly deadlineCapped?: boolean;
  readonly onDeadline: DeadlineOutcome;
  /** When CodePipeline itself fails the action (its timeout). */
  readonly actionExpiresAt: string;
  readonly revision?: { readonly id?: string; readonly summary?: string; readonly url?: string };
  /** The action's "URL for review" (ExternalEntityLink). */
  readonly reviewUrl?: string;
  readonly customData?: string;
  readonly initiator: Initiator;
  /** Where the approval card goes: the run's card threads, or the policy's channel. */
  readonly channels: readonly string[];
  /** Email topics the request went to (the run's routes). */
  readonly topics: readonly string[];
  /** PARALLEL execution mode: the token is the action execution's externalExecutionId. */
  readonly parallel: boolean;
  /** The timer execution, stopped when the approval is decided. */
  readonly executionArn?: string;
}

export type Decision = 'approve' | 'reject';

export interface Vote {
  readonly userId: string;
  readonly userName?: string;
  readonly decision: Decision;
  readonly comment?: string;
  readonly at: string;
}

export type ApprovalStatus = 'pending' | 'approved' | 'rejected';

/** How a decided approval was decided. */
export interface Outcome {
  readonly status: 'approved' | 'rejected';
  readonly via: 'slack' | 'deadline' | 'elsewhere';
  readonly at: string;
  /** The text CodePipeline shows (PutApprovalResult summary), or what decided it elsewhere said. */
  readonly summary?: string;
  /** Who decided elsewhere, when CodePipeline tells (`lastUpdatedBy`). */
  readonly by?: string;
}

/**
 * The right to send the decision to CodePipeline, taken by exactly one worker in the same
 * conditional write that completes the quorum (or applies the deadline). A claim older than
 * `CLAIM_LEASE_MS` whose worker never finished may be taken over.
 */
export interface Claim {
  readonly id: string;
  readonly status: 'approved' | 'rejected';
  readonly via: 'slack' | 'deadline';
  readonly summary: string;
  readonly at: string;
  /** For a Slack decision: the person whose vote decided, and their comment. */
  readonly slackUserId?: string;
  readonly comment?: string;
}

/** How long a claim holds before another worker may finish the decision it stands for. */
export const CLAIM_LEASE_MS = 60_000;

export const claimIsLive = (claim: Claim | undefined, now: Date): boolean => claim !== undefined && now.getTime() - Date.parse(claim.at) < CLAIM_LEASE_MS;

export interface ApprovalState {
  readonly status: ApprovalStatus;
  readonly votes: readonly Vote[];
  /** Set while a decision is being sent to CodePipeline (see Claim). */
  readonly claim?: Claim;
  readonly outcome?: Outcome;
  readonly reminders: number;
  readonly escalated: boolean;
  /** The deadline passed and its outcome was applied (or, with `notify`, announced). */
  readonly deadlineHandled: boolean;
  /** The approval card in each channel: channel → ts. */
  readonly messages: Readonly<Record<string, string>>;
  /** Parent message (run card) per channel, when the approval card is a thread reply. */
  readonly threads: Readonly<Record<string, string>>;
  /** Topics the approval email was published to. */
  readonly emailed: readonly string[];
}

export interface Approval {
  readonly request: ApprovalRequest;
  readonly state: ApprovalState;
}

export const initialState = (): ApprovalState => ({
  status: 'pending',
  votes: [],
  reminders: 0,
  escalated: false,
  deadlineHandled: false,
  messages: {},
  threads: {},
  emailed: [],
});
