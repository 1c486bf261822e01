/**
 * One contract, two card stores: DynamoDB against dynalite (real conditional writes, no mocks) and
 * memory (local replay, handler tests), so replay and production cannot disagree. Then what only
 * the DynamoDB store has: its item layout, TTL, and how it sorts DynamoDB failures.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { emptyCard } from '../../functions/kernel/card/merge';
import type { RunCard } from '../../functions/kernel/card/types';
import { CardConflictError, PermanentError, RetryableError } from '../../functions/kernel/errors';
import type { CardStorePort } from '../../functions/kernel/ports';
import { createDynamoCardStore, TABLE_KEY_SCHEMA, tableDefinition } from '../../functions/platform/dynamo-store';
import { createMemoryCardStore } from '../../functions/platform/memory-store';
import { type LocalDynamo, startLocalDynamo } from '../support/local-dynamo';

let dynamo: LocalDynamo;
let tables = 0;
beforeAll(async () => {
  dynamo = await startLocalDynamo();
});
afterAll(async () => {
  await dynamo.stop();
});

/** A fresh table per test, so no test sees another's cards. */
async function freshTable(prefix = 'cards'): Promise<string> {
  const tableName = `${prefix}-${++tables}`;
  await dynamo.createTable(tableName);
  return tableName;
}

const card = (key: string, extra: Partial<RunCard> = {}): RunCard => ({
  ...emptyCard({ kind: 'pipeline', key }, { account: '123456789012', region: 'eu-west-1', pipeline: 'release' }),
  ...extra,
});

/** Every shape a card holds: nested maps, arrays, numbers, empty containers, optional fields left undefined. */
const fullCard = (key: string): RunCard =>
  card(key, {
    subject: { account: '123456789012', region: 'eu-west-1', pipeline: 'release', project: undefined },
    facts: {
      pipeline: {
        time: '2026-11-23T09:14:00.000Z',
        since: '2026-11-23T09:14:00.000Z',
        eventId: 'e1',
        fact: { type: 'pipeline', state: 'STARTED', trigger: 'StartPipelineExecution', triggerDetail: undefined },
      },
      'build:proj:1': {
        time: '2026-11-23T09:15:00.000Z',
        eventId: 'e2',
        fact: { type: 'build', buildId: 'proj:1', project: 'proj', state: 'FAILED', buildNumber: 42, logGroup: undefined },
      },
    },
    failures: {
      'action:Build/Test@2026-11-23T09:16:00.000Z': {
        time: '2026-11-23T09:16:00.000Z',
        eventId: 'e3',
        fact: { type: 'action', stage: 'Build', action: 'Test', state: 'FAILED', category: 'Test', provider: 'CodeBuild', summary: '' },
      },
    },
    slack: { C0TEAM0001: { ts: '1700000000.000100', rendered: 'abc' }, C0TEAM0002: { claimedAt: '2026-11-23T09:14:01.000Z', ts: undefined } },
    threads: ['C0TEAM0001|action:Build/Test@2026-11-23T09:16:00.000Z'],
    emails: [],
  });

/** What JSON (and so a RunCard) means by the value: `undefined` fields are absent. */
const asJson = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

const stores: Array<[string, () => Promise<CardStorePort>]> = [
  ['memory', async () => createMemoryCardStore()],
  ['dynamodb', async () => createDynamoCardStore({ client: dynamo.doc, tableName: await freshTable() })],
];

