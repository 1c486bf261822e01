/**
 * Rollback's EpisodeStorePort: the same cases against the DynamoDB store (dynalite: a real
 * conditional put) and the memory one (`warden replay`, the rollback tests).
 */
import { describe, expect, it } from 'vitest';
import { createDynamoEpisodeStore, createMemoryEpisodeStore } from '../../functions/rollback/aws/episodes';
import { cooldownCutoff } from '../../functions/rollback/domain/episode';
import type { Episode } from '../../functions/rollback/domain/types';
import type { EpisodeStorePort } from '../../functions/rollback/ports';
import { useFreshTables } from '../support/contracts';

const tables = useFreshTables('episodes');

const HOUR = 3_600_000;
const T0 = new Date('2026-11-23T10:30:00.000Z');
const later = (ms: number) => new Date(T0.getTime() + ms);
const TARGET = 'codedeploy/123456789012/eu-west-1/web/prod';

const episode = (at: Date, execution: string): Episode => ({
  at: at.toISOString(),
  alarm: 'web-frontend-5xx',
  alarmTime: at.toISOString(),
  execution,
  action: 'redeploy',
});
/** A claim at `at` with a one-hour cooldown. */
const claim = (store: EpisodeStorePort, at: Date, execution: string, target = TARGET) => store.claim(target, episode(at, execution), cooldownCutoff(at, HOUR));

describe.each<[string, () => Promise<EpisodeStorePort>]>([
  ['memory', async () => createMemoryEpisodeStore()],
  ['dynamodb', async () => createDynamoEpisodeStore({ client: tables.dynamo().doc, tableName: await tables.fresh() })],
])('%s episode store', (_name, make) => {
  it('has no episode for a target never rolled back; the first claim is claimed and read back', async () => {
    const store = await make();
    expect(await store.get(TARGET)).toBeUndefined();
    expect(await claim(store, T0, 'first')).toBe('claimed');
    expect(await store.get(TARGET)).toEqual(episode(T0, 'first'));
  });

  it('within the cooldown another execution is held, and the stored episode stays', async () => {
    const store = await make();
    expect(await claim(store, T0, 'first')).toBe('claimed');
    expect(await claim(store, later(10 * 60_000), 'flap')).toBe('held');
    expect(await claim(store, later(HOUR - 1), 'almost')).toBe('held');
    expect(await store.get(TARGET)).toEqual(episode(T0, 'first'));
  });

  it('an episode that started exactly at the cutoff still holds (the cutoff is exclusive)', async () => {
    const store = await make();
    expect(await claim(store, T0, 'first')).toBe('claimed');
    expect(await claim(store, later(HOUR), 'on-the-hour')).toBe('held');
    expect(await claim(store, later(HOUR + 1), 'past-the-hour')).toBe('claimed');
    expect(await store.get(TARGET)).toEqual(episode(later(HOUR + 1), 'past-the-hour'));
  });

  it("the same execution's retried step claims again within the cooldown, and its episode replaces the stored one", async () => {
    const store = await make();
    expect(await claim(store, T0, 'first')).toBe('claimed');
    expect(await claim(store, later(60_000), 'first')).toBe('claimed');
    expect(await store.get(TARGET)).toEqual(episode(later(60_000), 'first'));
    expect(await claim(store, later(2 * 60_000), 'other')).toBe('held');
  });

  it('after the cooldown anyone claims, and the new episode starts a new cooldown', async () => {
    const store = await make();
    expect(await claim(store, T0, 'first')).toBe('claimed');
    expect(await claim(store, later(2 * HOUR), 'next')).toBe('claimed');
    expect((await store.get(TARGET))?.execution).toBe('next');
    expect(await claim(store, later(2 * HOUR + 60_000), 'first')).toBe('held');
  });

  it('of two executions claiming at once, exactly one is claimed; its episode is stored', async () => {
    const store = await make();
    const results = await Promise.all(['a', 'b'].map((execution) => claim(store, T0, execution)));
    expect([...results].sort()).toEqual(['claimed', 'held']);
    expect((await store.get(TARGET))?.execution).toBe(results[0] === 'claimed' ? 'a' : 'b');
  });

  it('keeps targets apart', async () => {
    const store = await make();
    expect(await claim(store, T0, 'first')).toBe('claimed');
    expect(await claim(store, T0, 'second', 'pipeline/123456789012/eu-west-1/web/Deploy')).toBe('claimed');
    expect((await store.get(TARGET))?.execution).toBe('first');
    expect((await store.get('pipeline/123456789012/eu-west-1/web/Deploy'))?.execution).toBe('second');
  });

  // Drift (functions/rollback/aws/episodes.ts, not changed here): the DynamoDB store hands out what
  // it read and stores what was sent; the memory store keeps the caller's episode object and hands
  // that same object out, so a change to one changes what is stored.
  it('hands out copies: changing an episode after claim or after get does not change what is stored', async () => {
    const store = await make();
    const mine = episode(T0, 'first');
    expect(await store.claim(TARGET, mine, cooldownCutoff(T0, HOUR))).toBe('claimed');
    mine.execution = 'changed after claim';
    const read = await store.get(TARGET);
    if (read) read.at = 'changed after get';
    expect(await store.get(TARGET)).toEqual(episode(T0, 'first'));
  });
});
