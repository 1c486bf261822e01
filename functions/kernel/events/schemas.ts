/**
 * zod schemas for the EventBridge events pipeline-warden consumes.
 *
 * Tolerant by design: `z.object` drops fields AWS adds later instead of failing, states are kept
 * as strings (an unknown state is shown as it is, never rejected), and only the fields the product
 * needs are required. A missing required field is a {@link EventRejectedError} upstream.
 */
import * as z from '../zod';
import { AlarmConfiguration } from './alarm-config';

/** The detail-types we subscribe to, one EventBridge rule family each. */
export const DetailType = {
  pipelineExecution: 'CodePipeline Pipeline Execution State Change',
  stageExecution: 'CodePipeline Stage Execution State Change',
  actionExecution: 'CodePipeline Action Execution State Change',
  buildState: 'CodeBuild Build State Change',
  buildPhase: 'CodeBuild Build Phase Change',
  deploymentState: 'CodeDeploy Deployment State-change Notification',
  instanceState: 'CodeDeploy Instance State-change Notification',
  packageVersion: 'CodeArtifact Package Version State Change',
  alarmState: 'CloudWatch Alarm State Change',
  referenceState: 'CodeCommit Repository State Change',
  pullRequestState: 'CodeCommit Pull Request State Change',
  pullRequestComment: 'CodeCommit Comment on Pull Request',
} as const;
export type DetailTypeName = (typeof DetailType)[keyof typeof DetailType];

const text = z.string().check(z.minLength(1));
/** AWS writes `version` as 1, 4.0 or "1" depending on the service and its age. */
const looseVersion = z.optional(z.union([z.number(), z.string()]));

const envelope = {
  version: z.optional(z.string()),
  id: text,
  source: text,
  account: z.string(),
  time: z.iso.datetime({ offset: true }),
  region: text,
  resources: z._default(z.array(z.string()), []),
};

const executionResult = z.optional(
  z.object({
    'external-execution-id': z.optional(z.string()),
    'external-execution-url': z.optional(z.string()),
    'external-execution-summary': z.optional(z.string()),
    'error-code': z.optional(z.string()),
  }),
);

const pipelineDetail = z.object({
  pipeline: text,
  'execution-id': text,
  state: text,
  version: looseVersion,
  'execution-trigger': z.optional(z.object({ 'trigger-type': z.optional(z.string()), 'trigger-detail': z.optional(z.string()) })),
});

const stageDetail = z.extend(pipelineDetail, {
  // The AWS sample of this detail-type has no `stage` (see test/fixtures/aws-events/SOURCES.md).
  stage: z.optional(text),
});

const actionDetail = z.extend(pipelineDetail, {
  stage: text,
  action: text,
  type: z.object({
    owner: z.optional(z.string()),
    category: text,
    provider: text,
    version: z.optional(z.string()),
  }),
  'execution-result': executionResult,
});

const logs = z.optional(
  z.object({
    'group-name': z.optional(z.string()),
    'stream-name': z.optional(z.string()),
    'deep-link': z.optional(z.string()),
  }),
);

const phase = z.object({
  'phase-type': z.string(),
  'phase-status': z.optional(z.string()),
  'phase-context': z.optional(z.array(z.string())),
});

const buildInfo = z.optional(
  z.object({
    initiator: z.optional(z.string()),
    'build-number': z.optional(z.number()),
    'source-version': z.optional(z.string()),
    logs,
    phases: z.optional(z.array(phase)),
  }),
);

const buildStateDetail = z.object({
  'build-status': text,
  'project-name': text,
  'build-id': text,
  'current-phase': z.optional(z.string()),
  'current-phase-context': z.optional(z.string()),
  'additional-information': buildInfo,
});

const buildPhaseDetail = z.object({
  'completed-phase': text,
  'completed-phase-status': z.optional(z.string()),
  'completed-phase-context': z.optional(z.string()),
  'project-name': text,
  'build-id': text,
  'additional-information': buildInfo,
});

