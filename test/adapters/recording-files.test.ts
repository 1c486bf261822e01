import { crc32, inflateSync } from 'node:zlib';
import { CloudWatchClient, GetMetricWidgetImageCommand } from '@aws-sdk/client-cloudwatch';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMetricChartsPort } from '../../functions/platform/metric-charts';
import { createRecorder, REPLAY_PNG } from '../../functions/platform/recording';
import { createSlackFilesPort } from '../../functions/platform/slack-files';
import { type SlackServer, startSlackServer } from '../support/slack-server';

const BYTES = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 9, 8, 7]);
const CHART = { channel: 'C0DEPLOYS', threadTs: '1700000000.000100', filename: 'durations.png', title: 'Deploy durations', bytes: BYTES, comment: 'p90' };
const WIDGET = { metrics: [['PipelineWarden', 'DeployDuration']], stat: 'p90', period: 3600 };

describe('the recorder records uploads and charts', () => {
  it('records an upload as the two Slack calls the real flow makes, with a made-up file id', async () => {
    const rec = createRecorder({});
    const first = await rec.files.upload(CHART);
    const second = await rec.files.upload({ channel: 'C0OTHER', filename: 'b.png', title: 'B', bytes: BYTES });

    expect([first.fileId, second.fileId]).toEqual(['F0REPLAY1', 'F0REPLAY2']);
    expect(rec.calls.map(({ call, input }) => ({ call, input }))).toEqual([
      { call: 'slack.files.getUploadURLExternal', input: { filename: 'durations.png', length: BYTES.length } },
      {
        call: 'slack.files.completeUploadExternal',
        input: { files: [{ id: 'F0REPLAY1', title: 'Deploy durations' }], channel_id: 'C0DEPLOYS', thread_ts: '1700000000.000100', initial_comment: 'p90' },
      },
      { call: 'slack.files.getUploadURLExternal', input: { filename: 'b.png', length: BYTES.length } },
      { call: 'slack.files.completeUploadExternal', input: { files: [{ id: 'F0REPLAY2', title: 'B' }], channel_id: 'C0OTHER' } },
    ]);
  });

  it('records a chart as cloudwatch.getMetricWidgetImage and answers a valid 1×1 PNG', async () => {
    const rec = createRecorder({});
    const png = await rec.charts.png(WIDGET);

    expect(rec.calls).toEqual([{ call: 'cloudwatch.getMetricWidgetImage', input: { MetricWidget: JSON.stringify(WIDGET), OutputFormat: 'png' } }]);
    expect(png).toEqual(REPLAY_PNG);
    // A caller that changes its copy does not change the next chart.
    png[0] = 0;
    expect((await rec.charts.png(WIDGET))[0]).toBe(0x89);
  });

  it('stamps the calls with the replayed event and time, like every other recorded call', async () => {
    const at = new Date('2026-12-02T10:00:00Z');
    const rec = createRecorder({}, undefined, { event: () => 'evt-1', now: () => at });
    await rec.files.upload(CHART);
    await rec.charts.png(WIDGET);

    expect(rec.calls.map((c) => [c.event, c.at])).toEqual(Array(3).fill(['evt-1', at.toISOString()]));
  });
});

describe('REPLAY_PNG', () => {
  it('is a well-formed PNG: signature, IHDR of 1×1, chunks whose CRCs match, IDAT that inflates, IEND', () => {
    const png = Buffer.from(REPLAY_PNG);
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    const chunks: string[] = [];
    for (let at = 8; at < png.length; ) {
      const length = png.readUInt32BE(at);
      const type = png.toString('latin1', at + 4, at + 8);
      const data = png.subarray(at + 8, at + 8 + length);
      expect(png.readUInt32BE(at + 8 + length)).toBe(crc32(png.subarray(at + 4, at + 8 + length)));
      if (type === 'IHDR') expect([data.readUInt32BE(0), data.readUInt32BE(4)]).toEqual([1, 1]);
      if (type === 'IDAT') expect(inflateSync(data).length).toBeGreaterThan(0);
      chunks.push(type);
      at += 12 + length;
    }
    expect(chunks).toEqual(['IHDR', 'IDAT', 'IEND']);
  });
});

describe('what the recorder records is what the real adapters send', () => {
  let slack: SlackServer;
  beforeAll(async () => {
    slack = await startSlackServer();
  });
  afterAll(() => slack.close());

  it('the Slack calls match the local server’s requests, but for the file id and form strings', async () => {
    const real = createSlackFilesPort({ token: 'xoxb-parity-token', slackApiUrl: slack.url });
    const { fileId } = await real.upload(CHART);
    const rec = createRecorder({});
    await rec.files.upload(CHART);

    const sent = slack.requests.filter((r) => r.method.startsWith('files.')).map((r) => ({ call: `slack.${r.method}`, input: r.body }));
    // A form carries strings only, and the recorder's file id is its own.
    const recorded = JSON.parse(JSON.stringify(rec.calls.map(({ call, input }) => ({ call, input }))).replaceAll('F0REPLAY1', fileId)) as typeof sent;
    recorded[0] = { call: recorded[0]!.call, input: { ...recorded[0]!.input, length: String(BYTES.length) } };
    expect(sent).toEqual(recorded);
  });

  it('the chart call matches what createMetricChartsPort sends', async () => {
    const cloudwatch = mockClient(CloudWatchClient);
    cloudwatch.on(GetMetricWidgetImageCommand).resolves({ MetricWidgetImage: REPLAY_PNG });
    await createMetricChartsPort(new CloudWatchClient({})).png(WIDGET);
    const rec = createRecorder({});
    await rec.charts.png(WIDGET);

    expect(cloudwatch.commandCalls(GetMetricWidgetImageCommand).map((c) => c.args[0].input)).toEqual([rec.calls[0]?.input]);
    cloudwatch.restore();
  });
});
