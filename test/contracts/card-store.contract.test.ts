/**
 * CardStorePort: the same cases against the DynamoDB card store (dynalite: real conditional writes)
 * and the memory one (`warden replay`, handler tests). The DynamoDB store is the reference.
 */
import { describe, expect, it } from 'vitest';
import { emptyCard } from '../../functions/kernel/card/merge';
import type { RunCard } from '../../functions/kernel/card/types';
import { CardConflictError } from '../../functions/kernel/errors';
import type { CardStorePort } from '../../functions/kernel/ports';
import { claimChannels } from '../../functions/notify/domain/delivery';
import { createDynamoCardStore } from '../../functions/platform/dynamo-store';
import { createMemoryCardStore } from '../../functions/platform/memory-store';
import { useFreshTables } from '../support/contracts';

const tables = useFreshTables('cards');

const card = (key: string, extra: Partial<RunCard> = {}): RunCard => ({
  ...emptyCard({ kind: 'pipeline', key }, { account: '123456789012', region: 'eu-west-1', pipeline: 'release' }),
  ...extra,
});

/** A card with optional fields left `undefined` at every depth, and nested maps and arrays. */
const cardWithGaps = (key: string): RunCard =>
  card(key, {
    subject: { account: '123456789012', region: 'eu-west-1', pipeline: 'release', project: undefined },
    facts: {
      'build:proj:1': {
        time: '2026-11-23T09:15:00.000Z',
        since: undefined,
        eventId: 'e2',
        fact: { type: 'build', buildId: 'proj:1', project: 'proj', state: 'FAILED', buildNumber: 42, logGroup: undefined },
      },
    },
    slack: { C0TEAM0001: { ts: '1700000000.000100', rendered: 'abc' }, C0TEAM0002: { claimedAt: '2026-11-23T09:14:01.000Z', ts: undefined } },
    threads: ['C0TEAM0001|action:Build/Test@2026-11-23T09:16:00.000Z'],
  });

/** A card as JSON says it: `undefined` fields are absent, not present with the value undefined. */
const asJson = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

