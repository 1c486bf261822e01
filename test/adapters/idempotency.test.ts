import { makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createIdempotencyConfig } from '../../functions/adapters/idempotency';
import { startLocalDynamo } from '../support/local-dynamo';

let dynamo: Awaited<ReturnType<typeof startLocalDynamo>>;
beforeAll(async () => {
  dynamo = await startLocalDynamo();
  await dynamo.createTable('cards');
});
afterAll(async () => {
  await dynamo.stop();
});

it('handles one EventBridge event id once, and answers duplicates with the first result', async () => {
  const { persistenceStore, config } = createIdempotencyConfig({ tableName: 'cards', client: dynamo.client });
  let calls = 0;
  const handle = makeIdempotent(async (event: { id: string }) => `handled ${event.id} (call ${++calls})`, { persistenceStore, config });
  const event = { id: 'c030038d-8c4d-6141-9545-00ff7b7153EX', 'detail-type': 'CodeBuild Build State Change' };
  const results = [await handle(event), await handle({ ...event }), await handle(event)];
  expect(results).toEqual(['handled c030038d-8c4d-6141-9545-00ff7b7153EX (call 1)', 'handled c030038d-8c4d-6141-9545-00ff7b7153EX (call 1)', 'handled c030038d-8c4d-6141-9545-00ff7b7153EX (call 1)']);
  expect(await handle({ id: 'another' })).toBe('handled another (call 2)');
  const items = await dynamo.doc.send(new QueryCommand({ TableName: 'cards', KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': 'IDEMPOTENCY#notify' } }));
  expect(items.Items).toHaveLength(2);
  expect(items.Items?.every((i) => typeof i['expiresAt'] === 'number')).toBe(true);
});
