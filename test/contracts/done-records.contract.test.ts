/**
 * Governance's DoneRecordsPort (at most once per event): the same cases against the DynamoDB
 * records (dynalite: a real conditional put) and the memory ones (`warden replay`, the governance
 * tests), on one clock each case moves.
 */
import { describe, expect, it } from 'vitest';
import type { DoneRecordsPort } from '../../functions/governance/app/deps';
import { DONE_TTL_SECONDS } from '../../functions/governance/app/once';
import { createDynamoDoneRecords } from '../../functions/governance/aws/governance';
import { createMemoryDoneRecords } from '../../functions/governance/world';
import { useFreshTables } from '../support/contracts';

const tables = useFreshTables('done');

const T0 = new Date('2026-11-23T10:00:00.000Z');
const KEY = 'report#1a2b3c#slack';

interface Subject {
  readonly done: DoneRecordsPort;
  /** Sets the records' clock: `seconds` after T0. */
  readonly at: (seconds: number) => void;
}

const clocked = (make: (now: () => Date) => DoneRecordsPort | Promise<DoneRecordsPort>) => async (): Promise<Subject> => {
  let now = T0;
  const done = await make(() => now);
  return {
    done,
    at: (seconds) => {
      now = new Date(T0.getTime() + seconds * 1000);
    },
  };
};

describe.each<[string, () => Promise<Subject>]>([
  ['memory', clocked((now) => createMemoryDoneRecords(now))],
  ['dynamodb', clocked(async (now) => createDynamoDoneRecords({ client: tables.dynamo().doc, tableName: await tables.fresh(), now }))],
])('%s done records', (_name, make) => {
  it('claims a key once: true the first time, false for every duplicate while the record lasts', async () => {
    const { done, at } = await make();
    expect(await done.claim(KEY)).toBe(true);
    expect(await done.claim(KEY)).toBe(false);
    at(6 * 3600);
    expect(await done.claim(KEY)).toBe(false);
    at(DONE_TTL_SECONDS - 1);
    expect(await done.claim(KEY)).toBe(false);
  });

  it('of concurrent claims of one key, exactly one is true', async () => {
    const { done } = await make();
    const results = await Promise.all(Array.from({ length: 10 }, () => done.claim(KEY)));
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it('keeps keys apart', async () => {
    const { done } = await make();
    expect(await done.claim(KEY)).toBe(true);
    expect(await done.claim(`${KEY}#email`)).toBe(true);
    expect(await done.claim('report#1a2b3c')).toBe(true);
    expect(await done.claim(`${KEY}#email`)).toBe(false);
  });

  it('release lets the key be claimed again (once); releasing a key never claimed is harmless', async () => {
    const { done, at } = await make();
    await done.release('never-claimed');
    expect(await done.claim('never-claimed')).toBe(true);
    expect(await done.claim(KEY)).toBe(true);
    at(60);
    await done.release(KEY);
    expect(await done.claim(KEY)).toBe(true);
    expect(await done.claim(KEY)).toBe(false);
    await done.release(KEY);
    await done.release(KEY);
    expect(await done.claim(KEY)).toBe(true);
  });

  it('a record past its expiry is no record: the key is claimed again, and then held anew for the full time', async () => {
    const { done, at } = await make();
    expect(await done.claim(KEY)).toBe(true);
    at(DONE_TTL_SECONDS + 1);
    expect(await done.claim(KEY)).toBe(true);
    expect(await done.claim(KEY)).toBe(false);
    at(2 * DONE_TTL_SECONDS);
    expect(await done.claim(KEY)).toBe(false);
    at(2 * DONE_TTL_SECONDS + 2);
    expect(await done.claim(KEY)).toBe(true);
  });

  // Drift (functions/governance/world.ts, not changed here): DynamoDB keeps the expiry in whole
  // seconds (`expiresAt` = ⌊claim⌋ + TTL) and a record counts until `expiresAt < ⌊now⌋`, so it holds
  // through the second it expires in; the memory records expire at claim + TTL to the millisecond,
  // up to a second earlier.
  it('a record still holds at its expiry, and through that whole second', async () => {
    const { done, at } = await make();
    at(0.5);
    expect(await done.claim(KEY)).toBe(true);
    at(DONE_TTL_SECONDS);
    expect(await done.claim(KEY)).toBe(false);
    at(DONE_TTL_SECONDS + 0.5);
    expect(await done.claim(KEY)).toBe(false);
    at(DONE_TTL_SECONDS + 0.9);
    expect(await done.claim(KEY)).toBe(false);
    at(DONE_TTL_SECONDS + 1);
    expect(await done.claim(KEY)).toBe(true);
  });
});
