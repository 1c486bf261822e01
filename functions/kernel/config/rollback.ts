/**
 * `rollback:` in the config: which CloudWatch alarms guard which CodeDeploy deployment groups and
 * CodePipeline stages, how long after a deployment an alarm still means "roll it back" (the bake
 * window), whether to act or only tell, and how long a target rests after a rollback (cooldown).
 * Documented in README.md, "Rollback on alarms". Imported by the notify bundle: no picomatch, no SDK here.
 */
import { parseDuration } from '../duration';
import * as z from '../zod';
import { DURATION_LIMITS, durationProblem } from './duration-limits';
import { channelId, duration, glob, PIPELINE_NAME } from './fields';

// Names exactly as the APIs take them: IAM resources and RollbackStage need the real names, not globs.
const pipelineName = z.string().check(z.regex(PIPELINE_NAME, 'must be a pipeline or stage name (letters, digits, . @ - _), not a glob'));
const codeDeployName = z.string().check(z.regex(/^[A-Za-z0-9.\-_+=,@]{1,100}$/, 'must be a CodeDeploy application or deployment group name, not a glob'));

export const RollbackMode = z.enum(['rollback', 'notify-only']);
export type RollbackMode = z.infer<typeof RollbackMode>;

export const GuardSchema = z
  .strictObject({
    name: z.string().check(z.minLength(1)),
    /** Alarm names or globs (`web-frontend-*`); composite alarms are named like any other. */
    alarms: z.array(glob).check(z.minLength(1, 'at least one alarm name or glob')),
    codedeploy: z.optional(z.strictObject({ application: codeDeployName, deploymentGroup: codeDeployName })),
    pipeline: z.optional(z.strictObject({ name: pipelineName, stage: pipelineName })),
    /** Defaults to the section's. */
    bakeWindow: z.optional(duration),
    mode: z.optional(RollbackMode),
    cooldown: z.optional(duration),
    /** Where the explanation goes when the run has no card and no route names the target. */
    channel: z.optional(channelId),
  })
  .check(z.refine((g) => g.codedeploy !== undefined || g.pipeline !== undefined, { message: 'guards nothing: add codedeploy and/or pipeline' }));
export type Guard = z.infer<typeof GuardSchema>;

export const RollbackSchema = z.strictObject({
  /** How long after a successful deployment an alarm still rolls it back. */
  bakeWindow: z._default(duration, '1h'),
  mode: z._default(RollbackMode, 'rollback'),
  /** After a rollback, the same target is not rolled back again for this long (a flapping alarm). */
  cooldown: z._default(duration, '1h'),
  guards: z.array(GuardSchema).check(z.minLength(1, 'at least one guard')),
});
export type RollbackConfig = z.infer<typeof RollbackSchema>;
/** The part of the config these functions read (the whole Config fits). */
export type RollbackSection = { readonly rollback?: RollbackConfig | undefined };

/** A guard with the section's defaults applied, durations in milliseconds. */
export interface EffectiveGuard {
  readonly name: string;
  readonly alarms: readonly string[];
  readonly codedeploy?: { readonly application: string; readonly deploymentGroup: string };
  readonly pipeline?: { readonly name: string; readonly stage: string };
  readonly bakeWindowMs: number;
  readonly cooldownMs: number;
  readonly mode: RollbackMode;
  readonly channel?: string;
}

/** The guard named `name`, with defaults applied; undefined when the config has none of that name. */
export function effectiveGuard(config: RollbackSection, name: string): EffectiveGuard | undefined {
  const section = config.rollback;
  const guard = section?.guards.find((g) => g.name === name);
  if (!section || !guard) return undefined;
  return {
    name: guard.name,
    alarms: guard.alarms,
    ...(guard.codedeploy ? { codedeploy: guard.codedeploy } : {}),
    ...(guard.pipeline ? { pipeline: guard.pipeline } : {}),
    bakeWindowMs: parseDuration(guard.bakeWindow ?? section.bakeWindow) ?? 0,
    cooldownMs: parseDuration(guard.cooldown ?? section.cooldown) ?? 0,
    mode: guard.mode ?? section.mode,
    ...(guard.channel ? { channel: guard.channel } : {}),
  };
}

/**
 * The pipeline stages an alarm guards (for the governance rule "a production stage is guarded").
 *
 * @example guardedStages(config) // [{ pipeline: 'web-frontend', stage: 'Deploy' }]
 */
export function guardedStages(config: RollbackSection): Array<{ pipeline: string; stage: string }> {
  const stages = (config.rollback?.guards ?? []).flatMap((g) => (g.pipeline ? [{ pipeline: g.pipeline.name, stage: g.pipeline.stage }] : []));
  return uniqueBy(stages, (s) => `${s.pipeline}/${s.stage}`);
}

/** The CodeDeploy deployment groups an alarm guards (IAM resources of the rollback functions). */
export function guardedDeploymentGroups(config: RollbackSection): Array<{ application: string; deploymentGroup: string }> {
  const groups = (config.rollback?.guards ?? []).flatMap((g) => (g.codedeploy ? [g.codedeploy] : []));
  return uniqueBy(groups, (g) => `${g.application}/${g.deploymentGroup}`);
}

function uniqueBy<T>(items: readonly T[], key: (item: T) => string): T[] {
  const seen = new Map<string, T>();
  for (const item of items) if (!seen.has(key(item))) seen.set(key(item), item);
  return [...seen.values()];
}

/**
 * Problems a schema cannot see. A target guarded twice is refused: the two guards' bake windows,
 * modes and cooldowns would disagree about one rollback (list every alarm in one guard instead).
 */
export function rollbackProblems(config: RollbackSection): string[] {
  const section = config.rollback;
  if (!section) return [];
  const problems = writtenDurationProblems(section, 'rollback');
  const owners = new Map<string, number>();
  section.guards.forEach((guard, i) => {
    const at = `rollback.guards[${i}]`;
    if (section.guards.findIndex((g) => g.name === guard.name) !== i) problems.push(`${at}.name: "${guard.name}" is used by an earlier guard`);
    const targets = [
      ...(guard.codedeploy ? [[`codedeploy`, `CodeDeploy ${guard.codedeploy.application}/${guard.codedeploy.deploymentGroup}`] as const] : []),
      ...(guard.pipeline ? [[`pipeline`, `pipeline ${guard.pipeline.name}/${guard.pipeline.stage}`] as const] : []),
    ];
    for (const [key, target] of targets) {
      const first = owners.get(target);
      if (first === undefined) owners.set(target, i);
      else problems.push(`${at}.${key}: ${target} is already guarded by rollback.guards[${first}]: list all its alarms in one guard`);
    }
    problems.push(...writtenDurationProblems(guard, at));
  });
  return problems;
}

/** The bake window and cooldown where they are written: the section's defaults, or a guard's own. */
function writtenDurationProblems(durations: { bakeWindow?: string; cooldown?: string }, at: string): string[] {
  return [
    durations.bakeWindow === undefined ? undefined : durationProblem(`${at}.bakeWindow`, durations.bakeWindow, DURATION_LIMITS.bakeWindow),
    durations.cooldown === undefined ? undefined : durationProblem(`${at}.cooldown`, durations.cooldown, DURATION_LIMITS.cooldown),
  ].filter((problem): problem is string => problem !== undefined);
}
