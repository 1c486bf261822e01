/**
 * Alarms read as alarms (issue 14, item 3): the card says what the alarm watches (its metric, or a
 * composite alarm's rule), why it went off and since when; back to OK, the same card says so and for
 * how long it was in ALARM, from CloudWatch's own timestamps. No "alarm failed" reply, no duration the
 * card does not know.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { notifyEvent } from '../../../functions/notify/app/notify-event';
import { createRecorder } from '../../../functions/platform/recording';
import { config, memoryNotifyDeps } from '../../support/scenarios';

const read = (file: string) => JSON.parse(readFileSync(path.resolve(__dirname, '../../fixtures', file), 'utf8')) as unknown;
const ALARMS = config('version: 1\nroutes:\n  - match: { alarms: ["*"] }\n    slack: { channels: [C0ONCALL01], level: all }\n');

async function replay(...files: string[]) {
  const recorder = createRecorder({});
  const deps = memoryNotifyDeps(ALARMS, recorder);
  for (const file of files) await notifyEvent(read(file), deps);
  const slack = recorder.calls.filter((c) => c.call.startsWith('slack.'));
  const texts = slack.map((c) => JSON.stringify(c.input['blocks']));
  return { slack, last: texts.at(-1) ?? '', all: texts.join('\n') };
}

describe('an alarm card', () => {
  it("a metric alarm in ALARM: the metric it watches, CloudWatch's reason, since when; no thread reply", async () => {
    const { slack, last } = await replay('aws-events/cloudwatch/cw-guide-single-metric-alarm-ok-to-alarm.json');
    expect(slack.map((c) => c.call)).toEqual(['slack.chat.postMessage']);
    expect(last).toContain('is in ALARM');
    expect(last).toContain('metric AWS/EC2 CPUUtilization (InstanceId=i-12345678901234567) Average/300s');
    expect(last).toContain('was greater than the threshold (50.0)');
    expect(last).toContain('in ALARM since 2019-10-02 17:04:40 UTC');
    expect(last).not.toMatch(/failed|took/);
  });

  it('a composite alarm: its rule; back to OK the same card says for how long it was in ALARM', async () => {
    const { slack, last, all } = await replay('alarms/composite-alarm-to-alarm.json', 'alarms/composite-alarm-to-ok.json');
    expect(slack.map((c) => c.call)).toEqual(['slack.chat.postMessage', 'slack.chat.update']);
    expect(all).toContain(
      `rule \`ALARM(${JSON.stringify('"checkout-5xx"').slice(1, -1)}) OR ALARM(${JSON.stringify('"checkout-latency-p99"').slice(1, -1)})\``,
    );
    expect(last).toContain('recovered (OK)');
    expect(last).toContain('in ALARM from 2026-11-23 10:04:06 UTC to 2026-11-23 10:16:06 UTC, 12m 0s');
    expect(all).not.toMatch(/alarm failed|took/);
  });
});
