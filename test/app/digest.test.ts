/**
 * The weekly digest use case (functions/insights/app/digest.ts): hand-made delivery facts of two
 * weeks for two pipelines in a memory store, a config of three routes (one with two channels, one
 * whose pipelines did nothing), memory claims and the recorder's Slack, files and charts. The keys
 * of this week against last week are computed by hand below; then claims, a chart that fails, a
 * post that fails. And the chart's SEARCH expressions (functions/insights/domain/chart.ts).
 */
import { describe, expect, it, vi } from 'vitest';
import { type DigestDeps, sendDigests } from '../../functions/insights/app/digest';
import { trendWidget } from '../../functions/insights/domain/chart';
import type { DeliveryFact } from '../../functions/kernel/delivery/fact';
import { picomatchGlobs } from '../../functions/kernel/glob-picomatch';
import type { SlackPort } from '../../functions/kernel/ports';
import { createMemoryDeliveryFacts } from '../../functions/platform/delivery-facts-memory';
import { createMemoryOnce } from '../../functions/platform/once-memory';
import { createRecorder, type RecordedCall } from '../../functions/platform/recording';
import { validateMessage } from '../../tools/block-kit/validate';
import { config } from '../support/scenarios';

/** Monday 09:00 UTC: this week is [16th 09:00, 23rd 09:00), last week [9th 09:00, 16th 09:00). */
const NOW = new Date('2026-11-23T09:00:00.000Z');

const CONFIG = config(`
version: 1
routes:
  - name: payments
    match: { pipelines: ["payments-*"] }
    slack: { channels: [C0PAY00001, C0PAY00002] }
  - name: web
    match: { pipelines: ["web-*"] }
    slack: { channels: [C0WEB00001] }
  - name: data
    match: { pipelines: ["data-*"] }
    slack: { channels: [C0DATA0001] }
`);

const PAY = { account: '111111111111', region: 'eu-west-1', pipeline: 'payments-api' };
const WEB = { account: '222222222222', region: 'us-east-1', pipeline: 'web-shop' };

