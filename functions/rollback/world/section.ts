/**
 * The world file's `rollback` section (README.md, "Rollback on alarms", "World file"): its schema,
 * and what the simulated CodeDeploy and CodePipeline share (WorldContext).
 */

import { DURATION_PATTERN } from '../../kernel/duration';
import { formatIssue } from '../../kernel/issues';
import * as z from '../../kernel/zod';
import type { RecordedCall } from '../../platform/recording';

const time = z.iso.datetime({ offset: true });

/** A deployment as `aws deploy get-deployment` prints it (the fields the flow reads). */
export const WorldDeployment = z.object({
  deploymentId: z.string().check(z.minLength(1)),
  status: z.enum(['Created', 'Queued', 'InProgress', 'Baking', 'Ready', 'Succeeded', 'Failed', 'Stopped']),
  createTime: time,
  /** A terminal status applies from this time on; before it the deployment is InProgress. */
  completeTime: z.optional(time),
  revision: z.optional(z.record(z.string(), z.unknown())),
  previousRevision: z.optional(z.record(z.string(), z.unknown())),
  creator: z.optional(z.string()),
  description: z.optional(z.string()),
  rollbackInfo: z.optional(
    z.object({ rollbackDeploymentId: z.optional(z.string()), rollbackTriggeringDeploymentId: z.optional(z.string()), rollbackMessage: z.optional(z.string()) }),
  ),
});
export type WorldDeployment = z.infer<typeof WorldDeployment>;

export const WorldGroup = z.strictObject({
  /** The group's own alarm configuration (enabled alarms) and whether it rolls back when one stops a deployment. */
  alarms: z._default(z.array(z.string()), []),
  autoRollbackOnAlarm: z._default(z.boolean(), false),
  deployments: z._default(z.array(WorldDeployment), []),
});

/** One execution of a pipeline, as it went through the guarded stage. */
export const WorldStageExecution = z.strictObject({
  pipelineExecutionId: z.string().check(z.minLength(1)),
  /** The stage's status; a terminal one applies from `endTime` on. */
  status: z.enum(['InProgress', 'Stopping', 'Succeeded', 'Failed', 'Stopped', 'Cancelled']),
  startTime: time,
  endTime: z.optional(time),
  executionType: z._default(z.enum(['STANDARD', 'ROLLBACK']), 'STANDARD'),
  rollbackTargetPipelineExecutionId: z.optional(z.string()),
  sourceRevision: z.optional(z.strictObject({ actionName: z._default(z.string(), 'Source'), revisionId: z.string(), revisionSummary: z.optional(z.string()) })),
});
export type WorldStageExecution = z.infer<typeof WorldStageExecution>;

export const WorldPipeline = z.strictObject({
  pipelineType: z._default(z.enum(['V1', 'V2']), 'V2'),
  /** Stage name → its executions (any order). A stage listed with [] exists but never ran. */
  stages: z._default(z.record(z.string(), z.array(WorldStageExecution)), {}),
});

export const RollbackWorldSection = z.strictObject({
  description: z.optional(z.string()),
  /** `<application>/<deployment group>` → the group. */
  deploymentGroups: z._default(z.record(z.string(), WorldGroup), {}),
  /** Pipeline name → its type and stage executions. */
  pipelines: z._default(z.record(z.string(), WorldPipeline), {}),
  /** How long a rollback (CodeDeploy's, a redeploy, a RollbackStage) runs in replay. */
  rollbackTakes: z._default(z.string().check(z.regex(DURATION_PATTERN, 'must be a duration such as 5m')), '5m'),
  rollbackResult: z._default(z.enum(['Succeeded', 'Failed']), 'Succeeded'),
});
export type RollbackWorldSection = z.infer<typeof RollbackWorldSection>;

/** What both simulated services share: the section, the clock, where calls go, how long rollbacks take. */
export interface WorldContext {
  readonly section: RollbackWorldSection;
  readonly now: () => Date;
  readonly calls: RecordedCall[];
  readonly takesMs: number;
  /** `d-WARDEN1`, `e0000000-…-000000000001`: ids that read the same in every replay. */
  readonly nextId: () => number;
}

/** The world's `rollback` section (absent: an empty account), or the problems with their paths. */
export function parseRollbackWorld(world: Readonly<Record<string, unknown>>): { ok: true; section: RollbackWorldSection } | { ok: false; problems: string[] } {
  const parsed = RollbackWorldSection.safeParse(world['rollback'] ?? {});
  if (!parsed.success) return { ok: false, problems: parsed.error.issues.flatMap((i) => formatIssue(i).map((p) => `rollback.${p}`)) };
  return { ok: true, section: parsed.data };
}
