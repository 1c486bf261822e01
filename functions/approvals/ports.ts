/**
 * What the approval flow needs from the outside world, as the use cases (app/) see it: CodePipeline's
 * side of an approval, the approvals table, CodeCommit. The AWS adapters (aws/) and the world fake
 * (world.ts) implement these; nothing here knows either.
 */
import type { Approval, ApprovalRef } from './domain/types';

export interface ApprovalDescription {
  readonly customData?: string;
  readonly reviewUrl?: string;
  readonly timeoutMinutes?: number;
  /** PARALLEL pipelines have no token in GetPipelineState: the action execution's externalExecutionId is the token. */
  readonly parallel: boolean;
  readonly revision?: { readonly id?: string; readonly summary?: string; readonly url?: string };
  /** `triggerDetail` of the execution: the IAM principal, webhook or rule that started it. */
  readonly trigger?: string;
  /** `triggerType`: StartPipelineExecution, Webhook, CloudWatchEvent, PollForSourceChanges, ... */
  readonly triggerType?: string;
  /** The commit the run builds, when its source is a CodeCommit action: its author counts as a starter. */
  readonly codeCommit?: { readonly repository: string; readonly commitId: string };
}

/** CodePipeline's own status names for an action execution. */
export type ApprovalActionStatus = 'InProgress' | 'Succeeded' | 'Failed' | 'Abandoned' | 'unknown';

export interface ApprovalStatusInfo {
  readonly status: ApprovalActionStatus;
  readonly token?: string;
  readonly summary?: string;
  /** Who decided, when CodePipeline says (`lastUpdatedBy` / `updatedBy`). */
  readonly by?: string;
}

export type PutResultOutcome = 'recorded' | 'already-completed' | 'invalid-token';

/** One run (attempt) of the approval action in a pipeline execution: a retried stage runs it again. */
export interface ApprovalAttempt extends Omit<ApprovalStatusInfo, 'token'> {
  readonly actionExecutionId: string;
  readonly startedAt?: string;
}

export interface ApprovalPipelinePort {
  describe(ref: ApprovalRef): Promise<ApprovalDescription>;
  /**
   * Where this attempt of the approval stands (`ref.actionExecutionId`; without one, the action's
   * latest run). `unknown` when CodePipeline shows no such run: the caller retries, never concludes.
   */
  status(ref: ApprovalRef, parallel: boolean): Promise<ApprovalStatusInfo>;
  /** Every run of the action in the pipeline execution, newest first (ListActionExecutions). */
  attempts(ref: ApprovalRef): Promise<readonly ApprovalAttempt[]>;
  /**
   * `codepipeline.putApprovalResult` with the current token. An approval already decided, or a
   * token that is no longer valid (the action ended), is an expected outcome, not an error: the
   * decision raced another one.
   */
  putResult(ref: ApprovalRef, input: { readonly token: string; readonly status: 'Approved' | 'Rejected'; readonly summary: string }): Promise<PutResultOutcome>;
}

export interface StoredApproval {
  readonly approval: Approval;
  readonly version: number;
}

/** One decision, as the audit trail keeps it. */
export interface AuditEntry {
  readonly approvalKey: string;
  readonly pipeline: string;
  readonly executionId: string;
  /** The attempt (CodePipeline's action execution id): a retried stage's approval is audited apart. */
  readonly actionExecutionId?: string;
  readonly stage: string;
  readonly action: string;
  readonly decision: 'approve' | 'reject' | 'approved' | 'rejected';
  /** `slack` (a person), `deadline` (the policy), `elsewhere` (console, CLI). */
  readonly via: 'slack' | 'deadline' | 'elsewhere';
  readonly slackUserId?: string;
  readonly who?: string;
  readonly comment?: string;
  readonly at: string;
}

export interface ApprovalStorePort {
  get(key: string): Promise<StoredApproval | undefined>;
  /** Writes version `expectedVersion + 1` if the stored one is still `expectedVersion` (0: absent); else CardConflictError. */
  put(key: string, approval: Approval, expectedVersion: number): Promise<void>;
  audit(entry: AuditEntry): Promise<void>;
}

export interface CommitAuthorInfo {
  /** The author's email as configured in Git; undefined when the commit names none. */
  readonly email?: string;
  readonly name?: string;
}

export interface CommitsPort {
  /** The author of a commit; throws RetryableError or PermanentError (no such commit, no permission). */
  author(repository: string, commitId: string): Promise<CommitAuthorInfo>;
}