describe.each<[string, () => Promise<CardStorePort>]>([
  ['memory', async () => createMemoryCardStore()],
  ['dynamodb', async () => createDynamoCardStore({ client: tables.dynamo().doc, tableName: await tables.fresh() })],
])('%s card store', (_name, make) => {
  it('has no card for a run it never stored', async () => {
    const store = await make();
    expect(await store.get('pipeline/123456789012/eu-west-1/release/none')).toBeUndefined();
  });

  it('creates a card at version 1, and each put at the current version writes the next one', async () => {
    const store = await make();
    await store.put(card('r1'), 0);
    expect(await store.get('r1')).toEqual({ card: card('r1'), version: 1 });
    await store.put(card('r1', { threads: ['C0TEAM0001|a'] }), 1);
    await store.put(card('r1', { threads: ['C0TEAM0001|a', 'C0TEAM0001|b'] }), 2);
    expect(await store.get('r1')).toEqual({ card: card('r1', { threads: ['C0TEAM0001|a', 'C0TEAM0001|b'] }), version: 3 });
  });

  it('reads several runs at once: each stored card at its version, nothing for a run never stored, a key asked twice once', async () => {
    const store = await make();
    await store.put(card('r1'), 0);
    await store.put(cardWithGaps('r2'), 0);
    await store.put(card('r2', { threads: ['C0TEAM0001|a'] }), 1);
    const keys = Array.from({ length: 130 }, (_, i) => `absent-${i}`);
    const read = await store.getMany(['r1', 'r2', 'r1', ...keys]);
    expect([...read.keys()].sort()).toEqual(['r1', 'r2']);
    expect(read.get('r1')).toEqual({ card: card('r1'), version: 1 });
    expect(read.get('r2')).toEqual({ card: asJson(card('r2', { threads: ['C0TEAM0001|a'] })), version: 2 });
    expect((await store.getMany([])).size).toBe(0);
  });

  it('keeps runs apart: a card is found under its own run key only', async () => {
    const store = await make();
    await store.put(card('pipeline/a'), 0);
    await store.put(card('pipeline/b', { threads: ['x'] }), 0);
    await store.put(card('pipeline/b', { threads: ['y'] }), 1);
    expect(await store.get('pipeline/a')).toEqual({ card: card('pipeline/a'), version: 1 });
    expect(await store.get('pipeline/b')).toEqual({ card: card('pipeline/b', { threads: ['y'] }), version: 2 });
    expect(await store.get('pipeline')).toBeUndefined();
  });

  it('refuses a stale version, an existing card at version 0, a missing card at version 1 and a version from the future, with CardConflictError, keeping what is stored', async () => {
    const store = await make();
    await store.put(card('r3'), 0);
    await store.put(card('r3', { threads: ['first'] }), 1);
    await expect(store.put(card('r3', { threads: ['stale'] }), 1)).rejects.toBeInstanceOf(CardConflictError);
    await expect(store.put(card('r3', { threads: ['again'] }), 0)).rejects.toBeInstanceOf(CardConflictError);
    await expect(store.put(card('r3', { threads: ['future'] }), 3)).rejects.toBeInstanceOf(CardConflictError);
    await expect(store.put(card('r3-missing'), 1)).rejects.toBeInstanceOf(CardConflictError);
    expect(await store.get('r3')).toEqual({ card: card('r3', { threads: ['first'] }), version: 2 });
    expect(await store.get('r3-missing')).toBeUndefined();
  });

  it.each([0, 1])('lets exactly one of two concurrent writers from version %i win; the other gets CardConflictError', async (from) => {
    const store = await make();
    if (from === 1) await store.put(card('r4'), 0);
    const results = await Promise.allSettled(['x', 'y'].map((thread) => store.put(card('r4', { threads: [thread] }), from)));
    const winner = results.findIndex((r) => r.status === 'fulfilled');
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(results.filter((r) => r.status === 'rejected' && r.reason instanceof CardConflictError)).toHaveLength(1);
    expect(await store.get('r4')).toEqual({ card: card('r4', { threads: [['x', 'y'][winner]!] }), version: from + 1 });
  });

  it("a first-post claim (the channel's claimedAt, written at the version read) is won by one of two workers; the loser re-reads and sees the claim held", async () => {
    const store = await make();
    await store.put(card('r5'), 0);
    const read = await store.get('r5');
    if (!read) throw new Error('card r5 was not stored');
    const claims = ['2026-11-23T09:14:01.000Z', '2026-11-23T09:14:01.500Z'].map((at) => {
      const claim = claimChannels(read.card, ['C0TEAM0001'], new Date(at));
      if (!claim.ok) throw new Error('an unclaimed channel was refused');
      return store.put(claim.card, read.version);
    });
    const results = await Promise.allSettled(claims);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    const after = await store.get('r5');
    expect(after?.version).toBe(2);
    expect(claimChannels(after!.card, ['C0TEAM0001'], new Date('2026-11-23T09:14:02.000Z'))).toMatchObject({ ok: false });
  });

  it('reads back what was put, deep-equal, as JSON: an undefined optional field is absent, at every depth', async () => {
    const store = await make();
    await store.put(cardWithGaps('r6'), 0);
    const stored = await store.get('r6');
    expect(stored?.card).toStrictEqual(asJson(cardWithGaps('r6')));
    expect(Object.keys(stored?.card.slack['C0TEAM0002'] ?? {})).toEqual(['claimedAt']);
    expect('project' in (stored?.card.subject ?? {})).toBe(false);
  });

  it('hands out copies: changing a card after put or after get does not change what is stored', async () => {
    const store = await make();
    const threads = ['C0TEAM0001|t1'];
    const slack: Record<string, { ts?: string }> = { C0TEAM0001: { ts: '1.1' } };
    await store.put(card('r7', { threads, slack }), 0);
    threads.push('changed after put');
    slack['C0TEAM0001']!.ts = 'changed after put';
    const read = await store.get('r7');
    if (!read) throw new Error('card r7 was not stored');
    (read.card.threads as string[]).push('changed after get');
    expect((await store.get('r7'))?.card).toEqual(card('r7', { threads: ['C0TEAM0001|t1'], slack: { C0TEAM0001: { ts: '1.1' } } }));
  });

  it('keeps links per kind; writing the same link again changes nothing', async () => {
    const store = await make();
    expect(await store.getLink('build', 'proj:1')).toBeUndefined();
    await store.putLink('build', 'proj:1', 'pipeline/a/b/p/e');
    await store.putLink('build', 'proj:1', 'pipeline/a/b/p/e');
    await store.putLink('deployment-group', '123456789012/eu-west-1/app/prod', 'pipeline/a/b/p/f');
    expect(await store.getLink('build', 'proj:1')).toBe('pipeline/a/b/p/e');
    expect(await store.getLink('deployment', 'proj:1')).toBeUndefined();
    expect(await store.getLink('deployment-group', '123456789012/eu-west-1/app/prod')).toBe('pipeline/a/b/p/f');
  });

  it('a link written again for another run names the run of the last write (no condition on links)', async () => {
    const store = await make();
    await store.putLink('deployment-group', '123456789012/eu-west-1/app/prod', 'pipeline/a/b/p/e1');
    await store.putLink('deployment-group', '123456789012/eu-west-1/app/prod', 'pipeline/a/b/p/e2');
    expect(await store.getLink('deployment-group', '123456789012/eu-west-1/app/prod')).toBe('pipeline/a/b/p/e2');
  });

  it('links and cards do not meet: a link is not a card, a card is not a link', async () => {
    const store = await make();
    await store.putLink('build', 'r8', 'pipeline/a/b/p/e');
    await store.put(card('r9'), 0);
    expect(await store.get('r8')).toBeUndefined();
    expect(await store.getLink('build', 'r9')).toBeUndefined();
    await store.put(card('r8'), 0);
    expect(await store.getLink('build', 'r8')).toBe('pipeline/a/b/p/e');
  });
});
