/**
 * The delivery metrics notify counts (Deployments, FailedRuns, LeadTime…), through `notifyEvent`
 * on the events of events/insights/streak (payments-ledger: four failed runs, then a deployment):
 * counted once per fact and team, whatever the duplicates, and once when two workers merge the same
 * event onto one card at the same time (the one whose write loses the race counts nothing).
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readConfigFile } from '../../cli/config-file';
import { picomatchGlobs } from '../../functions/kernel/glob-picomatch';
import type { MetricDatum } from '../../functions/kernel/ports';
import { teamsOf } from '../../functions/notify/app/insights';
import { notifyEvent } from '../../functions/notify/app/notify-event';
import { createMemoryDeliveryFacts } from '../../functions/platform/delivery-facts-memory';
import { createMemoryCardStore } from '../../functions/platform/memory-store';
import { createRecorder } from '../../functions/platform/recording';
import { createMemoryStreaks } from '../../functions/platform/streaks-memory';
import { memoryNotifyDeps } from '../support/scenarios';

const DIR = path.resolve(__dirname, '../../events/insights/streak');
type Event = Record<string, unknown> & { time: string };
const EVENTS: Event[] = readdirSync(DIR)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => JSON.parse(readFileSync(path.join(DIR, f), 'utf8')) as Event);

const loaded = readConfigFile(path.resolve(__dirname, '../../config/warden.yml'));
if (!loaded.ok) throw new Error(loaded.problems.join('\n'));
const CONFIG = loaded.config;

/** Workers sharing one card store, facts and streaks (the table), each with its own metrics, as Lambda containers are. */
function fleet(workers: number) {
  const store = createMemoryCardStore();
  const facts = createMemoryDeliveryFacts();
  const streaks = createMemoryStreaks();
  const metrics: MetricDatum[] = [];
  let now = new Date(EVENTS[0]?.time ?? 0);
  const deps = Array.from({ length: workers }, () =>
    memoryNotifyDeps(CONFIG, createRecorder({}), {
      store,
      insights: { facts, streaks, metrics: { add: (d) => metrics.push(d) } },
      now: () => now,
      sleep: async () => undefined,
    }),
  );
  const at = (event: Event) => {
    now = new Date(event.time);
  };
  return { deps, metrics, at };
}

/** Metric name → how many times it was counted, per team the pipeline's routes name. */
function perTeam(metrics: readonly MetricDatum[]): Record<string, number> {
  const teams = teamsOf(CONFIG, { subject: { account: '123456789012', region: 'eu-west-1', pipeline: 'payments-ledger' } } as never, picomatchGlobs());
  const counts: Record<string, number> = {};
  for (const m of metrics) counts[m.name] = (counts[m.name] ?? 0) + 1 / teams.length;
  for (const team of teams) expect(metrics.filter((m) => m.dimensions?.['Team'] === team).length * teams.length).toBe(metrics.length);
  return counts;
}

/** Hand-counted from the event files: four failed runs, then one run that deploys to production. */
const EXPECTED = { FailedRuns: 4, Deployments: 1, LeadTime: 1 };

describe('delivery metrics on the notify path', () => {
  it('counts each fact once per team', async () => {
    const { deps, metrics, at } = fleet(1);
    for (const event of EVENTS) {
      at(event);
      await notifyEvent(structuredClone(event), deps[0]!);
    }
    expect(perTeam(metrics)).toMatchObject(EXPECTED);
  });

  it('counts nothing more when every event is delivered three times', async () => {
    const { deps, metrics, at } = fleet(1);
    for (const event of EVENTS)
      for (let i = 0; i < 3; i += 1) {
        at(event);
        await notifyEvent(structuredClone(event), deps[0]!);
      }
    expect(perTeam(metrics)).toMatchObject(EXPECTED);
  });

  it('counts once when two workers merge the same event onto one card at the same time', async () => {
    const { deps, metrics, at } = fleet(2);
    for (const event of EVENTS) {
      at(event);
      await Promise.all(deps.map((d) => notifyEvent(structuredClone(event), d)));
    }
    expect(perTeam(metrics)).toMatchObject(EXPECTED);
  });
});
