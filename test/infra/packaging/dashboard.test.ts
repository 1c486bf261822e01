/** The dashboard generator (infra/packaging/dashboard.ts), as data: layout, queries, substitutions. */
import { describe, expect, it } from 'vitest';
import { METRICS_NAMESPACE } from '../../../functions/platform/metrics';
import { dashboardBody, dashboardBodyOf, dashboardOf } from '../../../infra/packaging/dashboard';

const options = { namespace: 'PipelineWarden', deadLetterQueues: ['EventsDeadLetterQueue', 'OtherDlq'], alarms: ['a1', 'a2'] };
type Widget = { type: string; x: number; y: number; width: number; height: number; properties: Record<string, any> };

describe('dashboardOf', () => {
  const widgets = dashboardOf(options).widgets as Widget[];

  it('uses the namespace the functions publish under', () => {
    expect(JSON.stringify(dashboardBody)).toContain(`SCHEMA(${METRICS_NAMESPACE}, Account, Team)`);
  });

  it('places every widget on the 24-column grid without overlap', () => {
    const cells = new Set<string>();
    for (const w of widgets) {
      expect(w.x + w.width).toBeLessThanOrEqual(24);
      for (let x = w.x; x < w.x + w.width; x++)
        for (let y = w.y; y < w.y + w.height; y++) {
          expect(cells.has(`${x},${y}`), `${w.properties['title'] ?? w.type} at ${x},${y}`).toBe(false);
          cells.add(`${x},${y}`);
        }
    }
  });

  it('gives every query a unique id within its widget, as GetMetricData requires', () => {
    for (const w of widgets.filter((w) => w.type === 'metric')) {
      const ids = (w.properties['metrics'] as Array<[{ id: string }]>).map(([q]) => q.id);
      expect(new Set(ids).size).toBe(ids.length);
      for (const id of ids) expect(id).toMatch(/^[a-z][a-zA-Z0-9_]*$/);
    }
  });

  it('queries each dead-letter queue by its substituted name, and lists the alarms by ARN, built from the stack name', () => {
    const dlq = widgets.find((w) => w.properties['title']?.startsWith('Dead-letter'))!;
    expect(dlq.properties['metrics'].map(([q]: [{ expression: string }]) => q.expression)).toEqual([
      `SELECT MAX(ApproximateNumberOfMessagesVisible) FROM SCHEMA("AWS/SQS", QueueName) WHERE QueueName = '\${EventsDeadLetterQueue.QueueName}'`,
      `SELECT MAX(ApproximateNumberOfMessagesVisible) FROM SCHEMA("AWS/SQS", QueueName) WHERE QueueName = '\${OtherDlq.QueueName}'`,
    ]);
    expect(widgets.find((w) => w.type === 'alarm')!.properties['alarms']).toEqual([
      'arn:${AWS::Partition}:cloudwatch:${AWS::Region}:${AWS::AccountId}:alarm:${AWS::StackName}-a1',
      'arn:${AWS::Partition}:cloudwatch:${AWS::Region}:${AWS::AccountId}:alarm:${AWS::StackName}-a2',
    ]);
  });

  it('has no alarm widget when there is no alarm', () => {
    expect(dashboardOf({ ...options, alarms: [] }).widgets.some((w) => w['type'] === 'alarm')).toBe(false);
  });

  it("is one Fn::Sub JSON string whose only ${…} are the region, the queue names and the alarm ARNs' parts", () => {
    const sub = dashboardBodyOf(options)['Fn::Sub'];
    expect(JSON.parse(sub)).toEqual(dashboardOf(options));
    expect(new Set(sub.match(/\$\{[^}]+\}/g))).toEqual(
      new Set(['${AWS::Region}', '${EventsDeadLetterQueue.QueueName}', '${OtherDlq.QueueName}', '${AWS::Partition}', '${AWS::AccountId}', '${AWS::StackName}']),
    );
  });
});