describe.each(stores)('%s card store', (_name, make) => {
  it('has no card for a run it never stored', async () => {
    const store = await make();
    expect(await store.get('pipeline/none')).toBeUndefined();
  });

  it('creates a card at version 1 and reads the same card back', async () => {
    const store = await make();
    await store.put(card('r1'), 0);
    expect(await store.get('r1')).toEqual({ card: card('r1'), version: 1 });
  });

  it('round-trips nested maps, arrays and undefined optional fields deep-equal', async () => {
    const store = await make();
    await store.put(fullCard('r2'), 0);
    const stored = await store.get('r2');
    expect(stored?.card).toEqual(fullCard('r2'));
    expect(asJson(stored?.card)).toStrictEqual(asJson(fullCard('r2')));
  });

  it('refuses a stale version, an existing card at version 0 and a missing card at version 1, and keeps what is stored', async () => {
    const store = await make();
    await store.put(card('r3'), 0);
    await store.put(card('r3', { threads: ['first'] }), 1);
    await expect(store.put(card('r3', { threads: ['stale'] }), 1)).rejects.toBeInstanceOf(CardConflictError);
    await expect(store.put(card('r3', { threads: ['again'] }), 0)).rejects.toBeInstanceOf(CardConflictError);
    await expect(store.put(card('r3-missing'), 1)).rejects.toBeInstanceOf(CardConflictError);
    expect(await store.get('r3')).toEqual({ card: card('r3', { threads: ['first'] }), version: 2 });
    expect(await store.get('r3-missing')).toBeUndefined();
  });

  it.each([0, 1])('lets exactly one of two concurrent writers from version %i win', async (from) => {
    const store = await make();
    if (from === 1) await store.put(card('r4'), 0);
    const writers = ['x', 'y'].map((thread) => store.put(card('r4', { threads: [thread] }), from));
    const results = await Promise.allSettled(writers);
    const winner = results.findIndex((r) => r.status === 'fulfilled');
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(results.filter((r) => r.status === 'rejected' && r.reason instanceof CardConflictError)).toHaveLength(1);
    expect(await store.get('r4')).toEqual({ card: card('r4', { threads: [['x', 'y'][winner]!] }), version: from + 1 });
  });

  it('keeps links per kind, idempotently', async () => {
    const store = await make();
    expect(await store.getLink('build', 'proj:1')).toBeUndefined();
    await store.putLink('build', 'proj:1', 'pipeline/a/b/p/e');
    await store.putLink('build', 'proj:1', 'pipeline/a/b/p/e');
    await store.putLink('deployment-group', '123456789012/eu-west-1/app/prod', 'pipeline/a/b/p/f');
    expect(await store.getLink('build', 'proj:1')).toBe('pipeline/a/b/p/e');
    expect(await store.getLink('deployment', 'proj:1')).toBeUndefined();
    expect(await store.getLink('deployment-group', '123456789012/eu-west-1/app/prod')).toBe('pipeline/a/b/p/f');
  });

  it('hands out copies: changing a card after put or after get does not change what is stored', async () => {
    const store = await make();
    const threads = ['C0TEAM0001|t1'];
    const slack: Record<string, { ts?: string }> = { C0TEAM0001: { ts: '1.1' } };
    await store.put(card('r5', { threads, slack }), 0);
    threads.push('changed after put');
    slack['C0TEAM0001']!.ts = 'changed after put';
    const read = await store.get('r5');
    if (!read) throw new Error('card r5 was not stored');
    (read.card.threads as string[]).push('changed after get');
    expect((await store.get('r5'))?.card).toEqual(card('r5', { threads: ['C0TEAM0001|t1'], slack: { C0TEAM0001: { ts: '1.1' } } }));
  });
});

