/**
 * Delivery insights on the notify hot path, end to end: the events of events/insights/streak
 * (scripts/make-insights-scenarios.ts: payments-ledger fails four runs in a row, then succeeds)
 * through `notifyEvent` with a memory card store, memory delivery facts and streaks, and recording
 * Slack and email. The facts recorded, the one streak alert (config/warden.yml: the payments
 * route's rule, 3 in a row) and the one recovery reply in its thread; then the same with every event
 * delivered three times and with each run's events in other orders.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readConfigFile } from '../../cli/config-file';
import type { DeliveryFact } from '../../functions/kernel/delivery/fact';
import { notifyEvent } from '../../functions/notify/app/notify-event';
import { createMemoryDeliveryFacts } from '../../functions/platform/delivery-facts-memory';
import { createMemoryCardStore } from '../../functions/platform/memory-store';
import { createRecorder, type RecordedCall } from '../../functions/platform/recording';
import { createMemoryStreaks } from '../../functions/platform/streaks-memory';
import { memoryNotifyDeps, rng, shuffle, TOPIC } from '../support/scenarios';

const DIR = path.resolve(__dirname, '../../events/insights/streak');
type Event = Record<string, unknown> & { time: string; detail: Record<string, unknown> };
const EVENTS: Event[] = readdirSync(DIR)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => JSON.parse(readFileSync(path.join(DIR, f), 'utf8')) as Event);

/** The runs in the order they happened, each its events in file order. */
const RUNS: Event[][] = [];
for (const event of EVENTS) {
  const id = event.detail['execution-id'];
  const run = RUNS.find((r) => r[0]?.detail['execution-id'] === id);
  if (run) run.push(event);
  else RUNS.push([event]);
}
const EXECUTIONS = RUNS.map((r) => String(r[0]?.detail['execution-id']));

const loaded = readConfigFile(path.resolve(__dirname, '../../config/warden.yml'));
if (!loaded.ok) throw new Error(loaded.problems.join('\n'));
const CONFIG = loaded.config;

const PLACE = { account: '123456789012', region: 'eu-west-1', pipeline: 'payments-ledger' };
const STREAK_KEY = '123456789012/eu-west-1/payments-ledger';

async function notifyAll(events: readonly Event[]) {
  const recorder = createRecorder({});
  const facts = createMemoryDeliveryFacts();
  const streaks = createMemoryStreaks();
  const store = createMemoryCardStore();
  let now = new Date(EVENTS[0]?.time ?? 0);
  const deps = memoryNotifyDeps(CONFIG, recorder, { store, insights: { facts, streaks }, now: () => now });
  for (const event of events) {
    now = new Date(event.time);
    await notifyEvent(structuredClone(event), deps);
  }
  return { calls: recorder.calls, facts, streaks, store };
}

const cardKey = (run: number) => `pipeline/123456789012/eu-west-1/payments-ledger/${EXECUTIONS[run]}`;
/** The failure streak each run's stored card continues (failures in a row, this run included). */
const cardStreaks = async (store: ReturnType<typeof createMemoryCardStore>) =>
  Promise.all(EXECUTIONS.map(async (_, run) => (await store.get(cardKey(run)))?.card.streak?.failures));

const posts = (calls: readonly RecordedCall[]) => calls.filter((c) => c.call === 'slack.chat.postMessage');
const text = (c: RecordedCall) => `${String(c.input['text'])} ${JSON.stringify(c.input['blocks'])}`;
const alerts = (calls: readonly RecordedCall[]) => posts(calls).filter((c) => text(c).includes('failed runs in a row since'));
const recoveries = (calls: readonly RecordedCall[]) => posts(calls).filter((c) => text(c).includes('recovered after'));
const emails = (calls: readonly RecordedCall[]) => calls.filter((c) => c.call === 'sns.publish').map((c) => String(c.input['Subject']));

