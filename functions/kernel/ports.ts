/**
 * The outside world as the handlers see it. One real implementation of each port talks to AWS or
 * Slack; the recording implementations (`recording.ts`) answer local replay without sending anything.
 */
import type { RunCard } from './card/types';
import type { DeliveryFact } from './delivery/fact';
import type { Streak } from './delivery/streak';
import type { SlackBlock } from './render/blocks';
import type { Email } from './render/email';
import type { Grant, SlackCall, SlackMethod } from './slack-budget';

export type { Email, SlackBlock };

export interface SlackMessage {
  readonly channel: string;
  /** Plain-text fallback shown in notifications and by screen readers. */
  readonly text: string;
  readonly blocks?: readonly SlackBlock[];
  /** Post as a reply in this message's thread. */
  readonly threadTs?: string;
  /** A thread reply also shown in the channel (`reply_broadcast`): the approval card is both. */
  readonly broadcast?: boolean;
}

export interface SlackPort {
  /** `chat.postMessage`; resolves to the new message's channel and ts. Throws `DeliveryError` past retries. */
  postMessage(message: SlackMessage): Promise<{ readonly channel: string; readonly ts: string }>;
  /**
   * `chat.update` of a message we posted. Resolves `gone` when the message no longer exists (someone
   * deleted it), so the caller can post the card again. Throws `DeliveryError` past retries.
   */
  updateMessage(message: SlackMessage & { readonly ts: string }): Promise<'updated' | 'gone'>;
}

/**
 * The Slack budget every notify worker shares (kernel/slack-budget.ts): a call is made only once
 * the budget granted it, so the workspace's limit holds however many workers run.
 */
export interface SlackBudgetPort {
  /** Takes a slot for each call, in order: `true` to call now, or when a slot is expected to be free. */
  take(calls: readonly SlackCall[], now: Date): Promise<readonly Grant[]>;
  /** Slack answered 429: no worker calls `method` before `until` (its `Retry-After`). */
  hold(method: SlackMethod, until: Date, now: Date): Promise<void>;
}

/** A run's card delivered again later: what a deferred delivery waits for (a delayed message to notify's own queue). */
export interface RedeliveryPort {
  /** Makes sure notify delivers this run's card again at (or soon after) `at`. */
  schedule(run: Pick<RunCard, 'run' | 'subject'>, at: Date, now: Date): Promise<void>;
}

export interface EmailPort {
  /** `sns.publish`. Throws `DeliveryError` past retries. */
  publish(email: Email): Promise<void>;
}

/** An AWS account and region: where a call about a pipeline, build or deployment is made. */
export interface Place {
  readonly account: string;
  readonly region: string;
}

export interface BuildLogRef {
  /** The build's account and region (organization mode reads the log there). */
  readonly place?: Place;
  readonly group: string;
  readonly stream: string;
  /** How many lines from the end of the log. */
  readonly lines: number;
}

export interface BuildLogsPort {
  /** The last lines of a CodeBuild log (CloudWatch Logs), oldest first; [] when there is none. */
  tail(ref: BuildLogRef): Promise<readonly string[]>;
}

/**
 * Why a deploy failed, as AWS reports it: the shapes mirror the SDK's output (field names as
 * `GetDeployment`, `BatchGetDeploymentTargets` and `DescribeStackEvents` return them), so a world
 * file holds what the CLI prints. Only the fields the thread reply reads are named.
 */
export interface LifecycleEventReport {
  readonly lifecycleEventName?: string;
  readonly status?: string;
  readonly diagnostics?: {
    readonly errorCode?: string;
    readonly scriptName?: string;
    readonly message?: string;
    /** The last lines of the hook's output that CodeDeploy keeps. */
    readonly logTail?: string;
  };
}

/** One target of a deployment's compute platform (`instanceTarget`, `lambdaTarget`, ...). */
export interface TargetReport {
  readonly targetId?: string;
  readonly targetArn?: string;
  readonly status?: string;
  readonly lifecycleEvents?: readonly LifecycleEventReport[];
  readonly lambdaFunctionInfo?: { readonly functionName?: string; readonly functionAlias?: string };
}

