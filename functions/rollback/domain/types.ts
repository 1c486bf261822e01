/**
 * What the rollback flow knows and decides, as zod schemas: every value here travels between the
 * state machine's steps as JSON, so each step parses what it receives.
 */
import * as z from '../../kernel/zod';

const text = z.string().check(z.minLength(1));
const time = z.iso.datetime({ offset: true });

/** The alarm that went to ALARM, as the explanation tells it. */
export const AlarmInfo = z.object({
  name: text,
  account: z.string(),
  region: text,
  /** When the alarm went to ALARM (`detail.state.timestamp`), ISO. */
  time,
  reason: z.optional(z.string()),
  /** The metric it watches, as a person reads it (`AWS/EC2 CPUUtilization (InstanceId=i-1) Average/300s`). */
  metric: z.optional(z.string()),
  /** A composite alarm's rule (`ALARM("a") OR ALARM("b")`). */
  rule: z.optional(z.string()),
  description: z.optional(z.string()),
});
export type AlarmInfo = z.infer<typeof AlarmInfo>;

export const Target = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('codedeploy'), application: text, deploymentGroup: text }),
  z.object({ kind: z.literal('pipeline'), pipeline: text, stage: text }),
]);
export type Target = z.infer<typeof Target>;
export type DeployTarget = Extract<Target, { kind: 'codedeploy' }>;
export type StageTarget = Extract<Target, { kind: 'pipeline' }>;

/** One key per guarded thing: the cooldown and the execution name are per target. */
export const targetKey = (t: Target): string =>
  t.kind === 'codedeploy' ? `codedeploy/${t.application}/${t.deploymentGroup}` : `pipeline/${t.pipeline}/${t.stage}`;

/** `web-frontend/web-frontend-prod`, `web-frontend › Deploy`. */
export const targetLabel = (t: Target): string => (t.kind === 'codedeploy' ? `${t.application}/${t.deploymentGroup}` : `${t.pipeline} › ${t.stage}`);

/** An application revision: the location CodeDeploy takes back as is, and a label for people. */
export const Revision = z.object({ label: z.string(), location: z.record(z.string(), z.unknown()) });
export type Revision = z.infer<typeof Revision>;

/** CodeDeploy's `codeDeployRollback` creator: a deployment CodeDeploy made to roll another back. */
export const CODEDEPLOY_ROLLBACK_CREATOR = 'codeDeployRollback';

export const DeploymentView = z.object({
  id: text,
  status: text,
  createTime: time,
  completeTime: z.optional(time),
  revision: z.optional(Revision),
  previousRevision: z.optional(Revision),
  creator: z.optional(z.string()),
  description: z.optional(z.string()),
  rollbackInfo: z.optional(
    z.object({ rollbackDeploymentId: z.optional(z.string()), rollbackTriggeringDeploymentId: z.optional(z.string()), message: z.optional(z.string()) }),
  ),
});
export type DeploymentView = z.infer<typeof DeploymentView>;

/** A deployment group as the decision needs it: its alarm setup and recent deployments, newest first. */
export interface GroupView {
  readonly exists: boolean;
  /** Alarms in the group's own (enabled) alarm configuration. */
  readonly alarms: readonly string[];
  /** Whether CodeDeploy itself rolls back a deployment it stops on an alarm. */
  readonly autoRollbackOnAlarm: boolean;
  readonly deployments: readonly DeploymentView[];
}

export const StageExecution = z.object({
  executionId: text,
  status: text,
  /** `STANDARD` or `ROLLBACK` (V2 pipelines). */
  type: z.optional(z.string()),
  startTime: z.optional(time),
  endTime: z.optional(time),
  /** A rollback execution's target. */
  rollbackTarget: z.optional(z.string()),
  /** Source revisions, for people (`abc1234 "Fix checkout"`). */
  revision: z.optional(z.string()),
});
export type StageExecution = z.infer<typeof StageExecution>;

/** A pipeline stage as the decision needs it. */
export interface StageView {
  /** `V1`, `V2`, or undefined when the pipeline does not exist. */
  readonly pipelineType?: string;
  readonly stageExists: boolean;
  /** The stage's latest execution (GetPipelineState), with its times (ListActionExecutions). */
  readonly latest?: StageExecution;
  /** Executions that succeeded in this stage in the current pipeline version, newest first. */
  readonly succeeded: readonly StageExecution[];
}

/** The last rollback of a target: the cooldown runs from `at`. */
export const Episode = z.object({ at: time, alarm: text, alarmTime: time, execution: text, action: text });
export type Episode = z.infer<typeof Episode>;

export interface RollbackWorld {
  readonly codedeploy?: GroupView;
  readonly pipeline?: StageView;
  /** The target's last rollback, if any. */
  readonly episode?: Episode;
}

const Ref = z.object({ deploymentId: text, revision: z.optional(Revision) });

/** Why nothing is done (or, in notify-only mode, what would have been). */
export const NotifyCode = z.enum([
  'notify-only',
  'cooldown',
  'outside-bake-window',
  'nothing-deployed',
  'no-earlier-revision',
  'no-earlier-success',
  'started-after-alarm',
  'last-run-failed',
  'v1-pipeline',
  'not-found',
]);
export type NotifyCode = z.infer<typeof NotifyCode>;

const ActionDecision = z.discriminatedUnion('kind', [
  /** Stop the running deployment with autoRollbackEnabled: CodeDeploy redeploys the previous revision. */
  z.object({ kind: z.literal('stop-deployment'), deploymentId: text, from: z.optional(Revision), to: z.optional(Revision), reason: z.string() }),
  /** A new deployment of the last good revision, as CodeDeploy does when it rolls back. */
  z.object({ kind: z.literal('redeploy'), from: Ref, to: z.object({ deploymentId: z.optional(z.string()), revision: Revision }), reason: z.string() }),
  /** RollbackStage to the last execution that succeeded in the stage; a running stage is stopped first. */
  z.object({ kind: z.literal('rollback-stage'), from: StageExecution, to: StageExecution, stopFirst: z.boolean(), reason: z.string() }),
]);
export type ActionDecision = z.infer<typeof ActionDecision>;

export const Decision = z.union([
  ActionDecision,
  /**
   * CodeDeploy's own alarm configuration rolls back (or already rolled back): watch and report only.
   * `awaiting: stop`: `deploymentId` is the deployment CodeDeploy is about to stop; `rollback`: its rollback deployment.
   */
  z.object({
    kind: z.literal('observe-deployment'),
    deploymentId: text,
    awaiting: z.enum(['rollback', 'stop']),
    triggeredBy: z.optional(z.string()),
    from: z.optional(Revision),
    to: z.optional(Revision),
    reason: z.string(),
  }),
  /** A rollback execution of the stage is already under way (or done): watch and report only. */
  z.object({ kind: z.literal('observe-stage'), execution: StageExecution, reason: z.string() }),
  z.object({ kind: z.literal('notify'), code: NotifyCode, reason: z.string(), wouldHave: z.optional(ActionDecision) }),
]);
export type Decision = z.infer<typeof Decision>;

export const isAction = (d: Decision): d is ActionDecision => d.kind === 'stop-deployment' || d.kind === 'redeploy' || d.kind === 'rollback-stage';
