/** One contract, two stores: DynamoDB (against dynalite, real conditional writes) and memory (replay). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDynamoCardStore } from '../../functions/adapters/dynamo-store';
import { createMemoryCardStore } from '../../functions/adapters/memory-store';
import type { CardStorePort } from '../../functions/adapters/ports';
import { emptyCard } from '../../functions/core/card/merge';
import type { RunCard } from '../../functions/core/card/types';
import { CardConflictError } from '../../functions/core/errors';
import { startLocalDynamo } from '../support/local-dynamo';

let dynamo: Awaited<ReturnType<typeof startLocalDynamo>>;
let tables = 0;
beforeAll(async () => {
  dynamo = await startLocalDynamo();
});
afterAll(async () => {
  await dynamo.stop();
});

const card = (key: string, extra: Partial<RunCard> = {}): RunCard => ({
  ...emptyCard({ kind: 'pipeline', key }, { account: '123456789012', region: 'eu-west-1', pipeline: 'p' }),
  ...extra,
});

const stores: Array<[string, () => Promise<CardStorePort>]> = [
  ['memory', async () => createMemoryCardStore()],
  [
    'dynamodb',
    async () => {
      const tableName = `store-${++tables}`;
      await dynamo.createTable(tableName);
      return createDynamoCardStore({ client: dynamo.doc, tableName });
    },
  ],
];

describe.each(stores)('%s card store', (_name, make) => {
  it('creates a card at version 1 and reads it back deep-equal, nested values included', async () => {
    const store = await make();
    expect(await store.get('r1')).toBeUndefined();
    const full = card('r1', {
      facts: { pipeline: { time: '2026-11-23T09:14:00.000Z', since: '2026-11-23T09:14:00.000Z', eventId: 'e1', fact: { type: 'pipeline', state: 'STARTED', trigger: undefined } } },
      slack: { C0TEAM0001: { ts: '1700000000.000100', rendered: 'abc' } },
      threads: ['C0TEAM0001|action:Build/Test@t'],
      emails: [],
    });
    await store.put(full, 0);
    const stored = await store.get('r1');
    expect(stored?.version).toBe(1);
    expect(stored?.card).toEqual(JSON.parse(JSON.stringify(full)));
  });

  it('refuses a stale write and keeps what is stored', async () => {
    const store = await make();
    await store.put(card('r2'), 0);
    await store.put(card('r2', { threads: ['a'] }), 1);
    await expect(store.put(card('r2', { threads: ['stale'] }), 1)).rejects.toBeInstanceOf(CardConflictError);
    await expect(store.put(card('r2', { threads: ['again'] }), 0)).rejects.toBeInstanceOf(CardConflictError);
    expect((await store.get('r2'))?.card.threads).toEqual(['a']);
    expect((await store.get('r2'))?.version).toBe(2);
  });

  it('lets exactly one of two concurrent writers of the same version win', async () => {
    const store = await make();
    await store.put(card('r3'), 0);
    const results = await Promise.allSettled([store.put(card('r3', { threads: ['x'] }), 1), store.put(card('r3', { threads: ['y'] }), 1)]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(results.filter((r) => r.status === 'rejected' && r.reason instanceof CardConflictError)).toHaveLength(1);
  });

  it('keeps links, idempotently', async () => {
    const store = await make();
    expect(await store.getLink('build', 'proj:1')).toBeUndefined();
    await store.putLink('build', 'proj:1', 'pipeline/a/b/p/e');
    await store.putLink('build', 'proj:1', 'pipeline/a/b/p/e');
    expect(await store.getLink('build', 'proj:1')).toBe('pipeline/a/b/p/e');
    expect(await store.getLink('deployment', 'proj:1')).toBeUndefined();
  });
});

describe('dynamodb items', () => {
  it('carry a TTL in the future, and a card is stored under RUN#', async () => {
    const tableName = `ttl-${++tables}`;
    await dynamo.createTable(tableName);
    const now = new Date('2026-11-23T12:00:00Z');
    const store = createDynamoCardStore({ client: dynamo.doc, tableName, ttlDays: 7, now: () => now });
    await store.put(card('r9'), 0);
    const { GetCommand } = await import('@aws-sdk/lib-dynamodb');
    const item = (await dynamo.doc.send(new GetCommand({ TableName: tableName, Key: { pk: 'RUN#r9', sk: 'CARD' } }))).Item;
    expect(item?.['expiresAt']).toBe(Math.floor(now.getTime() / 1000) + 7 * 86_400);
  });
});
