/**
 * What a CloudWatch alarm watches, as a person reads it, from the `configuration` block of an
 * "CloudWatch Alarm State Change" event (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch-and-eventbridge.html):
 * a metric alarm's metrics (or metric math), or a composite alarm's rule. Read leniently: a shape
 * we do not know only leaves this out.
 */
import * as z from '../zod';

const Metric = z.object({
  namespace: z.optional(z.string()),
  name: z.optional(z.string()),
  dimensions: z.optional(z.record(z.string(), z.string())),
});

export const MetricQuery = z.object({
  expression: z.optional(z.string()),
  label: z.optional(z.string()),
  returnData: z.optional(z.boolean()),
  metricStat: z.optional(z.object({ metric: z.optional(Metric), period: z.optional(z.number()), stat: z.optional(z.string()) })),
});

export const AlarmConfiguration = z.object({
  description: z.optional(z.string()),
  metrics: z.optional(z.array(MetricQuery)),
  /** A composite alarm's rule: `ALARM("a") OR ALARM("b")`. */
  alarmRule: z.optional(z.string()),
});

/** `AWS/EC2 CPUUtilization (InstanceId=i-1) Average/300s`; metric math shows its expression. */
export function describeMetrics(queries: ReadonlyArray<z.infer<typeof MetricQuery>>): string | undefined {
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
