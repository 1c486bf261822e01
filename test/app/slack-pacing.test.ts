import { describe, expect, it } from 'vitest';
import { SlackRateLimitedError } from '../../functions/kernel/errors';
import type { SlackPort } from '../../functions/kernel/ports';
import { WINDOW_LIMITS, WINDOW_MS } from '../../functions/kernel/slack-budget';
import { redeliveryBody } from '../../functions/notify/domain/redelivery';
import { pacedNotify } from '../support/paced-notify';
import { scenario } from '../support/scenarios';
import { ORG_SCALE, PUBLISHED_LIMITS, simulateSlackLoad } from '../support/slack-load';

const T0 = Date.parse('2026-12-02T10:00:01Z');
const run = new Map(scenario('01-pipeline-build-fails').map((s) => [s.file, JSON.stringify(s.event)]));
const RUN_KEY = 'pipeline/123456789012/eu-west-1/payments-api/6f2b1c1e-3a4d-4e7b-9c1d-2a5f8e9b0c31';

function world(slack?: (recorded: SlackPort) => SlackPort) {
  const w = pacedNotify({ start: T0, ...(slack ? { slack } : {}) });
  return {
    ...w,
    /** The redeliveries scheduled so far: which run, when. */
    get scheduled() {
      return w.scheduled.map((s) => ({ key: s.redelivery.run.key, at: s.at }));
    },
    calls: (method: string) => w.calls(`slack.${method}`),
    at: (ms: number) => w.setNow(T0 + ms),
  };
}

describe('a card held back by the budget', () => {
  it('is deferred once, its later states coalesce, a failure still gets its reply now, and the redelivery shows the final state', async () => {
    const w = world();
    await w.send(run.get('01-pipeline-started.json')!);
    expect(w.calls('chat.postMessage')).toHaveLength(2);
    // Other workers used this window's updates.
    await w.budget.take(Array(WINDOW_LIMITS['chat.update']).fill({ method: 'chat.update', channel: 'C0OTHER001' }), new Date(T0));

    const first = await w.send(run.get('02-stage-source-started.json')!, run.get('06-stage-build-started.json')!);
    expect([...first.results.values()]).toEqual(['deferred', 'deferred']);
    expect(w.calls('chat.update')).toHaveLength(0);
    expect(w.scheduled).toEqual([{ key: RUN_KEY, at: new Date(Math.floor(T0 / WINDOW_MS) * WINDOW_MS + WINDOW_MS) }]);

    // The build fails before the redelivery: no update asked for (it rides on the redelivery), the reply goes at once.
    w.at(2_000);
    const second = await w.send(run.get('11-action-build-failed.json')!, run.get('12-stage-build-failed.json')!, run.get('13-pipeline-failed.json')!);
    expect(second.failed).toEqual([]);
    expect(w.calls('chat.update')).toHaveLength(0);
    // One reply in each of the two channels' threads.
    expect(w.calls('chat.postMessage').filter((c) => c.input['thread_ts'])).toHaveLength(2);
    expect(w.scheduled).toHaveLength(1);

    w.at(w.scheduled[0]!.at.getTime() - T0);
    await w.send(
      redeliveryBody({ run: { kind: 'pipeline', key: RUN_KEY }, subject: { account: '123456789012', region: 'eu-west-1', pipeline: 'payments-api' } }),
    );
    const updates = w.calls('chat.update');
    expect(updates.map((u) => u.input['channel']).sort()).toEqual(['C0AUDIT001', 'C0TEAM0001']);
    for (const update of updates) expect(JSON.stringify(update.input['blocks'])).toMatch(/failed/i);
    // Delivered: a second redelivery (a duplicate message) sends nothing.
    const before = w.recorder.calls.length;
    await w.send(redeliveryBody({ run: { kind: 'pipeline', key: RUN_KEY }, subject: { account: '123456789012', region: 'eu-west-1' } }));
    expect(w.recorder.calls.length).toBe(before);
  });

  it('a redelivery of a card that no longer exists does nothing', async () => {
    const w = world();
    const outcome = await w.send(
      redeliveryBody({ run: { kind: 'pipeline', key: 'pipeline/1/eu-west-1/gone/x' }, subject: { account: '1', region: 'eu-west-1' } }),
    );
    expect([...outcome.results.values()]).toEqual(['unchanged']);
    expect(w.recorder.calls).toEqual([]);
  });
});

describe('a 429 from Slack', () => {
  it('holds every worker back until Retry-After, schedules the redelivery then, and fails no record', async () => {
    let limited = 0;
    const w = world((recorded) => ({
      ...recorded,
      updateMessage: async (m) => {
        if (limited++ === 0) throw new SlackRateLimitedError('chat.update: ratelimited', 'chat.update', new Date(T0 + 30_000));
        return recorded.updateMessage(m);
      },
    }));
    await w.send(run.get('01-pipeline-started.json')!);
    const outcome = await w.send(run.get('02-stage-source-started.json')!);
    expect(outcome.failed).toEqual([]);
    expect([...outcome.results.values()]).toEqual(['deferred']);
    expect(w.scheduled.map((s) => s.at)).toEqual([new Date(T0 + 30_000)]);
    // Another worker, within the Retry-After: the budget says no.
    expect(await w.budget.take([{ method: 'chat.update', channel: 'C0ELSE0001' }], new Date(T0 + 15_000))).toEqual([expect.any(Date)]);
    expect(await w.budget.take([{ method: 'chat.update', channel: 'C0ELSE0001' }], new Date(T0 + 41_000))).toEqual([true]);
  });
});

describe('1,000 pipelines, 300 runs starting within 5 minutes, 5 workers (simulation)', () => {
  it("stays under Slack's published limits, loses nothing and delivers every final state and failure reply", async () => {
    const report = await simulateSlackLoad(ORG_SCALE);
    expect(report.runs).toBe(300);
    expect(report.lost).toBe(0);
    expect(report.undelivered).toEqual([]);
    expect(report.failureReplies.delivered).toBe(report.failureReplies.expected);
    expect(report.rateLimited).toBe(0);
    expect(report.peakPerMinute['chat.update']).toBeLessThanOrEqual(PUBLISHED_LIMITS['chat.update']);
    expect(report.peakPerMinute['chat.postMessage']).toBeLessThanOrEqual(PUBLISHED_LIMITS['chat.postMessage']);
    expect(report.peakPerMinute['chat.postMessage#channel']).toBeLessThanOrEqual(PUBLISHED_LIMITS['chat.postMessage#channel']);
    // One top-level message per card and channel.
    expect(report.topLevelPosts).toBeLessThanOrEqual(report.runs * 2);
    // A batch's runs share one card read and one budget take: about 2 DynamoDB requests per run per
    // batch (a run alone in its batch costs 3: read, take, write), where one event at a time cost 3+ each.
    expect(report.dynamo.perRunBatch).toBeLessThan(2.5);
  });

  it('when Slack allows fewer updates than the budget assumes, 429s hold the fleet back and still nothing is lost', async () => {
    const report = await simulateSlackLoad({ ...ORG_SCALE, runs: 150, slackLimits: { ...PUBLISHED_LIMITS, 'chat.update': 20 } });
    expect(report.rateLimited).toBeGreaterThan(0);
    expect(report.lost).toBe(0);
    expect(report.undelivered).toEqual([]);
    // No retry storm: far fewer 429s than updates made.
    expect(report.rateLimited).toBeLessThan(report.calls['chat.update'] / 2);
  });
});