const FACTS: DeliveryFact[] = [
  // payments-api, last week: deployed (lead 30m), failed in production, recovered 2h later by a deployment (lead 1h).
  { ...PAY, executionId: 'e1', kind: 'deployment', at: '2026-11-10T10:00:00.000Z', startedAt: '2026-11-10T09:30:00.000Z' },
  { ...PAY, executionId: 'e2', kind: 'failed-deployment', at: '2026-11-11T10:00:00.000Z', stage: 'Production' },
  { ...PAY, executionId: 'e2', kind: 'run', outcome: 'failed', at: '2026-11-11T10:05:00.000Z', startedAt: '2026-11-11T09:40:00.000Z' },
  { ...PAY, executionId: 'e3', kind: 'deployment', at: '2026-11-11T12:00:00.000Z', startedAt: '2026-11-11T11:00:00.000Z' },
  // payments-api, this week: four deployments (lead 10m, 20m, 1h from the commit, 30m), one rolled
  // back 30 minutes after it (recovered 47h30m later by the next deployment), an approval that
  // waited 1h30m, two runs that failed in their build.
  { ...PAY, executionId: 'e4', kind: 'deployment', at: '2026-11-17T10:00:00.000Z', startedAt: '2026-11-17T09:50:00.000Z' },
  { ...PAY, executionId: 'e5', kind: 'deployment', at: '2026-11-18T10:00:00.000Z', startedAt: '2026-11-18T09:40:00.000Z' },
  {
    ...PAY,
    executionId: 'e6',
    kind: 'approval',
    stage: 'Production',
    action: 'Approve',
    state: 'SUCCEEDED',
    waitSeconds: 5400,
    at: '2026-11-19T09:55:00.000Z',
  },
  {
    ...PAY,
    executionId: 'e6',
    kind: 'deployment',
    at: '2026-11-19T10:00:00.000Z',
    startedAt: '2026-11-19T09:45:00.000Z',
    committedAt: '2026-11-19T09:00:00.000Z',
  },
  { ...PAY, executionId: 'r1', kind: 'rollback', by: 'pipeline-warden', stage: 'Production', at: '2026-11-19T10:30:00.000Z' },
  { ...PAY, executionId: 'e7', kind: 'run', outcome: 'failed', at: '2026-11-20T10:00:00.000Z', startedAt: '2026-11-20T09:50:00.000Z' },
  { ...PAY, executionId: 'e8', kind: 'run', outcome: 'failed', at: '2026-11-20T11:00:00.000Z', startedAt: '2026-11-20T10:50:00.000Z' },
  { ...PAY, executionId: 'e9', kind: 'deployment', at: '2026-11-21T10:00:00.000Z', startedAt: '2026-11-21T09:30:00.000Z' },
  // At the digest's own time: the window's end is open, so this is next week's.
  { ...PAY, executionId: 'e10', kind: 'deployment', at: '2026-11-23T09:00:00.000Z', startedAt: '2026-11-23T08:00:00.000Z' },
  // web-shop, three weeks ago: outside both weeks.
  { ...WEB, executionId: 'w0', kind: 'deployment', at: '2026-11-05T15:00:00.000Z', startedAt: '2026-11-05T12:00:00.000Z' },
  // web-shop, last week: one deployment (lead 20m).
  { ...WEB, executionId: 'w1', kind: 'deployment', at: '2026-11-12T15:00:00.000Z', startedAt: '2026-11-12T14:40:00.000Z' },
  // web-shop, this week: deployed (lead 10m), failed in production, recovered 1h later (lead 30m).
  { ...WEB, executionId: 'w2', kind: 'deployment', at: '2026-11-17T15:00:00.000Z', startedAt: '2026-11-17T14:50:00.000Z' },
  { ...WEB, executionId: 'w3', kind: 'failed-deployment', at: '2026-11-18T15:00:00.000Z', stage: 'Prod' },
  { ...WEB, executionId: 'w3', kind: 'run', outcome: 'failed', at: '2026-11-18T15:05:00.000Z', startedAt: '2026-11-18T14:45:00.000Z' },
  { ...WEB, executionId: 'w4', kind: 'deployment', at: '2026-11-18T16:00:00.000Z', startedAt: '2026-11-18T15:30:00.000Z' },
];

/**
 * By hand. payments this week: 4 deployments (4/7 = 0.57/day, high); lead times 10m, 20m, 1h, 30m:
 * median (20m + 30m)/2 = 25m (elite); attempts e4 e5 e6 e9, e6 rolled back: 1 of 4 = 25% (low);
 * recovery 19th 10:30 → 21st 10:00 = 47h30m, shown 1d 23h (medium). Last week: 2 deployments,
 * lead (30m + 1h)/2 = 45m, 1 failed of 3 attempts (e1 e2 e3) = 33.3%, recovery 2h.
 */
const PAYMENTS_KEYS = [
  '🔵 *Deployments*: 4 (0.57/day) (last week 2) · high',
  '🟢 *Lead time (median)*: 25m (last week 45m) · elite',
  '🔴 *Change failure rate*: 25% of 4 (last week 33.3% of 3) · low',
  '🟡 *Recovery time (median)*: 1d 23h (last week 2h) · medium',
].join('\n');

/**
 * web this week: 2 deployments (2/7 = 0.29/day, high); lead (10m + 30m)/2 = 20m (elite); 1 failed
 * of 3 attempts (w2 w3 w4) = 33.3% (low); recovery 1h (not under an hour: high). Last week: 1
 * deployment, lead 20m, 0 failed of 1, no recovery (–); w0 is older than two weeks.
 */
const WEB_KEYS = [
  '🔵 *Deployments*: 2 (0.29/day) (last week 1) · high',
  '🟢 *Lead time (median)*: 20m (last week 20m) · elite',
  '🔴 *Change failure rate*: 33.3% of 3 (last week 0% of 1) · low',
  '🔵 *Recovery time (median)*: 1h (last week –) · high',
].join('\n');

