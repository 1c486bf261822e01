import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { type ReplayLine, replayLines, warden } from '../support/warden-cli';

const DIGEST_1 = 'digest 2026-11-16T09:00:00.000Z';
const DIGEST_2 = 'digest 2026-11-23T09:00:00.000Z';

/** Each route channel's digest: the message, its chart drawn, and uploaded into its thread. */
const DIGEST_CALLS = [
  ['slack.chat.postMessage', 'C0PAYMENTS1'],
  ['cloudwatch.getMetricWidgetImage', undefined],
  ['slack.files.getUploadURLExternal', undefined],
  ['slack.files.completeUploadExternal', 'C0PAYMENTS1'],
  ['slack.chat.postMessage', 'C0PLATFORM1'],
  ['cloudwatch.getMetricWidgetImage', undefined],
  ['slack.files.getUploadURLExternal', undefined],
  ['slack.files.completeUploadExternal', 'C0PLATFORM1'],
];

function expectDigest(all: readonly ReplayLine[], label: string, end: string) {
  const calls = all.filter((l) => l.event === label);
  expect(calls.map((l) => [l.call, l.input['channel'] ?? l.input['channel_id']])).toEqual(DIGEST_CALLS);
  expect(calls.every((l) => l.at === label.slice('digest '.length))).toBe(true);
  const posts = calls.filter((l) => l.call === 'slack.chat.postMessage');
  const completes = calls.filter((l) => l.call === 'slack.files.completeUploadExternal');
  // The --json lines leave out what a call answered (the message's ts): each upload names a thread of its own.
  for (const [i, post] of posts.entries()) {
    expect(post.input['thread_ts']).toBeUndefined();
    expect(String(post.input['text'])).toContain(`Delivery this week · ${i === 0 ? 'payments' : 'platform'} (the 7 days to ${end} UTC)`);
    expect(completes[i]?.input['thread_ts']).toEqual(expect.stringMatching(/^1700000000\.\d{6}$/));
  }
  expect(completes[0]?.input['thread_ts']).not.toBe(completes[1]?.input['thread_ts']);
  for (const upload of calls.filter((l) => l.call === 'slack.files.getUploadURLExternal'))
    expect(upload.input).toEqual({ filename: `delivery-${label.slice(7, 17)}.png`, length: 70 });
}

describe('warden replay of events/insights/week', () => {
  it('with --advance 8d: the Monday digests of the 16th and the 23rd, each posted in both route channels with its chart in the thread', () => {
    const { code, stdout, stderr } = warden('replay', '--json', '--advance', '8d', 'events/insights/week');
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const all = replayLines(stdout);
    expect(all.filter((l) => l.error)).toEqual([]);
    expect([...new Set(all.map((l) => l.event).filter((e) => e.startsWith('digest ')))]).toEqual([DIGEST_1, DIGEST_2]);
    expectDigest(all, DIGEST_1, '2026-11-16 09:00');
    expectDigest(all, DIGEST_2, '2026-11-23 09:00');
    const threads = all.filter((l) => l.call === 'slack.files.completeUploadExternal').map((l) => l.input['thread_ts']);
    expect(new Set(threads).size).toBe(4);
    // The digest lines come after the events' own.
    expect(all.findIndex((l) => l.event.startsWith('digest '))).toBe(all.length - 16);
  });

  it('without --advance past the week: only the digest whose time the events passed', () => {
    const { code, stdout } = warden('replay', '--json', 'events/insights/week');
    expect(code).toBe(0);
    const digests = [...new Set(replayLines(stdout).map((l) => l.event))].filter((e) => e.startsWith('digest '));
    expect(digests).toEqual([DIGEST_1]);
    expectDigest(replayLines(stdout), DIGEST_1, '2026-11-16 09:00');
  });

  it('--advance up to the minute: the last event (20th 09:30) + 71h30m reaches Monday 09:00, 71h29m does not', () => {
    const fired = (advance: string) => [
      ...new Set(
        replayLines(warden('replay', '--json', '--advance', advance, 'events/insights/week').stdout)
          .map((l) => l.event)
          .filter((e) => e.startsWith('digest ')),
      ),
    ];
    expect(fired('71h29m')).toEqual([DIGEST_1]);
    expect(fired('71h30m')).toEqual([DIGEST_1, DIGEST_2]);
  });
});