describe('dynamodb card store', () => {
  const now = new Date('2026-11-23T12:00:00Z');
  const nowSeconds = Math.floor(now.getTime() / 1000);
  const rawItem = async (tableName: string, pk: string, sk: string) => (await dynamo.doc.send(new GetCommand({ TableName: tableName, Key: { pk, sk } }))).Item;

  it('stores a card under RUN#<runKey>/CARD, as its JSON text, with its version and a TTL 30 days out', async () => {
    const tableName = await freshTable();
    const store = createDynamoCardStore({ client: dynamo.doc, tableName, now: () => now });
    await store.put(card('pipeline/123456789012/eu-west-1/release/exec-1'), 0);
    const item = await rawItem(tableName, 'RUN#pipeline/123456789012/eu-west-1/release/exec-1', 'CARD');
    expect(item).toEqual({
      pk: 'RUN#pipeline/123456789012/eu-west-1/release/exec-1',
      sk: 'CARD',
      cardJson: JSON.stringify(card('pipeline/123456789012/eu-west-1/release/exec-1')),
      version: 1,
      expiresAt: nowSeconds + 30 * 86_400,
    });
  });

  it('still reads a card written as a map before cards were stored as JSON text, and writes it back as JSON text', async () => {
    const tableName = await freshTable();
    const old = card('pipeline/123456789012/eu-west-1/release/exec-0');
    await dynamo.doc.send(new PutCommand({ TableName: tableName, Item: { pk: `RUN#${old.run.key}`, sk: 'CARD', card: old, version: 3 } }));
    const store = createDynamoCardStore({ client: dynamo.doc, tableName, now: () => now });
    expect(await store.get(old.run.key)).toEqual({ card: old, version: 3 });
    await store.put(old, 3);
    expect(await rawItem(tableName, `RUN#${old.run.key}`, 'CARD')).toMatchObject({ cardJson: JSON.stringify(old), version: 4 });
    expect(await store.get(old.run.key)).toEqual({ card: old, version: 4 });
  });

  it('stores a link under LINK#<kind>#<id>/LINK; the TTL follows ttlDays and the real clock by default', async () => {
    const tableName = await freshTable();
    await createDynamoCardStore({ client: dynamo.doc, tableName, ttlDays: 7, now: () => now }).putLink('build', 'proj:1', 'run-1');
    expect(await rawItem(tableName, 'LINK#build#proj:1', 'LINK')).toEqual({
      pk: 'LINK#build#proj:1',
      sk: 'LINK',
      runKey: 'run-1',
      expiresAt: nowSeconds + 7 * 86_400,
    });
    await createDynamoCardStore({ client: dynamo.doc, tableName }).put(card('r6'), 0);
    expect((await rawItem(tableName, 'RUN#r6', 'CARD'))?.['expiresAt']).toBeGreaterThan(Date.now() / 1000 + 29 * 86_400);
  });

  it('keeps the ConditionalCheckFailedException as the cause of a conflict', async () => {
    const store = createDynamoCardStore({ client: dynamo.doc, tableName: await freshTable() });
    await store.put(card('r7'), 0);
    const error: unknown = await store.put(card('r7'), 0).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CardConflictError);
    expect((error as Error).cause).toMatchObject({ name: 'ConditionalCheckFailedException' });
  });

  it('drops undefined fields itself, even through a client without removeUndefinedValues', async () => {
    const tableName = await freshTable();
    const plainDoc = DynamoDBDocumentClient.from(
      new DynamoDBClient({ endpoint: dynamo.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }),
    );
    const store = createDynamoCardStore({ client: plainDoc, tableName });
    await store.put(fullCard('r8'), 0);
    expect((await store.get('r8'))?.card).toEqual(fullCard('r8'));
    plainDoc.destroy();
  });

  it('fails permanently on a missing table, and on a card item that is not a card', async () => {
    const tableName = await freshTable();
    const store = createDynamoCardStore({ client: dynamo.doc, tableName });
    await expect(createDynamoCardStore({ client: dynamo.doc, tableName: 'no-such-table' }).get('r9')).rejects.toSatisfy(
      (e) => e instanceof PermanentError && !(e instanceof RetryableError),
    );
    await dynamo.doc.send(new PutCommand({ TableName: tableName, Item: { pk: 'RUN#r9', sk: 'CARD', card: 'not a map' } }));
    await expect(store.get('r9')).rejects.toBeInstanceOf(PermanentError);
    await dynamo.doc.send(new PutCommand({ TableName: tableName, Item: { pk: 'RUN#r10', sk: 'CARD', cardJson: '{"run": cut short', version: 1 } }));
    await expect(store.get('r10')).rejects.toBeInstanceOf(PermanentError);
  });

  it('asks again for the keys a BatchGetItem left unprocessed, and gives up retryably when DynamoDB keeps leaving them', async () => {
    const tableName = await freshTable();
    const store = createDynamoCardStore({ client: dynamo.doc, tableName });
    for (const key of ['b1', 'b2', 'b3']) await store.put(card(key), 0);
    // As DynamoDB answers when throttled: the first `read` keys read, the others handed back unprocessed.
    const throttling = (times: number, read: number) => {
      const requests: number[] = [];
      const client = {
        send: async (command: BatchGetCommand) => {
          const { Keys = [], ...rest } = command.input.RequestItems?.[tableName] ?? {};
          requests.push(Keys.length);
          if (requests.length > times) return dynamo.doc.send(command);
          const out = read > 0 ? await dynamo.doc.send(new BatchGetCommand({ RequestItems: { [tableName]: { ...rest, Keys: Keys.slice(0, read) } } })) : {};
          return { ...out, UnprocessedKeys: { [tableName]: { ...rest, Keys: Keys.slice(read) } } };
        },
      } as unknown as DynamoDBDocumentClient;
      return { store: createDynamoCardStore({ client, tableName }), requests };
    };
    const once = throttling(1, 1);
    expect([...(await once.store.getMany(['b1', 'b2', 'b3'])).keys()].sort()).toEqual(['b1', 'b2', 'b3']);
    expect(once.requests).toEqual([3, 2]);
    const always = throttling(Number.POSITIVE_INFINITY, 0);
    await expect(always.store.getMany(['b1', 'b2', 'b3'])).rejects.toBeInstanceOf(RetryableError);
    expect(always.requests).toEqual([3, 3, 3, 3]);
  });

  it('matches the CardsTable of serverless.yml', () => {
    // `resources` is a list of fragments (infra/*.yml and the stack's own); the table is in one of them.
    const template = parse(readFileSync('serverless.yml', 'utf8'), { logLevel: 'error' }) as {
      resources: Array<{ Resources?: { CardsTable?: { Properties: Record<string, unknown> } } } | string>;
    };
    const declared = template.resources.flatMap((r) => (typeof r === 'object' && r.Resources?.CardsTable ? [r.Resources.CardsTable.Properties] : []))[0];
    expect(declared).toMatchObject({
      ...TABLE_KEY_SCHEMA,
      BillingMode: 'PAY_PER_REQUEST',
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
    });
    expect(tableDefinition('t-1')).toEqual({ TableName: 't-1', BillingMode: 'PAY_PER_REQUEST', ...TABLE_KEY_SCHEMA });
  });
});

