/**
 * A CloudWatch Alarm State Change event as the rollback flow reads it, and the guarded targets an
 * alarm names. The configuration block (metrics, composite rule) only matters to the explanation,
 * so it is read leniently: an alarm shape we do not know still rolls back, with less to say.
 */
import type { Config } from '../../kernel/config/schema';
import { AlarmConfiguration, describeMetrics } from '../../kernel/events/alarm-config';
import type { GlobCompiler } from '../../kernel/glob';
import { formatIssue } from '../../kernel/issues';
import * as z from '../../kernel/zod';
import type { AlarmInfo, Target } from './types';

const AlarmEvent = z.object({
  account: z.string(),
  region: z.string().check(z.minLength(1)),
  detail: z.object({
    alarmName: z.string().check(z.minLength(1)),
    state: z.object({ value: z.string(), reason: z.optional(z.string()), timestamp: z.string() }),
    configuration: z.optional(AlarmConfiguration),
  }),
});

/** The alarm of an event, or the problems that make it unreadable. `state` is the state it went to. */
export function alarmOf(event: unknown): { ok: true; alarm: AlarmInfo; state: string } | { ok: false; problems: string[] } {
  const parsed = AlarmEvent.safeParse(event);
  if (!parsed.success) return { ok: false, problems: parsed.error.issues.flatMap(formatIssue) };
  const { account, region, detail } = parsed.data;
  const at = Date.parse(detail.state.timestamp);
  if (Number.isNaN(at)) return { ok: false, problems: [`detail.state.timestamp: not a time: ${detail.state.timestamp}`] };
  const config = detail.configuration;
  const metric = describeMetrics(config?.metrics ?? []);
  const alarm: AlarmInfo = {
    name: detail.alarmName,
    account,
    region,
    time: new Date(at).toISOString(),
    ...(detail.state.reason ? { reason: detail.state.reason } : {}),
    ...(metric ? { metric } : {}),
    ...(config?.alarmRule ? { rule: config.alarmRule } : {}),
    ...(config?.description ? { description: config.description } : {}),
  };
  return { ok: true, alarm, state: detail.state.value };
}

/** One guarded target an alarm asks to roll back, with the guard that asks. */
export interface GuardedTarget {
  readonly guard: string;
  readonly target: Target;
}

/**
 * Every target of every guard whose alarm globs match the alarm's name.
 *
 * @example guardedTargets(config, 'web-frontend-5xx', picomatchGlobs()) // [{ guard: 'web-frontend', target: { kind: 'codedeploy', … } }, …]
 */
export function guardedTargets(config: Pick<Config, 'rollback'>, alarmName: string, glob: GlobCompiler): GuardedTarget[] {
  return (config.rollback?.guards ?? []).flatMap((guard) => {
    if (!guard.alarms.some((pattern) => glob(pattern)(alarmName))) return [];
    const targets: Target[] = [
      ...(guard.codedeploy
        ? [{ kind: 'codedeploy' as const, application: guard.codedeploy.application, deploymentGroup: guard.codedeploy.deploymentGroup }]
        : []),
      ...(guard.pipeline ? [{ kind: 'pipeline' as const, pipeline: guard.pipeline.name, stage: guard.pipeline.stage }] : []),
    ];
    return targets.map((target) => ({ guard: guard.name, target }));
  });
}
