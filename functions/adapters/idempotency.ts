import { IdempotencyConfig } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';

/**
 * Powertools idempotency in the cards table: one EventBridge event id is handled once, and a
 * duplicate delivery gets the first result back. Records live under their own partition key
 * (`IDEMPOTENCY#notify`), apart from `RUN#`/`LINK#` items, and expire through the table's TTL.
 *
 * @example const { persistenceStore, config } = createIdempotencyConfig({ tableName, client });
 *          makeIdempotent(fn, { persistenceStore, config })
 */
export function createIdempotencyConfig(options: { tableName: string; client?: DynamoDBClient; expiresAfterSeconds?: number }) {
  const persistenceStore = new DynamoDBPersistenceLayer({
    tableName: options.tableName,
    keyAttr: 'pk',
    sortKeyAttr: 'sk',
    staticPkValue: 'IDEMPOTENCY#notify',
    expiryAttr: 'expiresAt',
    ...(options.client ? { awsSdkV3Client: options.client } : {}),
  });
  const config = new IdempotencyConfig({ eventKeyJmesPath: 'id', expiresAfterSeconds: options.expiresAfterSeconds ?? 86_400 });
  return { persistenceStore, config };
}
