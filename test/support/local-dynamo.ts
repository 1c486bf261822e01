import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import dynalite from 'dynalite';
import { afterAll, beforeAll } from 'vitest';
import { tableDefinition } from '../../functions/platform/dynamo-store';

export interface LocalDynamo {
  /** `http://127.0.0.1:<port>` */
  readonly endpoint: string;
  readonly client: DynamoDBClient;
  /** Marshals with `removeUndefinedValues`, as the Lambda's document client does. */
  readonly doc: DynamoDBDocumentClient;
  /** Creates a cards table (`tableDefinition`) and resolves once it is ACTIVE. Names: ≥ 3 characters. */
  createTable(name: string): Promise<void>;
  stop(): Promise<void>;
}

/**
 * A real DynamoDB API (dynalite, in-process, in memory) on 127.0.0.1, for one test file: real
 * conditional writes, no mocks. It has no TransactWriteItems, UpdateTimeToLive or
 * ReturnValuesOnConditionCheckFailure items (TOOLCHAIN.md §5).
 *
 * @example
 * let dynamo: LocalDynamo;
 * beforeAll(async () => { dynamo = await startLocalDynamo(); await dynamo.createTable('cards'); });
 * afterAll(() => dynamo.stop());
 */
export async function startLocalDynamo(): Promise<LocalDynamo> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  const doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  return {
    endpoint,
    client,
    doc,
    createTable: async (name) => {
      await client.send(new CreateTableCommand(tableDefinition(name)));
      await untilActive(client, name);
    },
    stop: async () => {
      client.destroy();
      await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
}

/**
 * A local DynamoDB with these tables for the enclosing test file (or describe block): started
 * before its tests, stopped after them.
 *
 * @example
 * const dynamo = useLocalDynamo('cards');
 * it('…', async () => { const store = createDynamoCardStore({ client: dynamo().doc, tableName: 'cards' }); });
 */
export function useLocalDynamo(...tables: string[]): () => LocalDynamo {
  let local: LocalDynamo | undefined;
  beforeAll(async () => {
    local = await startLocalDynamo();
    for (const table of tables) await local.createTable(table);
  });
  afterAll(() => local?.stop());
  return () => {
    if (!local) throw new Error('useLocalDynamo: the local DynamoDB is not started (use it inside tests)');
    return local;
  };
}

/**
 * dynalite answers ResourceNotFound while a table is CREATING, even with `createTableMs: 0` (the
 * switch to ACTIVE is a timer), so a write right after CreateTable could race it.
 */
async function untilActive(client: DynamoDBClient, name: string): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: name }));
    if (Table?.TableStatus === 'ACTIVE') return;
    await sleep(10);
  }
  throw new Error(`local table ${name} did not become ACTIVE`);
}
