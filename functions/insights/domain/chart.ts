/**
 * The digest's chart as CloudWatch draws it (`GetMetricWidgetImage`): a route's production
 * deployments and failed deployments per day over four weeks, from the metrics notify emits
 * (namespace `PipelineWarden`, dimensions `Account` and `Team`). A `SEARCH` expression sums every
 * account's series, so the chart needs no list of accounts or pipelines.
 * Widget syntax: https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/CloudWatch-Metric-Widget-Structure.html
 */

const DAY_SECONDS = 86_400;

/**
 * A value inside a SEARCH expression's double-quoted term: `"` and `\` escaped, and `'` dropped (the
 * whole search string is single-quoted, and a route name holding one would end it).
 */
const quoted = (value: string) => `"${value.replace(/'/g, '').replace(/["\\]/g, '\\$&')}"`;

/** @example trendWidget({ team: 'payments', region: 'eu-west-1', title: 'payments', end: new Date() }).metrics.length // 2 */
export function trendWidget(input: { team: string; region: string; title: string; end: Date }): {
  readonly metrics: readonly unknown[];
  readonly [key: string]: unknown;
} {
  const search = (metric: string) => `SEARCH('{PipelineWarden,Account,Team} MetricName=${quoted(metric)} Team=${quoted(input.team)}', 'Sum', ${DAY_SECONDS})`;
  return {
    title: input.title,
    view: 'bar',
    stacked: false,
    region: input.region,
    start: new Date(input.end.getTime() - 28 * DAY_SECONDS * 1000).toISOString(),
    end: input.end.toISOString(),
    period: DAY_SECONDS,
    width: 800,
    height: 300,
    metrics: [
      [{ expression: `SUM(${search('Deployments')})`, label: 'deployments', id: 'deployments', color: '#2ca02c' }],
      [{ expression: `SUM(${search('FailedDeployments')})`, label: 'failed deployments', id: 'failed', color: '#d62728' }],
    ],
    yAxis: { left: { min: 0, showUnits: false } },
    legend: { position: 'bottom' },
  };
}
