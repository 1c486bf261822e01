/** Alarm events as the rollback reads them (real shapes from test/fixtures/aws-events/cloudwatch), and which guards they name. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../functions/kernel/config/parse';
import { picomatchGlobs } from '../../../functions/kernel/glob-picomatch';
import { alarmOf, guardedTargets } from '../../../functions/rollback/domain/alarm';
import { AWS_EVENTS_DIR } from '../../support/fixtures';

const sample = (name: string) => JSON.parse(readFileSync(path.join(AWS_EVENTS_DIR, 'cloudwatch', name), 'utf8')) as Record<string, any>;

describe('alarmOf', () => {
  it("reads the CloudWatch guide's OK → ALARM event: time normalized, reason, the metric as a person reads it", () => {
    expect(alarmOf(sample('cw-guide-single-metric-alarm-ok-to-alarm.json'))).toEqual({
      ok: true,
      state: 'ALARM',
      alarm: {
        name: 'ServerCpuTooHigh',
        account: '123456789012',
        region: 'us-east-1',
        time: '2019-10-02T17:04:40.989Z',
        reason: expect.stringMatching(/^Threshold Crossed: 1 out of the last 1 datapoints \[99.50160229693434/),
        metric: 'AWS/EC2 CPUUtilization (InstanceId=i-12345678901234567) Average/300s',
        description: 'Goes into alarm when server CPU utilization is too high!',
      },
    });
  });

  it('reports the state it went to (the canary sample goes to OK)', () => {
    expect(alarmOf(sample('devops-dashboard-canary-alarm-alarm-to-ok.json'))).toMatchObject({ ok: true, state: 'OK' });
  });

  it('a composite alarm: its rule instead of a metric', () => {
    const event = sample('cw-guide-single-metric-alarm-ok-to-alarm.json');
    event['detail'].configuration = { alarmRule: 'ALARM("web-5xx") OR ALARM("web-latency")' };
    expect(alarmOf(event)).toMatchObject({ ok: true, alarm: { rule: 'ALARM("web-5xx") OR ALARM("web-latency")' } });
    expect((alarmOf(event) as { alarm: object }).alarm).not.toHaveProperty('metric');
  });

  it('a metric math alarm shows the expression it returns', () => {
    const event = sample('cw-guide-single-metric-alarm-ok-to-alarm.json');
    event['detail'].configuration.metrics = [
      { id: 'e1', expression: 'm1 / m2 * 100', label: 'error rate', returnData: true },
      { id: 'm1', metricStat: { metric: { name: 'Errors', namespace: 'AWS/Lambda' }, period: 60, stat: 'Sum' }, returnData: false },
    ];
    expect(alarmOf(event)).toMatchObject({ alarm: { metric: 'error rate: m1 / m2 * 100' } });
  });

  it('an unreadable event: every problem with its path', () => {
    expect(alarmOf({ account: '1', region: 'us-east-1', detail: { state: { value: 'ALARM', timestamp: 'soon' } } })).toEqual({
      ok: false,
      problems: ['detail.alarmName: required'],
    });
    const badTime = sample('cw-guide-single-metric-alarm-ok-to-alarm.json');
    badTime['detail'].state.timestamp = 'yesterday';
    expect(alarmOf(badTime)).toEqual({ ok: false, problems: ['detail.state.timestamp: not a time: yesterday'] });
  });
});

describe('guardedTargets', () => {
  const parsed = parseConfig(`version: 1
routes: [{ slack: { channels: [C0PLATFORM1] } }]
rollback:
  guards:
    - name: release
      alarms: ["web-frontend-5xx", "web-*-composite"]
      pipeline: { name: web-frontend, stage: Deploy }
      codedeploy: { application: web-frontend, deploymentGroup: prod }
    - name: hosts
      alarms: ["web-frontend-host-*"]
      codedeploy: { application: web-frontend, deploymentGroup: canary }
`);
  if (!parsed.ok) throw new Error(parsed.problems.join('\n'));
  const glob = picomatchGlobs();
  it.each([
    ['web-frontend-5xx', ['release codedeploy', 'release pipeline']],
    ['web-checkout-composite', ['release codedeploy', 'release pipeline']],
    ['web-frontend-host-unhealthy', ['hosts codedeploy']],
    ['ServerCpuTooHigh', []],
  ])('%s → %j', (alarm, expected) => {
    expect(guardedTargets(parsed.config, alarm, glob).map((t) => `${t.guard} ${t.target.kind}`)).toEqual(expected);
  });
});