describe('dynamodb failures that retrying can fix', () => {
  let fake: Server;
  let answer: { status: number; type: string };
  beforeAll(async () => {
    // A server answering as DynamoDB does when it throttles or fails: real HTTP, real SDK parsing.
    fake = createServer((_req, res) => {
      res.writeHead(answer.status, { 'content-type': 'application/x-amz-json-1.0' });
      res.end(JSON.stringify({ __type: `com.amazonaws.dynamodb.v20120810#${answer.type}`, message: 'try later' }));
    });
    await new Promise<void>((resolve) => fake.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => fake.close(() => resolve()));
  });

  it.each([
    { status: 400, type: 'ProvisionedThroughputExceededException' },
    { status: 400, type: 'ThrottlingException' },
    { status: 500, type: 'InternalServerError' },
    { status: 503, type: 'ServiceUnavailable' },
  ])('surfaces $status $type as a RetryableError with the cause kept, for get, put and putLink', async (given) => {
    answer = given;
    const endpoint = `http://127.0.0.1:${(fake.address() as AddressInfo).port}`;
    // One attempt: the SDK's own retries would only slow the test; SQS retries in production.
    const client = new DynamoDBClient({ endpoint, region: 'us-east-1', maxAttempts: 1, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    const store = createDynamoCardStore({ client: DynamoDBDocumentClient.from(client), tableName: 'cards' });
    for (const attempt of [store.get('r'), store.put(card('r'), 3), store.putLink('build', 'b', 'r')]) {
      const error: unknown = await attempt.catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RetryableError);
      expect(error).not.toBeInstanceOf(CardConflictError);
      expect((error as Error).cause).toMatchObject({ name: given.type });
    }
    client.destroy();
  });
});