/** `BatchGetDeploymentTargets`' `deploymentTargets[]`. */
export interface DeploymentTargetReport {
  readonly deploymentTargetType?: string;
  readonly instanceTarget?: TargetReport;
  readonly lambdaTarget?: TargetReport;
  readonly ecsTarget?: TargetReport;
  readonly cloudFormationTarget?: TargetReport;
}

export interface DeploymentReport {
  /** `GetDeployment`'s `deploymentInfo` (the fields read here). */
  readonly deploymentInfo: {
    readonly deploymentId?: string;
    readonly status?: string;
    readonly errorInformation?: { readonly code?: string; readonly message?: string };
    readonly deploymentOverview?: { readonly Failed?: number };
  };
  /** The failed targets read: a few (at most `DEPLOY_TARGETS_READ`), never all of a large fleet. */
  readonly deploymentTargets: readonly DeploymentTargetReport[];
}

/** `DescribeStackEvents`' `StackEvents[]` (the fields read here). */
export interface StackEventReport {
  readonly StackName?: string;
  readonly LogicalResourceId?: string;
  readonly ResourceType?: string;
  readonly ResourceStatus?: string;
  readonly ResourceStatusReason?: string;
}

/** `DescribeServices`' `services[].events[]` (ECS): newest first; `createdAt` a Date from the SDK, an ISO string from the CLI. */
export interface ServiceEventReport {
  readonly id?: string;
  readonly createdAt?: Date | string;
  readonly message?: string;
}

/**
 * A stack set's operation (`ListStackSetOperations`' `Summaries[]`, the fields read here) and its
 * failed results (`ListStackSetOperationResults` filtered on `FAILED`: a page at most).
 */
export interface StackSetOperationReport {
  readonly Status?: string;
  readonly StatusReason?: string;
  readonly failed: readonly { readonly Account?: string; readonly Region?: string; readonly OrganizationalUnitId?: string; readonly StatusReason?: string }[];
  /** More failed results than read (the page had a `NextToken`). */
  readonly more?: boolean;
}

/** How many failed targets of a deployment are read for its thread reply. */
export const DEPLOY_TARGETS_READ = 3;

export interface DeployDiagnosticsPort {
  /**
   * A deployment's error and its first failed targets (`GetDeployment`, `ListDeploymentTargets`
   * filtered on `Failed`, `BatchGetDeploymentTargets`), in its account and region; undefined when
   * the deployment does not exist.
   */
  deployment(ref: { readonly place?: Place; readonly deploymentId: string }): Promise<DeploymentReport | undefined>;
  /**
   * The stack a pipeline's CloudFormation action deploys: its `StackName` configuration
   * (`codepipeline.getPipeline`); undefined when the action has none or the pipeline is gone.
   */
  actionStack(ref: { readonly place?: Place; readonly pipeline: string; readonly stage: string; readonly action: string }): Promise<string | undefined>;
  /**
   * A stack's events, newest first, from the newest back to the start of its latest operation
   * (`DescribeStackEvents`, a few pages at most); undefined when the stack does not exist.
   */
  stackEvents(ref: { readonly place?: Place; readonly stackName: string }): Promise<readonly StackEventReport[] | undefined>;
  /**
   * The ECS service a pipeline's ECS deploy action deploys: its `ClusterName` and `ServiceName`
   * configuration (`codepipeline.getPipeline`); undefined when the action has none or the pipeline is gone.
   */
  actionService?(ref: {
    readonly place?: Place;
    readonly pipeline: string;
    readonly stage: string;
    readonly action: string;
  }): Promise<{ readonly cluster: string; readonly service: string } | undefined>;
  /** An ECS service's events, newest first (`ecs.describeServices`); undefined when the service does not exist. */
  serviceEvents?(ref: { readonly place?: Place; readonly cluster: string; readonly service: string }): Promise<readonly ServiceEventReport[] | undefined>;
  /**
   * The stack set a pipeline's `CloudFormationStackSet` or `CloudFormationStackInstances` action
   * deploys: its `StackSetName` configuration (`codepipeline.getPipeline`).
   */
  actionStackSet?(ref: { readonly place?: Place; readonly pipeline: string; readonly stage: string; readonly action: string }): Promise<string | undefined>;
  /**
   * A stack set's newest operation (created since `since`, when given) and its failed results
   * (`ListStackSetOperations`, `ListStackSetOperationResults`: a page each); undefined when there is none.
   */
  stackSetOperation?(ref: { readonly place?: Place; readonly stackSetName: string; readonly since?: string }): Promise<StackSetOperationReport | undefined>;
}