const deploymentDetail = z.object({
  deploymentId: text,
  state: text,
  application: text,
  deploymentGroup: text,
});

const instanceDetail = z.extend(deploymentDetail, {
  instanceId: z.optional(z.string()),
});

const packageDetail = z.object({
  domainName: text,
  domainOwner: z.string(),
  repositoryName: text,
  packageFormat: text,
  packageNamespace: z.nullish(z.string()),
  packageName: text,
  packageVersion: text,
  packageVersionState: text,
  operationType: text,
  packageVersionRevision: z.optional(z.string()),
});

const alarmState = z.object({
  value: text,
  reason: z.optional(z.string()),
  timestamp: z.string(),
});

const alarmDetail = z.object({
  alarmName: text,
  state: alarmState,
  previousState: z.optional(alarmState),
  // Lenient: what the alarm watches is only shown; a shape we do not know leaves it out.
  configuration: z.optional(z.catch(AlarmConfiguration, {})),
});

/**
 * A branch or tag created, updated or deleted (CodeCommit user guide, "Monitoring CodeCommit events").
 * `unreferencedMergeCommitCreated` shares the detail-type without naming a reference: the EventBridge
 * rule leaves it out, and here it is rejected (no `referenceName`).
 */
const referenceDetail = z.object({
  event: text,
  repositoryName: text,
  referenceType: text,
  referenceName: text,
  referenceFullName: z.optional(z.string()),
  commitId: z.optional(z.string()),
  oldCommitId: z.optional(z.string()),
  callerUserArn: z.optional(z.string()),
});

/** A pull request's state: `isMerged` and `pullRequestStatus` are strings ("True", "Closed"). */
const pullRequestDetail = z.object({
  event: text,
  pullRequestId: text,
  pullRequestStatus: text,
  repositoryNames: z.array(text).check(z.minLength(1)),
  isMerged: z.optional(z.string()),
  title: z.optional(z.string()),
  author: z.optional(z.string()),
  callerUserArn: z.optional(z.string()),
  sourceReference: z.optional(z.string()),
  destinationReference: z.optional(z.string()),
  sourceCommit: z.optional(z.string()),
  destinationCommit: z.optional(z.string()),
  revisionId: z.optional(z.string()),
  /** Only on `pullRequestApprovalStateChanged`: APPROVE or REVOKE. */
  approvalStatus: z.optional(z.string()),
});

/**
 * A comment made (`commentOnPullRequestCreated`) or edited (`commentOnPullRequestUpdated`) on a pull
 * request. The event names the comment, not its text (read with GetComment) nor where it was made.
 */
const pullRequestCommentDetail = z.object({
  event: text,
  commentId: text,
  pullRequestId: text,
  repositoryName: text,
  callerUserArn: z.optional(z.string()),
  inReplyTo: z.optional(z.string()),
});

const event = <T extends string, D extends z.ZodMiniType>(detailType: T, detail: D) => z.object({ ...envelope, 'detail-type': z.literal(detailType), detail });

/** One schema per detail-type, discriminated on `detail-type`. */
export const AwsEventSchema = z.discriminatedUnion('detail-type', [
  event(DetailType.pipelineExecution, pipelineDetail),
  event(DetailType.stageExecution, stageDetail),
  event(DetailType.actionExecution, actionDetail),
  event(DetailType.buildState, buildStateDetail),
  event(DetailType.buildPhase, buildPhaseDetail),
  event(DetailType.deploymentState, deploymentDetail),
  event(DetailType.instanceState, instanceDetail),
  event(DetailType.packageVersion, packageDetail),
  event(DetailType.alarmState, alarmDetail),
  event(DetailType.referenceState, referenceDetail),
  event(DetailType.pullRequestState, pullRequestDetail),
  event(DetailType.pullRequestComment, pullRequestCommentDetail),
]);
export type AwsEvent = z.infer<typeof AwsEventSchema>;
