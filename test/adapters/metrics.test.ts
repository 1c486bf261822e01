/**
 * The MetricsPort on Powertools Metrics: the EMF lines it writes to stdout (what CloudWatch Logs
 * turns into metrics), one dimension set per line, identifiers refused; the Slack decorator; the
 * in-memory recorder.
 */
import middy from '@middy/core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DeliveryError, SlackRateLimitedError } from '../../functions/kernel/errors';
import type { SlackPort } from '../../functions/kernel/ports';
import { createMetrics, flushMetrics, METRICS_NAMESPACE, recordingMetrics, refusedDimensions } from '../../functions/platform/metrics';
import { SLACK_METRICS, withSlackMetrics } from '../../functions/platform/slack-metrics';

interface Emf {
  _aws: { Timestamp: number; CloudWatchMetrics: Array<{ Namespace: string; Dimensions: string[][]; Metrics: Array<{ Name: string; Unit: string }> }> };
  [key: string]: unknown;
}

let lines: Emf[];
beforeEach(() => {
  lines = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    for (const line of String(chunk).split('\n').filter(Boolean)) {
      const parsed = JSON.parse(line) as Partial<Emf>;
      if (parsed._aws) lines.push(parsed as Emf);
    }
    return true;
  });
});
afterEach(() => vi.restoreAllMocks());

const metrics = (warn = vi.fn()) => createMetrics({ serviceName: 'pipeline-warden', warnings: { warn } });
const directive = (emf: Emf) => emf._aws.CloudWatchMetrics[0]!;

describe('createMetrics (EMF on stdout)', () => {
  it('buffers dimensionless data under `service` and writes them as one EMF line on flush', () => {
    const m = metrics();
    m.add({ name: 'EventsProcessed', unit: 'Count', value: 10 });
    m.add({ name: 'EventsRejected', unit: 'Count', value: 1 });
    expect(lines).toEqual([]);
    m.flush();
    expect(lines).toHaveLength(1);
    expect(directive(lines[0]!)).toEqual({
      Namespace: METRICS_NAMESPACE,
      Dimensions: [['service']],
      Metrics: [
        { Name: 'EventsProcessed', Unit: 'Count' },
        { Name: 'EventsRejected', Unit: 'Count' },
      ],
    });
    expect(lines[0]).toMatchObject({ service: 'pipeline-warden', EventsProcessed: 10, EventsRejected: 1 });
  });

  it('writes a datum with its own dimensions at once, in its own line, with exactly those dimensions', () => {
    const m = metrics();
    m.add({ name: 'EventsProcessed', unit: 'Count', value: 3 });
    m.add({ name: 'Deployments', unit: 'Count', value: 1, dimensions: { Team: 'payments', Account: '111122223333' } });
    m.add({ name: 'LeadTime', unit: 'Seconds', value: 420, dimensions: { Team: 'unrouted', Account: '111122223333' } });
    m.add({ name: 'Actions', unit: 'Count', value: 2, dimensions: { action: 'rollback-started' } });
    expect(lines).toHaveLength(3);
    m.flush();
    const [deployments, leadTime, actions, service] = lines as [Emf, Emf, Emf, Emf];
    expect(directive(deployments)).toMatchObject({
      Namespace: 'PipelineWarden',
      Dimensions: [['Team', 'Account']],
      Metrics: [{ Name: 'Deployments', Unit: 'Count' }],
    });
    expect(deployments).toMatchObject({ Team: 'payments', Account: '111122223333', Deployments: 1 });
    // No `service`: SCHEMA(PipelineWarden, Account, Team) matches only that exact dimension set.
    expect(deployments).not.toHaveProperty('service');
    expect(directive(leadTime).Metrics).toEqual([{ Name: 'LeadTime', Unit: 'Seconds' }]);
    expect(leadTime).toMatchObject({ Team: 'unrouted', LeadTime: 420 });
    expect(directive(actions).Dimensions).toEqual([['action']]);
    expect(actions).toMatchObject({ action: 'rollback-started', Actions: 2 });
    // The buffered datum is untouched by the single ones, and not mixed with their dimensions.
    expect(directive(service).Dimensions).toEqual([['service']]);
    expect(service).toMatchObject({ EventsProcessed: 3 });
    expect(service).not.toHaveProperty('Team');
  });

  it('drops a datum with an executionId-like dimension, with a warning (never throws)', () => {
    const warn = vi.fn();
    const m = metrics(warn);
    expect(() => m.add({ name: 'Deployments', unit: 'Count', value: 1, dimensions: { Team: 'payments', executionId: 'e-1' } })).not.toThrow();
    m.add({ name: 'Deployments', unit: 'Count', value: 1, dimensions: { Team: '3f1c2a9e-8b7d-4c6e-9f00-1a2b3c4d5e6f' } });
    m.flush();
    expect(lines).toEqual([]);
    expect(warn).toHaveBeenCalledTimes(2);
    expect(warn.mock.calls[0]![0]).toMatch(/Deployments dropped: dimension "executionId" looks like an identifier/);
  });

  it('writes nothing and warns nothing on a flush with nothing buffered', () => {
    const warn = vi.fn();
    metrics(warn).flush();
    expect(lines).toEqual([]);
    expect(warn).not.toHaveBeenCalled();
  });

  it('flushes through the middy middleware, after a failed invocation too', async () => {
    const m = metrics();
    const handler = middy(async (fail: boolean) => {
      m.add({ name: 'EventsProcessed', unit: 'Count', value: 1 });
      if (fail) throw new Error('boom');
    }).use(flushMetrics(m));
    await handler(false, {} as never);
    await expect(handler(true, {} as never)).rejects.toThrow('boom');
    expect(lines.map((l) => l['EventsProcessed'])).toEqual([1, 1]);
  });
});