async function setup(overrides: Partial<DigestDeps> = {}) {
  const recorder = createRecorder({});
  const facts = createMemoryDeliveryFacts();
  await facts.record(FACTS);
  const once = createMemoryOnce();
  const warn = vi.fn<DigestDeps['warn']>();
  const deps: DigestDeps = {
    config: CONFIG,
    globs: picomatchGlobs(),
    facts,
    slack: recorder.slack,
    files: recorder.files,
    charts: recorder.charts,
    once,
    region: 'eu-central-1',
    now: () => NOW,
    warn,
    ...overrides,
  };
  return { recorder, deps, once, warn };
}

const messages = (calls: readonly RecordedCall[]) => calls.filter((c) => c.call === 'slack.chat.postMessage');
const sections = (call: RecordedCall | undefined) =>
  ((call?.input['blocks'] ?? []) as Array<{ type: string; text?: { text: string } }>).filter((b) => b.type === 'section').map((b) => b.text?.text);

describe('sendDigests', () => {
  it('posts one digest per route channel with this week against last week, the lists, and nothing for a route without facts', async () => {
    const { recorder, deps, warn } = await setup();
    expect(await sendDigests(deps)).toEqual({ posted: 3, charts: 3, skipped: 0 });
    const posted = messages(recorder.calls);
    expect(posted.map((c) => c.input['channel'])).toEqual(['C0PAY00001', 'C0PAY00002', 'C0WEB00001']);
    expect(posted.every((c) => c.input['thread_ts'] === undefined)).toBe(true);
    for (const c of posted) expect(validateMessage({ text: c.input['text'], blocks: c.input['blocks'] })).toMatchObject({ ok: true });

    const [pay1, pay2, web] = posted;
    expect(sections(pay1)).toEqual([
      '📊 *Delivery this week · payments* (the 7 days to 2026-11-23 09:00 UTC)',
      PAYMENTS_KEYS,
      '*Failed most*\n• payments-api: 2 failed runs',
      '*Slowest approvals*\n• payments-api Production/Approve: waited 1h 30m',
      '*Rollbacks*\n• payments-api Production: rolled back 2026-11-19 10:30 UTC (pipeline-warden)',
    ]);
    expect(pay2?.input['blocks']).toEqual(pay1?.input['blocks']);
    expect(pay1?.input['text']).toBe('📊 Delivery this week · payments (the 7 days to 2026-11-23 09:00 UTC)');
    expect(sections(web)).toEqual(['📊 *Delivery this week · web* (the 7 days to 2026-11-23 09:00 UTC)', WEB_KEYS, '*Failed most*\n• web-shop: 1 failed run']);
    expect(recorder.calls.some((c) => JSON.stringify(c.input).includes('C0DATA0001'))).toBe(false);
    expect(warn).not.toHaveBeenCalled();
  });

  it("uploads each chart into its message's thread: getMetricWidgetImage, then getUploadURLExternal and completeUploadExternal with thread_ts", async () => {
    const { recorder, deps } = await setup();
    await sendDigests(deps);
    expect(recorder.calls.map((c) => c.call)).toEqual(
      Array.from({ length: 3 }, () => [
        'slack.chat.postMessage',
        'cloudwatch.getMetricWidgetImage',
        'slack.files.getUploadURLExternal',
        'slack.files.completeUploadExternal',
      ]).flat(),
    );
    for (let i = 0; i < 3; i += 1) {
      const [post, chart, url, complete] = recorder.calls.slice(i * 4, i * 4 + 4);
      const ts = (post?.output as { ts?: string } | undefined)?.ts;
      const fileId = (url?.output as { file_id?: string } | undefined)?.file_id;
      expect(ts).toEqual(expect.any(String));
      expect(fileId).toEqual(expect.any(String));
      expect(url?.input).toEqual({ filename: 'delivery-2026-11-23.png', length: 70 });
      expect(complete?.input).toMatchObject({ channel_id: post?.input['channel'], thread_ts: ts, files: [{ id: fileId }] });
      const widget = JSON.parse(String(chart?.input['MetricWidget'])) as Record<string, unknown>;
      const team = i < 2 ? 'payments' : 'web';
      expect(widget).toMatchObject({
        title: `${team}: production deployments per day, last 4 weeks`,
        region: 'eu-central-1',
        start: '2026-10-26T09:00:00.000Z',
        end: '2026-11-23T09:00:00.000Z',
        period: 86400,
      });
      expect(JSON.stringify(widget['metrics'])).toContain(`Team=\\"${team}\\"`);
      expect(complete?.input['files']).toEqual([{ id: fileId, title: `${team}: production deployments per day, last 4 weeks` }]);
    }
  });

  it('posts nothing the second time at the same time: each digest is claimed', async () => {
    const { recorder, deps, once } = await setup();
    await sendDigests(deps);
    const calls = recorder.calls.length;
    expect(await sendDigests(deps)).toEqual({ posted: 0, charts: 0, skipped: 3 });
    expect(recorder.calls.length).toBe(calls);
    expect(once.claimed().sort()).toEqual([
      'digest#payments#C0PAY00001#2026-11-23T09:00:00.000Z',
      'digest#payments#C0PAY00002#2026-11-23T09:00:00.000Z',
      'digest#web#C0WEB00001#2026-11-23T09:00:00.000Z',
    ]);
  });

  it('leaves the message posted when the chart fails, and warns', async () => {
    const recorder = createRecorder({});
    const failing = { png: vi.fn(async () => Promise.reject(new Error('Throttling: Rate exceeded'))) };
    const { deps, warn } = await setup({ slack: recorder.slack, files: recorder.files, charts: failing });
    expect(await sendDigests(deps)).toEqual({ posted: 3, charts: 0, skipped: 0 });
    expect(recorder.calls.map((c) => c.call)).toEqual(['slack.chat.postMessage', 'slack.chat.postMessage', 'slack.chat.postMessage']);
    expect(failing.png).toHaveBeenCalledTimes(3);
    expect(warn.mock.calls).toEqual([
      ['digest chart not posted', { route: 'payments', channel: 'C0PAY00001', error: 'Throttling: Rate exceeded' }],
      ['digest chart not posted', { route: 'payments', channel: 'C0PAY00002', error: 'Throttling: Rate exceeded' }],
      ['digest chart not posted', { route: 'web', channel: 'C0WEB00001', error: 'Throttling: Rate exceeded' }],
    ]);
  });

  it('releases the claim of a post that fails, so the next call posts it (and not what was posted)', async () => {
    const recorder = createRecorder({});
    let failures = 1;
    const slack: SlackPort = {
      ...recorder.slack,
      async postMessage(m) {
        if (m.channel === 'C0PAY00002' && failures > 0) {
          failures -= 1;
          throw new Error('slack is down');
        }
        return recorder.slack.postMessage(m);
      },
    };
    const { deps, once } = await setup({ slack, files: recorder.files, charts: recorder.charts });
    await expect(sendDigests(deps)).rejects.toThrow('slack is down');
    expect(messages(recorder.calls).map((c) => c.input['channel'])).toEqual(['C0PAY00001']);
    expect(once.claimed()).toEqual(['digest#payments#C0PAY00001#2026-11-23T09:00:00.000Z']);

    expect(await sendDigests(deps)).toEqual({ posted: 2, charts: 2, skipped: 1 });
    expect(messages(recorder.calls).map((c) => c.input['channel'])).toEqual(['C0PAY00001', 'C0PAY00002', 'C0WEB00001']);
    expect(await sendDigests(deps)).toEqual({ posted: 0, charts: 0, skipped: 3 });
  });

  it('posts nothing when no route has facts in the two weeks', async () => {
    const recorder = createRecorder({});
    const { deps } = await setup({ facts: createMemoryDeliveryFacts(), slack: recorder.slack, files: recorder.files, charts: recorder.charts });
    expect(await sendDigests(deps)).toEqual({ posted: 0, charts: 0, skipped: 0 });
    expect(recorder.calls).toEqual([]);
  });
});