describe('warden replay of events/insights/streak', () => {
  it('posts one alert at the third failed run and one recovery reply in its thread', () => {
    const { code, stdout } = warden('replay', '--json', 'events/insights/streak');
    expect(code).toBe(0);
    const posts = replayLines(stdout).filter((l) => l.call === 'slack.chat.postMessage');
    const alerts = posts.filter((l) => String(l.input['text']).includes('3 failed runs in a row'));
    const recoveries = posts.filter((l) => String(l.input['text']).includes('recovered after 4 failed runs'));
    expect(alerts.map((l) => [path.basename(l.event), l.input['channel'], l.input['thread_ts']])).toEqual([
      ['012-payments-ledger-failed.json', 'C0PAYMENTS1', undefined],
    ]);
    expect(String(alerts[0]?.input['text'])).toContain('<!subteam^S0PAYONCALL>');
    expect(recoveries.map((l) => [path.basename(l.event), l.input['channel'], l.input['reply_broadcast']])).toEqual([
      ['024-payments-ledger-succeeded.json', 'C0PAYMENTS1', true],
    ]);
    // The recovery's thread is the alert's: the alert is the 7th message replay posted (two cards per run before it).
    const tsOfPost = (n: number) => `1700000000.${String(n).padStart(6, '0')}`;
    expect(posts.indexOf(alerts[0] as ReplayLine)).toBe(6);
    expect(recoveries[0]?.input['thread_ts']).toBe(tsOfPost(7));
    expect(posts.filter((l) => /failed runs in a row since|recovered after/.test(String(l.input['text'])))).toHaveLength(2);
  });
});

describe('warden metrics of events/insights/week', () => {
  /**
   * By hand from the files; the window is the 14 days before the last event (20th 09:30) + 1 ms.
   *
   * payments-checkout: deployments on the 9th (lead 30m), 11th (30m), 16th (25m), 17th (production
   * failed at 10:30, retried, succeeded at 11:00: lead 1h), 18th and 20th (30m each): 6; the 10th's
   * production failed at 14:40 and the 13th failed in Build (not a deployment attempt). Attempts 7,
   * failed 2 (10th, 17th): 2/7. Lead times 25m 30m 30m 30m 30m 1h: median 30m, p90 rank ⌈5.4⌉ = 6: 1h.
   * Recovery: 10th 14:40 → 11th 10:30 = 71400 s, 17th 10:30 → 11:00 = 1800 s: median 36600. 6 in 2 weeks: 3/week.
   *
   * web-frontend: deployments on the 9th, 12th, 17th and 19th, lead 20m each: 4; the ManualRollback
   * execution on the 12th (16:00–16:05) rolls back the 12th's 15:20 deployment: 1 failed of 4
   * attempts; recovered when the rollback execution succeeded, 5 min after it began. 2/week.
   */
  it('prints the four keys per pipeline as computed by hand', () => {
    const { code, stdout, stderr } = warden('metrics', '--json', '--since', '14d', 'events/insights/week');
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const [payments, web, ...rest] = stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(rest).toEqual([]);
    expect(payments).toEqual({
      pipeline: 'payments-checkout',
      account: '123456789012',
      region: 'eu-west-1',
      deployments: 6,
      failedDeployments: 2,
      changeFailureRate: 2 / 7,
      leadTimeSeconds: { median: 1800, p90: 3600 },
      recoverySeconds: { median: 36600 },
      deploymentsPerWeek: 3,
      deploymentsPerDay: 6 / 14,
      leadTimeFrom: { commit: 0, executionStart: 6 },
      attempts: 7,
      unrecovered: 0,
      approvalWaitSeconds: { median: null, max: null },
    });
    expect(web).toEqual({
      pipeline: 'web-frontend',
      account: '123456789012',
      region: 'eu-west-1',
      deployments: 4,
      failedDeployments: 1,
      changeFailureRate: 0.25,
      leadTimeSeconds: { median: 1200, p90: 1200 },
      recoverySeconds: { median: 300 },
      deploymentsPerWeek: 2,
      deploymentsPerDay: 4 / 14,
      leadTimeFrom: { commit: 0, executionStart: 4 },
      attempts: 4,
      unrecovered: 0,
      approvalWaitSeconds: { median: null, max: null },
    });
    // The documented fields come first, in this order.
    expect(Object.keys(payments ?? {}).slice(0, 8)).toEqual([
      'pipeline',
      'account',
      'deployments',
      'failedDeployments',
      'changeFailureRate',
      'leadTimeSeconds',
      'recoverySeconds',
      'deploymentsPerWeek',
    ]);
  });
});
