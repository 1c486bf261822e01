/**
 * DeliveryFactsPort, StreakStorePort and OncePort: the same cases against the DynamoDB stores
 * (dynalite: real BatchWriteItem, Query and conditional writes) and the memory ones (`warden replay`,
 * handler tests). The DynamoDB stores are the reference.
 */
import { describe, expect, it } from 'vitest';
import type { DeliveryFact } from '../../functions/kernel/delivery/fact';
import type { Streak } from '../../functions/kernel/delivery/streak';
import { CardConflictError } from '../../functions/kernel/errors';
import type { DeliveryFactsPort, OncePort, StreakStorePort } from '../../functions/kernel/ports';
import { createDynamoDeliveryFacts } from '../../functions/platform/delivery-facts-dynamo';
import { createMemoryDeliveryFacts } from '../../functions/platform/delivery-facts-memory';
import { createDynamoOnce } from '../../functions/platform/once-dynamo';
import { createMemoryOnce } from '../../functions/platform/once-memory';
import { createDynamoStreaks } from '../../functions/platform/streaks-dynamo';
import { createMemoryStreaks } from '../../functions/platform/streaks-memory';
import { useFreshTables } from '../support/contracts';

const tables = useFreshTables('delivery');

const place = { account: '123456789012', region: 'eu-west-1', pipeline: 'payments-checkout' } as const;
/** `at('09T10:00:00')` is 2026-11-09T10:00:00.000Z. */
const at = (s: string) => `2026-11-${s}.000Z`;
const range = (from: string, to: string) => ({ from: new Date(at(from)), to: new Date(at(to)) });

const deployment = (executionId: string, when: string): DeliveryFact => ({
  ...place,
  kind: 'deployment',
  executionId,
  at: at(when),
  startedAt: at(when),
});
const runEnd = (executionId: string, when: string): DeliveryFact => ({
  ...place,
  kind: 'run',
  outcome: 'failed',
  executionId,
  at: at(when),
  startedAt: at(when),
});

/** Facts in time order, then by execution: stores return them in their own order. */
const sorted = (facts: readonly DeliveryFact[]) =>
  [...facts].sort((a, b) => a.at.localeCompare(b.at) || a.executionId.localeCompare(b.executionId) || a.kind.localeCompare(b.kind));