describe('routes that match on tags', () => {
  it("take the pipelines whose facts carry the tags, and those pipelines' facts that carry none (a rollback from their history)", async () => {
    const tagged = (fact: DeliveryFact): DeliveryFact => ({ ...fact, tags: { team: 'payments', env: 'prod' } });
    const rollbackFromHistory = FACTS.find((f) => f.kind === 'rollback');
    const facts = FACTS.filter((f) => f !== rollbackFromHistory).map((f) => (f.pipeline === PAY.pipeline ? tagged(f) : f));
    const store = createMemoryDeliveryFacts();
    await store.record([...facts, ...(rollbackFromHistory ? [rollbackFromHistory] : [])]);
    const { recorder, deps } = await setup({
      config: config(`
version: 1
routes:
  - name: payments-team
    match: { tags: { team: payments } }
    slack: { channels: [C0PAYTAGS1] }
  - name: staging
    match: { tags: { env: staging } }
    slack: { channels: [C0STAGING1] }
`),
      facts: store,
    });
    await sendDigests(deps);
    const posted = messages(recorder.calls);
    // web-shop's facts carry no tags, and no pipeline is tagged env: staging: one digest, payments'.
    expect(posted.map((c) => c.input['channel'])).toEqual(['C0PAYTAGS1']);
    // The same keys as the pipeline-name route: the untagged rollback counted with its pipeline's.
    expect(sections(posted[0]).join('\n')).toContain(PAYMENTS_KEYS);
  });
});

