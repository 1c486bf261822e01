/**
 * zod schemas for the EventBridge events pipeline-warden consumes.
 *
 * Tolerant by design: `z.object` drops fields AWS adds later instead of failing, states are kept
 * as strings (an unknown state is shown as it is, never rejected), and only the fields the product
 * needs are required. A missing required field is a {@link EventRejectedError} upstream.
 */
import { z } from 'zod';

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
} as const;
export type DetailTypeName = (typeof DetailType)[keyof typeof DetailType];

const text = z.string().min(1);
/** AWS writes `version` as 1, 4.0 or "1" depending on the service and its age. */
const looseVersion = z.union([z.number(), z.string()]).optional();

const envelope = {
  version: z.string().optional(),
  id: text,
  source: text,
  account: z.string(),
  time: z.iso.datetime({ offset: true }),
  region: text,
  resources: z.array(z.string()).default([]),
};

const executionResult = z
  .object({
    'external-execution-id': z.string().optional(),
    'external-execution-url': z.string().optional(),
    'external-execution-summary': z.string().optional(),
    'error-code': z.string().optional(),
  })
  .optional();

const pipelineDetail = z.object({
  pipeline: text,
  'execution-id': text,
  state: text,
  version: looseVersion,
  'execution-trigger': z
    .object({ 'trigger-type': z.string().optional(), 'trigger-detail': z.string().optional() })
    .optional(),
});

const stageDetail = pipelineDetail.extend({
  // The AWS sample of this detail-type has no `stage` (see shared/events/SOURCES.md).
  stage: text.optional(),
});

const actionDetail = pipelineDetail.extend({
  stage: text,
  action: text,
  type: z.object({
    owner: z.string().optional(),
    category: text,
    provider: text,
    version: z.string().optional(),
  }),
  'execution-result': executionResult,
});

const logs = z
  .object({
    'group-name': z.string().optional(),
    'stream-name': z.string().optional(),
    'deep-link': z.string().optional(),
  })
  .optional();

const phase = z.object({
  'phase-type': z.string(),
  'phase-status': z.string().optional(),
  'phase-context': z.array(z.string()).optional(),
});

const buildInfo = z
  .object({
    initiator: z.string().optional(),
    'build-number': z.number().optional(),
    'source-version': z.string().optional(),
    logs,
    phases: z.array(phase).optional(),
  })
  .optional();

const buildStateDetail = z.object({
  'build-status': text,
  'project-name': text,
  'build-id': text,
  'current-phase': z.string().optional(),
  'current-phase-context': z.string().optional(),
  'additional-information': buildInfo,
});

const buildPhaseDetail = z.object({
  'completed-phase': text,
  'completed-phase-status': z.string().optional(),
  'completed-phase-context': z.string().optional(),
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

const instanceDetail = deploymentDetail.extend({
  instanceId: z.string().optional(),
});

const packageDetail = z.object({
  domainName: text,
  domainOwner: z.string(),
  repositoryName: text,
  packageFormat: text,
  packageNamespace: z.string().nullish(),
  packageName: text,
  packageVersion: text,
  packageVersionState: text,
  operationType: text,
  packageVersionRevision: z.string().optional(),
});

const alarmState = z.object({
  value: text,
  reason: z.string().optional(),
  timestamp: z.string(),
});

const alarmDetail = z.object({
  alarmName: text,
  state: alarmState,
  previousState: alarmState.optional(),
});

const event = <T extends string, D extends z.ZodType>(detailType: T, detail: D) =>
  z.object({ ...envelope, 'detail-type': z.literal(detailType), detail });

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
]);
export type AwsEvent = z.infer<typeof AwsEventSchema>;