export interface StoredCard {
  readonly card: RunCard;
  /** Optimistic-lock version; a card that does not exist yet has version 0. */
  readonly version: number;
}

/**
 * `build` and `deployment`: a build or deployment id → the pipeline run that ran it.
 * `deployment-group`: `<account>/<region>/<application>/<group>` → the pipeline run whose CodeDeploy
 * action is deploying there now, so the deployment joins the card before the action completes.
 */
export type LinkKind = 'build' | 'deployment' | 'deployment-group';

/** Where a CodeDeploy pipeline action deploys to. */
export interface DeployTarget {
  readonly application: string;
  readonly deploymentGroup: string;
}

export interface PipelinesPort {
  /**
   * The CodeDeploy application and deployment group of a pipeline action (`codepipeline.getPipeline`,
   * cached per pipeline version); undefined when the action has none or the pipeline is gone.
   */
  deployTarget(ref: {
    /** The pipeline's account and region (organization mode reads it there). */
    readonly place?: Place;
    readonly pipeline: string;
    readonly stage: string;
    readonly action: string;
    readonly version?: number;
  }): Promise<DeployTarget | undefined>;
  /**
   * The configuration of one action of a pipeline (`codepipeline.getPipeline`, cached like
   * `deployTarget`): a CodeCommit source's `RepositoryName`; undefined when the pipeline is gone.
   */
  actionConfiguration?(ref: {
    readonly place?: Place;
    readonly pipeline: string;
    readonly stage: string;
    readonly action: string;
    readonly version?: number;
  }): Promise<Readonly<Record<string, string>> | undefined>;
}

/** A CodeCommit commit as a card shows it (GetCommit). */
export interface CommitInfo {
  readonly message?: string;
  readonly author?: { readonly name?: string; readonly email?: string; readonly date?: string };
}

export interface CommitsPort {
  /**
   * A commit's message and author (`codecommit.getCommit`, in the repository's account and region),
   * cached per repository and commit by the adapter; undefined when it is not there or may not be read.
   */
  commit(ref: { readonly place: Place; readonly repository: string; readonly commitId: string }): Promise<CommitInfo | undefined>;
  /**
   * A pull request comment's text (`codecommit.getComment`, in its account and region); undefined
   * when it was deleted; a failed read rejects (the reply then says only who commented). Optional:
   * without it, every comment's reply says only who commented.
   */
  comment?(ref: { readonly place: Place; readonly commentId: string }): Promise<string | undefined>;
}

export interface TagsPort {
  /**
   * A pipeline's resource tags (`codepipeline.listTagsForResource`, in its account and region); {}
   * when it has none or is gone. Cached by the adapter for a while (README, "Organization").
   */
  pipelineTags(ref: { readonly place: Place; readonly pipeline: string }): Promise<Readonly<Record<string, string>>>;
}

export interface CardStorePort {
  get(runKey: string): Promise<StoredCard | undefined>;
  /** The cards stored under `runKeys` (a batch's runs), read together: one request where the store can. */
  getMany(runKeys: readonly string[]): Promise<ReadonlyMap<string, StoredCard>>;
  /**
   * Writes `card` as version `expectedVersion + 1`, only if the stored version is still
   * `expectedVersion` (0: only if absent). Throws `CardConflictError` otherwise.
   */
  put(card: RunCard, expectedVersion: number): Promise<void>;
  /** The pipeline run a build or deployment belongs to, if a pipeline action named it. */
  getLink(kind: LinkKind, externalId: string): Promise<string | undefined>;
  /** Records (idempotently) that a build or deployment belongs to a pipeline run. */
  putLink(kind: LinkKind, externalId: string, runKey: string): Promise<void>;
}

