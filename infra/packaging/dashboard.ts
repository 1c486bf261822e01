/**
 * The stack's CloudWatch dashboard (infra/insights.yml), generated here so that it is tested as data.
 *
 * Every metric widget is one or a few CloudWatch Metrics Insights queries (`SELECT … GROUP BY Team
 * ORDER BY … LIMIT 10`): CloudWatch finds the series when the dashboard is viewed, so there is no
 * widget, and no template change, per pipeline or team, and the dashboard reads the same at 10 and
 * at 1,000 pipelines. A query returns at most 500 series; the top 10 are what a person can read.
 *
 * The body is a `Fn::Sub` string: `${AWS::Region}`, the dead-letter queues' names and the alarms'
 * ARNs are known only to CloudFormation.
 */

/** The names notify's delivery facts are published under (Team: each route the pipeline takes, or `unrouted`). */
export const DELIVERY_METRICS = {
  counts: ['Deployments', 'FailedDeployments', 'Rollbacks', 'FailedRuns'],
  // Recovery time is not a metric: it pairs a failure with a later success, which the digest and
  // `warden metrics` compute from the delivery facts.
  durations: ['LeadTime', 'ApprovalWait'],
} as const;

/** The orchestrator's own health (functions/notify/handler.ts, platform/slack-metrics.ts, the action handlers). */
export const HEALTH_METRICS = {
  events: ['EventsProcessed', 'EventsRejected', 'EventsRetried'],
  slackLatency: 'SlackLatency',
  slackErrors: 'SlackErrors',
  actions: 'Actions',
} as const;

export interface DashboardOptions {
  /** Custom metrics namespace (functions/platform/metrics.ts). */
  readonly namespace: string;
  /** Logical ids of the stack's SQS dead-letter queues. */
  readonly deadLetterQueues: readonly string[];
  /**
   * The stack's alarms, shown in one alarm status widget, by their names' suffix (`function-errors`:
   * the alarm `<stack name>-function-errors`). By name, not `Fn::GetAtt`: the dashboard then does not
   * depend on the alarms (moto, for one, creates no alarm).
   */
  readonly alarms: readonly string[];
}

export interface Query {
  readonly expression: string;
  readonly label: string;
  readonly id: string;
}

type Widget = Readonly<Record<string, unknown>>;

const WIDTH = 12;
const HEIGHT = 6;

/** A metric widget of Metrics Insights queries; `metrics` is `[[{ expression, label, id }], …]`. */
function insights(title: string, queries: readonly Query[], extra: Readonly<Record<string, unknown>> = {}): Widget {
  return {
    type: 'metric',
    width: WIDTH,
    height: HEIGHT,
    properties: { title, region: '${AWS::Region}', view: 'timeSeries', period: 300, metrics: queries.map((q) => [q]), ...extra },
  };
}

const byTeam = (namespace: string, fn: 'SUM' | 'AVG', metric: string): string =>
  `SELECT ${fn}(${metric}) FROM SCHEMA(${namespace}, Account, Team) GROUP BY Team ORDER BY ${fn}() DESC LIMIT 10`;
const service = (namespace: string, fn: 'SUM' | 'AVG' | 'MAX', metric: string): string => `SELECT ${fn}(${metric}) FROM SCHEMA(${namespace}, service)`;

function deliveryWidgets(ns: string): Widget[] {
  const counts = DELIVERY_METRICS.counts.map((m) =>
    insights(`${m} by team (top 10)`, [{ expression: byTeam(ns, 'SUM', m), label: m, id: `q${m.toLowerCase()}` }]),
  );
  const durations = DELIVERY_METRICS.durations.map((m) =>
    insights(`${m} by team, average seconds (top 10)`, [{ expression: byTeam(ns, 'AVG', m), label: m, id: `q${m.toLowerCase()}` }], { period: 3600 }),
  );
  const accounts = insights('Deployments by account (top 10)', [
    {
      expression: `SELECT SUM(Deployments) FROM SCHEMA(${ns}, Account, Team) GROUP BY Account ORDER BY SUM() DESC LIMIT 10`,
      label: 'Deployments',
      id: 'qaccounts',
    },
  ]);
  return [...counts, ...durations, accounts];
}