/** Hand-made from the event files: times are each run's start plus the minutes of its steps. */
const EXPECTED_FACTS: DeliveryFact[] = [
  { ...PLACE, kind: 'run', outcome: 'failed', executionId: EXECUTIONS[0] ?? '', at: '2026-11-16T09:06:00Z', startedAt: '2026-11-16T09:00:00.000Z' },
  { ...PLACE, kind: 'run', outcome: 'failed', executionId: EXECUTIONS[1] ?? '', at: '2026-11-16T11:06:00Z', startedAt: '2026-11-16T11:00:00.000Z' },
  { ...PLACE, kind: 'run', outcome: 'failed', executionId: EXECUTIONS[2] ?? '', at: '2026-11-16T13:06:00Z', startedAt: '2026-11-16T13:00:00.000Z' },
  { ...PLACE, kind: 'run', outcome: 'failed', executionId: EXECUTIONS[3] ?? '', at: '2026-11-16T15:06:00Z', startedAt: '2026-11-16T15:00:00.000Z' },
  { ...PLACE, kind: 'deployment', executionId: EXECUTIONS[4] ?? '', at: '2026-11-17T09:30:00Z', startedAt: '2026-11-17T09:00:00.000Z' },
  { ...PLACE, kind: 'run', outcome: 'succeeded', executionId: EXECUTIONS[4] ?? '', at: '2026-11-17T09:30:00Z', startedAt: '2026-11-17T09:00:00.000Z' },
];

/** Facts compared without the exact spelling of times (`…Z` or `….000Z`): the instants must match. */
const normalized = (facts: readonly DeliveryFact[]) =>
  facts
    .map((f) => ({ ...f, at: new Date(f.at).toISOString(), ...('startedAt' in f ? { startedAt: new Date(f.startedAt).toISOString() } : {}) }))
    .sort((a, b) => a.at.localeCompare(b.at) || a.kind.localeCompare(b.kind));

/** One alert, its email, one recovery in its thread and its email, whatever the delivery. */
function expectOneIncident(calls: readonly RecordedCall[], label: string) {
  const [alert, ...moreAlerts] = alerts(calls);
  expect(moreAlerts, label).toEqual([]);
  expect(alert, label).toBeDefined();
  expect(alert?.input['channel'], label).toBe('C0PAYMENTS1');
  expect(alert?.input['thread_ts'], label).toBeUndefined();
  expect(text(alert as RecordedCall), label).toContain('3 failed runs in a row');
  expect(text(alert as RecordedCall), label).toContain('<!subteam^S0PAYONCALL>');
  const alertTs = (alert?.output as { ts?: string } | undefined)?.ts;
  expect(alertTs, label).toEqual(expect.any(String));

  const [recovery, ...moreRecoveries] = recoveries(calls);
  expect(moreRecoveries, label).toEqual([]);
  expect(recovery?.input, label).toMatchObject({ channel: 'C0PAYMENTS1', thread_ts: alertTs, reply_broadcast: true });
  expect(text(recovery as RecordedCall), label).toContain('recovered after 4 failed runs');

  const streakEmails = emails(calls).filter((s) => s.includes('in a row') || s.includes('recovered'));
  expect(streakEmails, label).toEqual([
    '[pipeline-warden] payments-ledger: 3 failed runs in a row',
    '[pipeline-warden] payments-ledger: recovered after 4 failed runs',
  ]);
  const published = calls.filter((c) => c.call === 'sns.publish' && String(c.input['Subject']).includes('in a row'));
  expect(
    published.map((c) => c.input['TopicArn']),
    label,
  ).toEqual([TOPIC]);
}