export interface DeadLetter {
  /** The record body exactly as received, so a redrive replays it unchanged. */
  readonly body: string;
  readonly errorName: string;
  readonly problems: readonly string[];
}

export interface DeadLetterPort {
  /** `sqs.sendMessage` to the dead-letter queue. */
  send(letter: DeadLetter): Promise<void>;
}

export interface ExecutionsPort {
  /** `sfn.startExecution`; `duplicate` when an execution of that name already exists (running or not). */
  start(execution: { readonly stateMachineArn: string; readonly name: string; readonly input: unknown }): Promise<'started' | 'duplicate'>;
  /** `sfn.stopExecution`; `not-running` when it already ended or never existed. */
  stop(execution: { readonly executionArn: string; readonly cause: string }): Promise<'stopped' | 'not-running'>;
}

export interface SlackDirectoryPort {
  /** The groups among `groups` that the user belongs to. */
  groupsOf(userId: string, groups: readonly string[]): Promise<string[]>;
  /** The Slack user with this email, or undefined (no such user, or the app may not look up emails). */
  userIdByEmail(email: string): Promise<string | undefined>;
}

/** Delivery facts (functions/kernel/delivery/fact.ts), each kept about 400 days. */
export interface DeliveryFactsPort {
  /**
   * Stores each fact under its key (`factKey`), replacing what that key held: recording a fact again
   * changes nothing. `replaces`: what those keys held before (a fact whose time moved), so a store
   * that files facts by day can take the old one out.
   */
  record(facts: readonly DeliveryFact[], replaces?: readonly DeliveryFact[]): Promise<void>;
  /** Every fact whose `at` lies in [from, to). */
  between(range: { readonly from: Date; readonly to: Date }): Promise<DeliveryFact[]>;
}

/** A file posted to a Slack channel (the weekly digest's chart) with Slack's upload flow: files.getUploadURLExternal, the upload, files.completeUploadExternal. */
export interface SlackFilesPort {
  upload(file: {
    readonly channel: string;
    /** Share it as a reply in this message's thread. */
    readonly threadTs?: string;
    readonly filename: string;
    readonly title: string;
    readonly bytes: Uint8Array;
    /** The message posted with the file (`initial_comment`). */
    readonly comment?: string;
  }): Promise<{ readonly fileId: string }>;
}

/** A chart rendered by CloudWatch (`GetMetricWidgetImage`): the widget's JSON definition in, PNG bytes out. */
export interface MetricChartsPort {
  png(widget: Readonly<Record<string, unknown>>): Promise<Uint8Array>;
}

/** One metric datum: a count or a duration, with low-cardinality dimensions only (a route, a team, an account; never an execution id). */
export interface MetricDatum {
  readonly name: string;
  readonly unit: 'Count' | 'Seconds' | 'Milliseconds';
  readonly value: number;
  readonly dimensions?: Readonly<Record<string, string>>;
}

/** Metrics in CloudWatch's embedded metric format, flushed by the handler at the end of an invocation. */
export interface MetricsPort {
  add(datum: MetricDatum): void;
}

/** A pipeline's failure streak (functions/kernel/delivery/streak.ts), by pipeline key (`account/region/pipeline`). */
export interface StreakStorePort {
  get(pipelineKey: string): Promise<{ readonly streak: Streak; readonly version: number } | undefined>;
  /** Conditional on `expectedVersion` (0: not stored yet); throws `CardConflictError` when another writer was first. */
  put(pipelineKey: string, streak: Streak, expectedVersion: number): Promise<void>;
}

/** A claim that something is done once (the weekly digest of one route and week), however often it is asked. */
export interface OncePort {
  /** True for the first claim of `key`; false when it was claimed before. Kept until `until`. */
  claim(key: string, until: Date): Promise<boolean>;
  /** Gives a claim back (what it guarded failed), so the next attempt may claim it again. */
  release(key: string): Promise<void>;
}
