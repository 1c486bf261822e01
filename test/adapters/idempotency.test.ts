/**
 * Powertools idempotency persisted to dynalite through our config: one EventBridge event id runs
 * once, and its records share the cards table without touching `RUN#`/`LINK#` items.
 */
import { makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { emptyCard } from '../../functions/kernel/card/merge';
import { createIdempotencyConfig } from '../../functions/notify/aws/idempotency';
import { createDynamoCardStore } from '../../functions/platform/dynamo-store';
import { type LocalDynamo, startLocalDynamo } from '../support/local-dynamo';

let dynamo: LocalDynamo;
let tables = 0;
beforeAll(async () => {
  dynamo = await startLocalDynamo();
});
afterAll(async () => {
  await dynamo.stop();
});

async function freshTable(): Promise<string> {
  const tableName = `idempotency-${++tables}`;
  await dynamo.createTable(tableName);
  return tableName;
}

/** What the handler registers, so Powertools can bound an INPROGRESS record by the time left. */
const lambdaContext: Context = {
  callbackWaitsForEmptyEventLoop: false,
  functionName: 'pipeline-warden-test-notify',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:pipeline-warden-test-notify',
  memoryLimitInMB: '256',
  awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e812345678',
  logGroupName: '/aws/lambda/pipeline-warden-test-notify',
  logStreamName: '2026/11/23/[$LATEST]0123456789abcdef',
  getRemainingTimeInMillis: () => 60_000,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
};

/** A function that counts its runs, made idempotent with our config against `tableName`. */
function countedNotify(tableName: string, options: { fail?: boolean; expiresAfterSeconds?: number } = {}) {
  const setup = createIdempotencyConfig({
    tableName,
    client: dynamo.client,
    ...(options.expiresAfterSeconds ? { expiresAfterSeconds: options.expiresAfterSeconds } : {}),
  });
  setup.config.registerLambdaContext(lambdaContext);
  const counter = { calls: 0 };
  const handle = makeIdempotent(async (event: { id: string; detail?: unknown }) => {
    counter.calls += 1;
    if (options.fail) throw new Error('Slack is down');
    return { handled: event.id, call: counter.calls };
  }, setup);
  return { handle, counter };
}

const event = { id: 'c030038d-8c4d-6141-9545-00ff7b7153EX', 'detail-type': 'CodeBuild Build State Change', detail: { 'build-status': 'FAILED' } };

it('runs one event id once and answers the duplicates with the first result', async () => {
  const { handle, counter } = countedNotify(await freshTable());
  // A redelivery is the same event; a copy with other content but the same id is still a duplicate.
  const results = [await handle(event), await handle(structuredClone(event)), await handle({ ...event, detail: { 'build-status': 'SUCCEEDED' } })];
  expect(counter.calls).toBe(1);
  expect(results).toEqual([1, 2, 3].map(() => ({ handled: event.id, call: 1 })));
});

it('runs again for a different event id', async () => {
  const { handle, counter } = countedNotify(await freshTable());
  await handle(event);
  expect(await handle({ id: 'another-event-id' })).toEqual({ handled: 'another-event-id', call: 2 });
  expect(await handle({ id: 'another-event-id' })).toEqual({ handled: 'another-event-id', call: 2 });
  expect(counter.calls).toBe(2);
});

it('forgets an event id whose run failed, so the SQS retry runs it again', async () => {
  const tableName = await freshTable();
  const failing = countedNotify(tableName, { fail: true });
  await expect(failing.handle(event)).rejects.toThrow('Slack is down');
  const retry = countedNotify(tableName);
  expect(await retry.handle(event)).toEqual({ handled: event.id, call: 1 });
});

it('keeps its records under IDEMPOTENCY#notify in the cards table, beside cards and links, expiring through expiresAt', async () => {
  const tableName = await freshTable();
  const store = createDynamoCardStore({ client: dynamo.doc, tableName });
  const card = emptyCard({ kind: 'build', key: 'notify' }, { account: '123456789012', region: 'us-east-1', project: 'p' });
  await store.put(card, 0);
  await store.putLink('build', 'notify', 'notify');
  const { handle } = countedNotify(tableName);
  const before = Math.floor(Date.now() / 1000);
  await handle(event);
  await handle({ id: 'another-event-id' });

  const records = await dynamo.doc.send(
    new QueryCommand({ TableName: tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': 'IDEMPOTENCY#notify' } }),
  );
  expect(records.Items).toHaveLength(2);
  for (const record of records.Items ?? []) {
    expect(record).toMatchObject({ sk: expect.stringMatching(/^notify#[A-Za-z0-9+/]{22}==$/), status: 'COMPLETED' });
    expect(record['expiresAt']).toBeGreaterThanOrEqual(before + 86_400);
    expect(record['expiresAt']).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000) + 86_400);
  }
  const pks = ((await dynamo.doc.send(new ScanCommand({ TableName: tableName }))).Items ?? []).map((item) => item['pk']);
  expect(pks.sort()).toEqual(['IDEMPOTENCY#notify', 'IDEMPOTENCY#notify', 'LINK#build#notify', 'RUN#notify']);
  expect(await store.get('notify')).toEqual({ card, version: 1 });
  expect(await store.getLink('build', 'notify')).toBe('notify');
});

it('remembers an event id for expiresAfterSeconds when given', async () => {
  const tableName = await freshTable();
  const { handle } = countedNotify(tableName, { expiresAfterSeconds: 600 });
  await handle(event);
  const records = await dynamo.doc.send(
    new QueryCommand({ TableName: tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': 'IDEMPOTENCY#notify' } }),
  );
  expect(records.Items?.[0]?.['expiresAt']).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000) + 600);
  expect(records.Items?.[0]?.['expiresAt']).toBeGreaterThan(Date.now() / 1000 + 500);
});

it('dead letters (issue 12): the same record body is sent once, another body is sent, under IDEMPOTENCY#dead-letter', async () => {
  const tableName = await freshTable();
  const letters = createIdempotencyConfig({ tableName, client: dynamo.client, scope: 'dead-letter', eventKeyJmesPath: 'body' });
  letters.config.registerLambdaContext(lambdaContext);
  const sent: string[] = [];
  const sendOnce = makeIdempotent(async (letter: { body: string; errorName: string; problems: readonly string[] }) => void sent.push(letter.body), letters);
  const letter = { body: '{not json', errorName: 'EventRejectedError', problems: ['body: not JSON'] };
  await sendOnce(letter);
  await sendOnce(letter);
  await sendOnce({ ...letter, body: '{"also":"broken"}' });
  expect(sent).toEqual(['{not json', '{"also":"broken"}']);
  const records = await dynamo.doc.send(
    new QueryCommand({ TableName: tableName, KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': 'IDEMPOTENCY#dead-letter' } }),
  );
  expect(records.Items).toHaveLength(2);
});
