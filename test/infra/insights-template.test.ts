/**
 * The packaged stack's dashboard and alarms (infra/insights.yml, infra/packaging/dashboard.ts): the
 * dashboard body is JSON once CloudFormation substitutes it, every metric widget is a Metrics
 * Insights query (no widget per pipeline), and every alarm of the stack notifies NotificationsTopic,
 * both ways. cfn-lint checks the same template (scripts/cfn-lint.sh).
 */
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { METRICS_NAMESPACE } from '../../functions/platform/metrics';
import { type Json, ofType, type Packaged, serverlessPackage, type Template } from '../support/package';

let packaged: Packaged;
let t: Template;
beforeAll(async () => {
  packaged = await serverlessPackage([]);
  t = packaged.template;
}, 300_000);
afterAll(() => {
  if (packaged) rmSync(packaged.dir, { recursive: true, force: true });
});

/** What CloudFormation's Fn::Sub gives, with placeholder values: the body must parse then. */
const substituted = (sub: string) => sub.replace(/\$\{([^}]+)\}/g, (_, name: string) => `sub-${name}`);
const body = () => {
  const dashboard = ofType(t, 'AWS::CloudWatch::Dashboard');
  expect(dashboard).toHaveLength(1);
  return JSON.parse(substituted(dashboard[0]![1]['DashboardBody']['Fn::Sub'])) as { widgets: Json[] };
};
const alarms = () => ofType(t, 'AWS::CloudWatch::Alarm');
const topic = { Ref: 'NotificationsTopic' };