describe('the streak scenario through the notify path, in file order', () => {
  it('records the delivery facts: four failed run ends, one succeeded, one deployment', async () => {
    const { facts } = await notifyAll(EVENTS);
    expect(EXECUTIONS).toHaveLength(5);
    expect(new Set(EXECUTIONS).size).toBe(5);
    const all = facts.all();
    expect(all.filter((f) => f.kind === 'run' && f.outcome === 'failed')).toHaveLength(4);
    expect(all.filter((f) => f.kind === 'run' && f.outcome === 'succeeded')).toHaveLength(1);
    expect(all.filter((f) => f.kind === 'deployment')).toHaveLength(1);
    expect(normalized(all)).toEqual(normalized(EXPECTED_FACTS));
  });

  it('alerts once when the third run fails, in the payments channel with its on-call group, and emails it', async () => {
    const { calls } = await notifyAll(EVENTS);
    expectOneIncident(calls, 'file order');
    // The alert goes when the third run's end is seen, not before.
    const third = await notifyAll(RUNS.slice(0, 3).flat());
    expect(alerts(third.calls)).toHaveLength(1);
    const two = await notifyAll(RUNS.slice(0, 2).flat());
    expect(alerts(two.calls)).toEqual([]);
    expect(emails(two.calls).filter((s) => s.includes('in a row'))).toEqual([]);
    // The alert lists the three failed runs, newest first.
    const alertText = JSON.stringify(alerts(calls)[0]?.input['blocks']);
    const listed = EXECUTIONS.slice(0, 3).map((id) => alertText.indexOf(id.slice(0, 8)));
    expect(listed.every((i) => i >= 0)).toBe(true);
    expect(listed).toEqual([...listed].sort((a, b) => b - a));
    expect(alertText).not.toContain(EXECUTIONS[3]?.slice(0, 8));
  });

  it('replies "recovered" once, in the alert thread, when the fifth run succeeds, and the streak is closed', async () => {
    const { calls, streaks } = await notifyAll(EVENTS);
    const recovery = recoveries(calls)[0];
    // 09:06 on the 16th (the first failure) to 09:30 on the 17th.
    expect(String(recovery?.input['text'])).toContain('recovered after 4 failed runs, 1d 24m');
    const stored = (await streaks.get(STREAK_KEY))?.streak;
    expect(stored?.failures).toEqual([]);
    expect(stored?.incident).toBeUndefined();
    expect(stored?.pending).toBeUndefined();
    expect(new Date(stored?.lastSuccessAt ?? '').toISOString()).toBe('2026-11-17T09:30:00.000Z');
  });

  it('says on the card of each failed run from the second on how many failed in a row, this one included', async () => {
    const { calls, store } = await notifyAll(EVENTS);
    const cardPosts = posts(calls).filter((c) => !c.input['thread_ts'] && !alerts(calls).includes(c));
    // One card per run in each of the two channels the payments-* pipelines take.
    expect(cardPosts.map((c) => c.input['channel'])).toEqual(Array.from({ length: 5 }, () => ['C0PAYMENTS1', 'C0PLATFORM1']).flat());
    // What each channel shows at the end: the card's last post or update.
    const shown = (run: number) =>
      ['C0PAYMENTS1', 'C0PLATFORM1'].map((channel) => {
        const last = calls
          .filter((c) => (c.call === 'slack.chat.postMessage' || c.call === 'slack.chat.update') && c.input['channel'] === channel && !c.input['thread_ts'])
          .filter((c) => text(c).includes(EXECUTIONS[run]?.slice(0, 8) ?? '-') && !alerts(calls).includes(c))
          .at(-1);
        return last ? (/🔥 (\d+) failed runs in a row \(since 2026-11-16 09:06:00 UTC\)/.exec(text(last))?.[1] ?? 'none') : 'no card';
      });
    expect([0, 1, 2, 3, 4].map(shown)).toEqual([
      ['none', 'none'],
      ['2', '2'],
      ['3', '3'],
      ['4', '4'],
      ['none', 'none'],
    ]);
    expect(await cardStreaks(store)).toEqual([undefined, 2, 3, 4, undefined]);
    const second = (await store.get(cardKey(1)))?.card.streak;
    expect(new Date(second?.since ?? '').toISOString()).toBe('2026-11-16T09:06:00.000Z');
  });
});

describe('the streak scenario delivered otherwise', () => {
  const reference = notifyAll(EVENTS);

  it('every event three times: one alert, one recovery, the same facts', async () => {
    const { calls, facts, store } = await notifyAll(EVENTS.flatMap((e) => [e, e, e]));
    expectOneIncident(calls, 'x3');
    expect(await cardStreaks(store)).toEqual([undefined, 2, 3, 4, undefined]);
    expect(facts.all()).toEqual((await reference).facts.all());
  });

  it('the whole scenario delivered again after it ended: nothing more is announced', async () => {
    const { calls, facts } = await notifyAll([...EVENTS, ...EVENTS]);
    expectOneIncident(calls, 'twice over');
    expect(facts.all()).toEqual((await reference).facts.all());
  });

  it("each run's events in reverse order: one alert, one recovery, the same facts", async () => {
    const { calls, facts, store } = await notifyAll(RUNS.flatMap((run) => [...run].reverse()));
    expectOneIncident(calls, 'reversed');
    expect(await cardStreaks(store)).toEqual([undefined, 2, 3, 4, undefined]);
    expect(facts.all()).toEqual((await reference).facts.all());
  });

  it("20 random orders of each run's events (runs do not overlap in time), with duplicates: one alert, one recovery, the same facts", async () => {
    const expected = (await reference).facts.all();
    for (let seed = 1; seed <= 20; seed += 1) {
      const random = rng(seed);
      const delivered = RUNS.flatMap((run) => shuffle([...run, ...run.filter(() => random() < 0.5)], random));
      const { calls, facts, store } = await notifyAll(delivered);
      expectOneIncident(calls, `seed ${seed}`);
      expect(await cardStreaks(store), `seed ${seed}`).toEqual([undefined, 2, 3, 4, undefined]);
      expect(facts.all(), `seed ${seed}`).toEqual(expected);
    }
  });
});
