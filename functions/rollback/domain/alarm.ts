/**
 * A CloudWatch Alarm State Change event as the rollback flow reads it, and the guarded targets an
 * alarm names. The configuration block (metrics, composite rule) only matters to the explanation,
 * so it is read leniently: an alarm shape we do not know still rolls back, with less to say.
 */
import type { Config } from '../../kernel/config/schema';
import type { GlobCompiler } from '../../kernel/glob';
import { formatIssue } from '../../kernel/issues';
import * as z from '../../kernel/zod';
import type { AlarmInfo, Target } from './types';

const Metric = z.object({
  namespace: z.optional(z.string()),
  name: z.optional(z.string()),
  dimensions: z.optional(z.record(z.string(), z.string())),
});
const MetricQuery = z.object({
  expression: z.optional(z.string()),
  label: z.optional(z.string()),
  returnData: z.optional(z.boolean()),
  metricStat: z.optional(z.object({ metric: z.optional(Metric), period: z.optional(z.number()), stat: z.optional(z.string()) })),
});

const AlarmEvent = z.object({
  account: z.string(),
  region: z.string().check(z.minLength(1)),
  detail: z.object({
    alarmName: z.string().check(z.minLength(1)),
    state: z.object({ value: z.string(), reason: z.optional(z.string()), timestamp: z.string() }),
    configuration: z.optional(z.object({ description: z.optional(z.string()), metrics: z.optional(z.array(MetricQuery)), alarmRule: z.optional(z.string()) })),
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

/** `AWS/EC2 CPUUtilization (InstanceId=i-1) Average/300s`; metric math shows its expression. */
function describeMetrics(queries: ReadonlyArray<z.infer<typeof MetricQuery>>): string | undefined {
  const shown = queries.filter((q) => q.returnData !== false);
  const parts = (shown.length ? shown : queries).map((q) => {
    if (q.expression) return `${q.label ? `${q.label}: ` : ''}${q.expression}`;
    const m = q.metricStat?.metric;
    if (!m?.name) return undefined;
    const dims = Object.entries(m.dimensions ?? {})
      .map(([k, v]) => `${k}=${v}`)
      .join(', ');
    const stat = [q.metricStat?.stat, q.metricStat?.period ? `${q.metricStat.period}s` : undefined].filter(Boolean).join('/');
    return `${m.namespace ? `${m.namespace} ` : ''}${m.name}${dims ? ` (${dims})` : ''}${stat ? ` ${stat}` : ''}`;
  });
  const text = parts.filter((p): p is string => p !== undefined).join('; ');
  return text || undefined;
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