describe.each<[string, () => Promise<DeliveryFactsPort>]>([
  ['memory', async () => createMemoryDeliveryFacts()],
  ['dynamodb', async () => createDynamoDeliveryFacts({ client: tables.dynamo().doc, tableName: await tables.fresh() })],
])('%s delivery facts', (_name, make) => {
  const WEEK = range('01T00:00:00', '30T00:00:00');

  it('finds nothing in an empty store', async () => {
    const facts = await make();
    expect(await facts.between(WEEK)).toEqual([]);
  });

  it('recording a fact twice keeps one', async () => {
    const facts = await make();
    await facts.record([deployment('e1', '09T10:00:00')]);
    await facts.record([deployment('e1', '09T10:00:00')]);
    expect(await facts.between(WEEK)).toEqual([deployment('e1', '09T10:00:00')]);
  });

  it('a fact recorded again under its key with new content replaces it (same day)', async () => {
    const facts = await make();
    await facts.record([deployment('e1', '09T10:00:00')]);
    await facts.record([deployment('e1', '09T11:00:00')], [deployment('e1', '09T10:00:00')]);
    expect(await facts.between(WEEK)).toEqual([deployment('e1', '09T11:00:00')]);
  });

  it('keeps kinds and executions apart: a run and a deployment of one execution are two facts', async () => {
    const facts = await make();
    await facts.record([deployment('e1', '09T10:00:00'), runEnd('e1', '09T10:00:00'), deployment('e2', '09T10:00:00')]);
    expect(sorted(await facts.between(WEEK))).toEqual(sorted([deployment('e1', '09T10:00:00'), runEnd('e1', '09T10:00:00'), deployment('e2', '09T10:00:00')]));
  });

  const ACROSS_DAYS = [
    deployment('before', '09T23:59:59'),
    deployment('from', '10T00:00:00'),
    deployment('noon', '10T12:00:00'),
    deployment('next', '11T08:00:00'),
    deployment('last', '12T23:59:59'),
    deployment('to', '13T00:00:00'),
    deployment('after', '14T09:00:00'),
  ];

  it.each([
    ['three whole days', range('10T00:00:00', '13T00:00:00'), ['from', 'noon', 'next', 'last']],
    ['from midday to morning', range('10T12:00:00', '11T09:00:00'), ['noon', 'next']],
    ['an empty range', range('10T12:00:00', '10T12:00:00'), []],
    ['a range with no facts', range('15T00:00:00', '20T00:00:00'), []],
    ['everything', range('01T00:00:00', '30T00:00:00'), ['before', 'from', 'noon', 'next', 'last', 'to', 'after']],
  ])('between returns the facts with at in [from, to): %s', async (_case, window, expected) => {
    const facts = await make();
    await facts.record(ACROSS_DAYS);
    expect((await facts.between(window)).map((f) => f.executionId).sort()).toEqual([...expected].sort());
  });

  it('between is exact to the millisecond at both ends', async () => {
    const facts = await make();
    await facts.record([deployment('a', '10T12:00:00'), deployment('b', '10T12:00:01')]);
    expect(await facts.between({ from: new Date(at('10T12:00:00')), to: new Date(Date.parse(at('10T12:00:01')) - 1) })).toEqual([
      deployment('a', '10T12:00:00'),
    ]);
    expect(await facts.between({ from: new Date(Date.parse(at('10T12:00:00')) + 1), to: new Date(at('10T12:00:02')) })).toEqual([
      deployment('b', '10T12:00:01'),
    ]);
  });

  it('a fact whose at moved to another day (the old one in replaces) is found only under its new time', async () => {
    const facts = await make();
    const old = deployment('e1', '09T23:50:00');
    const moved = deployment('e1', '10T00:10:00');
    await facts.record([old]);
    await facts.record([moved], [old]);
    expect(await facts.between(range('09T00:00:00', '10T00:00:00'))).toEqual([]);
    expect(await facts.between(range('10T00:00:00', '11T00:00:00'))).toEqual([moved]);
    expect(await facts.between(WEEK)).toEqual([moved]);
  });

  it('records 30 facts in one call (more than one BatchWriteItem of 25)', async () => {
    const facts = await make();
    // 30 runs, one every 2 hours from 09T00:00: the last at 09T00:00 + 58 h = 11T10:00.
    const many = Array.from({ length: 30 }, (_, i) =>
      runEnd(`e${String(i).padStart(2, '0')}`, `${String(9 + Math.floor((i * 2) / 24)).padStart(2, '0')}T${String((i * 2) % 24).padStart(2, '0')}:00:00`),
    );
    expect(many.at(-1)?.at).toBe('2026-11-11T10:00:00.000Z');
    await facts.record(many);
    expect(sorted(await facts.between(WEEK))).toEqual(sorted(many));
  });

  it('records 20 facts that moved day with their 20 old ones (40 writes) in one call', async () => {
    const facts = await make();
    const old = Array.from({ length: 20 }, (_, i) => deployment(`e${String(i).padStart(2, '0')}`, '09T23:00:00'));
    const moved = old.map((f) => ({ ...f, at: at('10T01:00:00') }));
    await facts.record(old);
    await facts.record(moved, old);
    expect(await facts.between(range('09T00:00:00', '10T00:00:00'))).toEqual([]);
    expect(sorted(await facts.between(WEEK))).toEqual(sorted(moved));
  });
});