function healthWidgets(ns: string, deadLetterQueues: readonly string[]): Widget[] {
  return [
    insights(
      'Events: processed, rejected (dead-lettered), retried',
      HEALTH_METRICS.events.map((m) => ({ expression: service(ns, 'SUM', m), label: m, id: `q${m.toLowerCase()}` })),
    ),
    insights('Slack: call latency (ms) and errors', [
      { expression: service(ns, 'AVG', HEALTH_METRICS.slackLatency), label: 'average latency', id: 'qslackavg' },
      { expression: service(ns, 'MAX', HEALTH_METRICS.slackLatency), label: 'max latency', id: 'qslackmax' },
      { expression: service(ns, 'SUM', HEALTH_METRICS.slackErrors), label: 'errors', id: 'qslackerrors' },
    ]),
    insights('Actions taken', [
      {
        expression: `SELECT SUM(${HEALTH_METRICS.actions}) FROM SCHEMA(${ns}, action) GROUP BY action ORDER BY SUM() DESC LIMIT 10`,
        label: 'actions',
        id: 'qactions',
      },
    ]),
    insights(
      'Dead-letter queues: messages visible',
      deadLetterQueues.map((queue, i) => ({
        expression: `SELECT MAX(ApproximateNumberOfMessagesVisible) FROM SCHEMA("AWS/SQS", QueueName) WHERE QueueName = '\${${queue}.QueueName}'`,
        label: queue,
        id: `qdlq${i}`,
      })),
    ),
  ];
}

/** Places widgets two per row, each section under a one-line title. */
function layout(sections: ReadonlyArray<readonly [string, readonly Widget[]]>): Widget[] {
  const placed: Widget[] = [];
  let y = 0;
  for (const [title, widgets] of sections) {
    placed.push({ type: 'text', x: 0, y, width: 24, height: 1, properties: { markdown: `## ${title}` } });
    y += 1;
    widgets.forEach((widget, i) => {
      const width = Number(widget['width'] ?? WIDTH);
      placed.push({ ...widget, x: (i % 2) * WIDTH, y: y + Math.floor(i / 2) * HEIGHT, width });
    });
    y += Math.ceil(widgets.length / 2) * HEIGHT;
  }
  return placed;
}

/**
 * The dashboard body as an object, with `${…}` placeholders for `Fn::Sub`.
 *
 * @example dashboardOf({ namespace: 'PipelineWarden', deadLetterQueues: ['EventsDeadLetterQueue'], alarms: [] }).widgets.length // 13
 */
export function dashboardOf(options: DashboardOptions): { start: string; periodOverride: string; widgets: Widget[] } {
  const alarms: Widget = {
    type: 'alarm',
    width: 24,
    height: 2,
    properties: {
      title: 'Alarms',
      alarms: options.alarms.map((suffix) => `arn:\${AWS::Partition}:cloudwatch:\${AWS::Region}:\${AWS::AccountId}:alarm:\${AWS::StackName}-${suffix}`),
    },
  };
  return {
    start: '-P7D',
    periodOverride: 'auto',
    widgets: layout([
      ['Delivery (DORA): by team, from notify', deliveryWidgets(options.namespace)],
      ['Orchestrator health', healthWidgets(options.namespace, options.deadLetterQueues)],
      ...(options.alarms.length ? ([['Alarms', [alarms]]] as const) : []),
    ]),
  };
}

/**
 * The `DashboardBody` for CloudFormation: the JSON string under `Fn::Sub`.
 *
 * @example dashboardBodyOf(options) // { 'Fn::Sub': '{"start":"-P7D",…}' }
 */
export function dashboardBodyOf(options: DashboardOptions): { 'Fn::Sub': string } {
  return { 'Fn::Sub': JSON.stringify(dashboardOf(options)) };
}

/** What infra/insights.yml reads: this stack's namespace, its one dead-letter queue and its alarms. */
export const dashboardBody = dashboardBodyOf({
  namespace: 'PipelineWarden',
  deadLetterQueues: ['EventsDeadLetterQueue'],
  alarms: ['events-dlq-not-empty', 'function-errors', 'slack-errors'],
});