describe('trendWidget', () => {
  const end = new Date('2026-11-23T09:00:00.000Z');
  const expressions = (team: string) =>
    (trendWidget({ team, region: 'eu-west-1', title: 't', end }).metrics as Array<Array<{ expression: string; id: string }>>).map(([m]) => m?.expression);

  it("sums a SEARCH of every account's series of the team, deployments and failed deployments", () => {
    expect(expressions('payments')).toEqual([
      `SUM(SEARCH('{PipelineWarden,Account,Team} MetricName="Deployments" Team="payments"', 'Sum', 86400))`,
      `SUM(SEARCH('{PipelineWarden,Account,Team} MetricName="FailedDeployments" Team="payments"', 'Sum', 86400))`,
    ]);
    expect(trendWidget({ team: 'payments', region: 'eu-west-1', title: 't', end })).toMatchObject({
      region: 'eu-west-1',
      start: '2026-10-26T09:00:00.000Z',
      end: '2026-11-23T09:00:00.000Z',
      period: 86400,
    });
  });

  it('escapes double quotes and backslashes in the team name and drops single quotes', () => {
    expect(expressions('pay "core" team')[0]).toBe(
      `SUM(SEARCH('{PipelineWarden,Account,Team} MetricName="Deployments" Team="pay \\"core\\" team"', 'Sum', 86400))`,
    );
    expect(expressions('a\\b')[0]).toContain('Team="a\\\\b"');
    expect(expressions("o'neil's")[0]).toContain('Team="oneils"');
    // The single-quoted search string is never ended early.
    for (const team of ['x\' OR Team="y', "it's"]) expect(expressions(team)[0]?.match(/'/g)).toHaveLength(4);
  });
});

describe('a retried firing', () => {
  it('names the week by the scheduled time: a retry past midnight posts nothing again', async () => {
    const { recorder, deps } = await setup({ now: () => new Date('2026-11-23T00:31:00.000Z') });
    const scheduled = new Date('2026-11-22T23:30:00.000Z');
    expect((await sendDigests(deps, scheduled)).posted).toBe(3);
    // The retry an hour later, the next day in UTC: the same firing, so the same claims.
    expect(await sendDigests(deps, scheduled)).toEqual({ posted: 0, charts: 0, skipped: 3 });
    expect(messages(recorder.calls)).toHaveLength(3);
  });
});