describe('the dashboard', () => {
  it('exists, named after the stack, with a body that parses as JSON once substituted', () => {
    const [[, dashboard]] = ofType(t, 'AWS::CloudWatch::Dashboard') as [[string, Json]];
    expect(dashboard['DashboardName']).toBe('pipeline-warden-ci');
    expect(body().widgets.length).toBeGreaterThan(10);
  });

  it('draws every metric widget from Metrics Insights SELECT queries: no widget per pipeline', () => {
    const metricWidgets = body().widgets.filter((w) => w['type'] === 'metric');
    expect(metricWidgets.length).toBeGreaterThanOrEqual(11);
    for (const widget of metricWidgets) {
      const metrics = widget['properties']['metrics'] as Json[][];
      expect(metrics.length, widget['properties']['title']).toBeGreaterThan(0);
      for (const [query, ...rest] of metrics) {
        expect(rest).toEqual([]);
        expect(query!['expression']).toMatch(/^SELECT (SUM|AVG|MAX|MIN|COUNT)\(\w+\) FROM SCHEMA\(/);
        expect(query!['expression']).not.toMatch(/PipelineName|ExecutionId/);
      }
      expect(widget['properties']['region']).toBe('sub-AWS::Region');
    }
  });

  it('shows the delivery metrics by team, the health metrics, and the dead-letter queue', () => {
    const expressions = body()
      .widgets.flatMap((w) => (w['properties']['metrics'] ?? []) as Json[][])
      .map(([q]) => q!['expression'] as string);
    for (const name of ['Deployments', 'FailedDeployments', 'Rollbacks', 'FailedRuns'])
      expect(expressions).toContain(`SELECT SUM(${name}) FROM SCHEMA(${METRICS_NAMESPACE}, Account, Team) GROUP BY Team ORDER BY SUM() DESC LIMIT 10`);
    for (const name of ['LeadTime', 'ApprovalWait'])
      expect(expressions).toContain(`SELECT AVG(${name}) FROM SCHEMA(${METRICS_NAMESPACE}, Account, Team) GROUP BY Team ORDER BY AVG() DESC LIMIT 10`);
    for (const name of ['EventsProcessed', 'EventsRejected', 'EventsRetried', 'SlackErrors'])
      expect(expressions).toContain(`SELECT SUM(${name}) FROM SCHEMA(${METRICS_NAMESPACE}, service)`);
    expect(expressions).toContain(`SELECT SUM(Actions) FROM SCHEMA(${METRICS_NAMESPACE}, action) GROUP BY action ORDER BY SUM() DESC LIMIT 10`);
    expect(expressions).toContain(
      `SELECT MAX(ApproximateNumberOfMessagesVisible) FROM SCHEMA("AWS/SQS", QueueName) WHERE QueueName = 'sub-EventsDeadLetterQueue.QueueName'`,
    );
  });

  it('lists the stack alarms by their ARNs, each the ARN of an alarm of the stack', () => {
    const widget = body().widgets.find((w) => w['type'] === 'alarm')!;
    // Substituted as `sub-AWS::StackName`; each alarm is named `!Sub ${AWS::StackName}-<suffix>`.
    const names = (widget['properties']['alarms'] as string[]).map((arn) => arn.slice(arn.lastIndexOf(':alarm:') + ':alarm:'.length));
    const alarmNames = alarms().map(([, a]) => (a['AlarmName'] as { 'Fn::Sub': string })['Fn::Sub'].replace('${AWS::StackName}', 'sub-AWS::StackName'));
    expect(names.sort()).toEqual(alarmNames.sort());
  });
});

describe('the alarms', () => {
  it('notify NotificationsTopic on ALARM and on OK, and treat missing data as not breaching', () => {
    expect(
      alarms()
        .map(([id]) => id)
        .sort(),
    ).toEqual(['EventsDeadLetterQueueAlarm', 'FunctionErrorsAlarm', 'SlackErrorsAlarm']);
    for (const [id, alarm] of alarms()) {
      expect(alarm['AlarmActions'], id).toEqual([topic]);
      expect(alarm['OKActions'], id).toEqual([topic]);
      expect(alarm['TreatMissingData'], id).toBe('notBreaching');
    }
  });

  it('watch every dead-letter queue of the stack for a visible message', () => {
    const queues = ofType(t, 'AWS::SQS::Queue').filter(([id]) => /DeadLetter/.test(id));
    expect(queues.length).toBeGreaterThan(0);
    for (const [id] of queues) {
      const watching = alarms().filter(([, a]) => a['MetricName'] === 'ApproximateNumberOfMessagesVisible' && a['Dimensions'][0].Value['Fn::GetAtt'][0] === id);
      expect(watching, id).toHaveLength(1);
      expect(watching[0]![1]).toMatchObject({ Threshold: 0, ComparisonOperator: 'GreaterThanThreshold' });
    }
  });

  it('watch the errors of every function of the stack in one metric math alarm', () => {
    const alarm = t.Resources['FunctionErrorsAlarm']!.Properties;
    const queries = alarm['Metrics'] as Json[];
    expect(queries.filter((q) => q['ReturnData'])).toEqual([{ Id: 'errors', Label: 'Errors, all functions', Expression: 'SUM(METRICS())', ReturnData: true }]);
    const watched = queries.filter((q) => q['MetricStat']).map((q) => q['MetricStat']['Metric']['Dimensions'][0].Value.Ref);
    const functions = ofType(t, 'AWS::Lambda::Function').map(([id]) => id);
    expect(watched.sort()).toEqual(functions.sort());
    expect(watched.length).toBeLessThanOrEqual(10); // a metric math alarm's limit
    for (const q of queries.filter((q) => q['MetricStat']))
      expect(q['MetricStat']).toMatchObject({ Metric: { Namespace: 'AWS/Lambda', MetricName: 'Errors' }, Period: 300, Stat: 'Sum' });
  });

  it('page on Slack failing: SlackErrors above 5 over 15 minutes', () => {
    expect(t.Resources['SlackErrorsAlarm']!.Properties).toMatchObject({
      Namespace: METRICS_NAMESPACE,
      MetricName: 'SlackErrors',
      Dimensions: [{ Name: 'service', Value: 'pipeline-warden' }],
      Statistic: 'Sum',
      Period: 900,
      EvaluationPeriods: 1,
      Threshold: 5,
      ComparisonOperator: 'GreaterThanThreshold',
    });
  });
});