describe('refusedDimensions', () => {
  it.each([
    [{ executionId: 'x' }, /identifier/],
    [{ pipelineExecutionId: 'x' }, /identifier/],
    [{ id: 'x' }, /identifier/],
    [{ request_id: 'x' }, /identifier/],
    [{ messageGroup: 'x' }, /identifier/],
    [{ commit: 'x' }, /identifier/],
    [{ Team: 'a'.repeat(65) }, /identifier-like value/],
    [{ Team: '' }, /empty/],
  ])('refuses %j', (dimensions, why) => expect(refusedDimensions(dimensions)).toMatch(why));

  it.each([[{ Team: 'payments', Account: '111122223333' }], [{ action: 'transition-disable' }], [{ service: 'pipeline-warden' }], [{ Valid: 'x' }], [{}]])(
    'accepts %j',
    (dimensions) => expect(refusedDimensions(dimensions)).toBeUndefined(),
  );
});

describe('withSlackMetrics', () => {
  const port = (behaviour: () => Promise<never> | Promise<{ channel: string; ts: string }>): SlackPort => ({
    postMessage: behaviour,
    updateMessage: async () => 'updated',
  });
  let clock = 0;
  const now = () => clock;

  it('times every call and counts failures; a 429 is not a failure', async () => {
    const m = recordingMetrics();
    const ok = withSlackMetrics(
      port(async () => {
        clock += 120;
        return { channel: 'C1', ts: '1.2' };
      }),
      m,
      now,
    );
    await ok.postMessage({ channel: 'C1', text: 'hi' });
    await ok.updateMessage({ channel: 'C1', ts: '1.2', text: 'hi' });
    const down = withSlackMetrics(
      port(async () => {
        throw new DeliveryError('slack down');
      }),
      m,
      now,
    );
    await expect(down.postMessage({ channel: 'C1', text: 'hi' })).rejects.toThrow('slack down');
    const limited = withSlackMetrics(
      port(async () => {
        throw new SlackRateLimitedError('429', 'chat.postMessage', new Date(0));
      }),
      m,
      now,
    );
    await expect(limited.postMessage({ channel: 'C1', text: 'hi' })).rejects.toThrow();
    expect(m.data.filter((d) => d.name === SLACK_METRICS.latency).map((d) => d.value)).toEqual([120, 0, 0, 0]);
    expect(m.total(SLACK_METRICS.errors)).toBe(1);
  });
});

describe('recordingMetrics', () => {
  it('records what was added, sums by name and dimensions, and refuses identifiers as the real port does', () => {
    const m = recordingMetrics();
    m.add({ name: 'Actions', unit: 'Count', value: 1, dimensions: { action: 'approval-started' } });
    m.add({ name: 'Actions', unit: 'Count', value: 2, dimensions: { action: 'rollback-started' } });
    m.add({ name: 'Actions', unit: 'Count', value: 5, dimensions: { executionId: 'e-1' } });
    expect(m.total('Actions')).toBe(3);
    expect(m.total('Actions', { action: 'rollback-started' })).toBe(2);
    expect(m.refused).toEqual(['Actions: dimension "executionId" looks like an identifier']);
  });
});