describe.each<[string, () => Promise<StreakStorePort>]>([
  ['memory', async () => createMemoryStreaks()],
  ['dynamodb', async () => createDynamoStreaks({ client: tables.dynamo().doc, tableName: await tables.fresh() })],
])('%s streaks', (_name, make) => {
  const KEY = '123456789012/eu-west-1/payments-ledger';
  const one: Streak = { failures: [{ executionId: 'e1', at: at('09T10:00:00') }], recent: [{ executionId: 'e1', at: at('09T10:00:00') }] };
  const open: Streak = {
    failures: [{ executionId: 'e1', at: at('09T10:00:00') }],
    lastSuccessAt: at('09T09:00:00'),
    incident: { openedAt: at('09T10:00:00'), reason: '3 failed runs in a row', by: 'consecutive', alerts: [{ channel: 'C0PAYMENTS1', ts: '1.000100' }] },
  };

  it('has no streak for a pipeline it never stored', async () => {
    const streaks = await make();
    expect(await streaks.get(KEY)).toBeUndefined();
  });

  it('puts at version 0, reads it back at version 1, and each put at the current version writes the next', async () => {
    const streaks = await make();
    await streaks.put(KEY, one, 0);
    expect(await streaks.get(KEY)).toEqual({ streak: one, version: 1 });
    await streaks.put(KEY, open, 1);
    expect(await streaks.get(KEY)).toEqual({ streak: open, version: 2 });
  });

  it.each([
    ['a stale version', 1],
    ['version 0 for a stored streak', 0],
    ['a version from the future', 5],
  ])('refuses %s with CardConflictError, keeping what is stored', async (_case, version) => {
    const streaks = await make();
    await streaks.put(KEY, one, 0);
    await streaks.put(KEY, open, 1);
    await expect(streaks.put(KEY, { failures: [] }, version)).rejects.toBeInstanceOf(CardConflictError);
    expect(await streaks.get(KEY)).toEqual({ streak: open, version: 2 });
  });

  it('refuses version 1 for a streak never stored', async () => {
    const streaks = await make();
    await expect(streaks.put(KEY, one, 1)).rejects.toBeInstanceOf(CardConflictError);
    expect(await streaks.get(KEY)).toBeUndefined();
  });

  it('keeps pipelines apart', async () => {
    const streaks = await make();
    await streaks.put(KEY, one, 0);
    await streaks.put(`${KEY}-2`, open, 0);
    expect(await streaks.get(KEY)).toEqual({ streak: one, version: 1 });
    expect(await streaks.get(`${KEY}-2`)).toEqual({ streak: open, version: 1 });
  });
});

describe.each<[string, () => Promise<OncePort>]>([
  ['memory', async () => createMemoryOnce()],
  ['dynamodb', async () => createDynamoOnce({ client: tables.dynamo().doc, tableName: await tables.fresh() })],
])('%s once', (_name, make) => {
  const KEY = 'digest#payments#C0PAYMENTS1#2026-11-09';
  const until = new Date(at('23T09:00:00'));

  it('the first claim is true, the second false; after a release a claim is true again', async () => {
    const once = await make();
    expect(await once.claim(KEY, until)).toBe(true);
    expect(await once.claim(KEY, until)).toBe(false);
    await once.release(KEY);
    expect(await once.claim(KEY, until)).toBe(true);
    expect(await once.claim(KEY, until)).toBe(false);
  });

  it('keeps keys apart', async () => {
    const once = await make();
    expect(await once.claim(KEY, until)).toBe(true);
    expect(await once.claim(`${KEY}-other`, until)).toBe(true);
    await once.release(`${KEY}-other`);
    expect(await once.claim(KEY, until)).toBe(false);
  });

  it('releasing a key never claimed is harmless', async () => {
    const once = await make();
    await once.release(KEY);
    expect(await once.claim(KEY, until)).toBe(true);
  });

  it('of two concurrent claims exactly one wins', async () => {
    const once = await make();
    const results = await Promise.all([once.claim(KEY, until), once.claim(KEY, until)]);
    expect(results.sort()).toEqual([false, true]);
  });
});
