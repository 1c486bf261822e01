import { IdempotencyConfig } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KEY_PREFIX } from '../../kernel/table-keys';
import { TTL_ATTRIBUTE } from '../../platform/dynamo-store';

/** Partition key prefix of idempotency records; card and link items use `RUN#` and `LINK#`. */
export const IDEMPOTENCY_PK_PREFIX = KEY_PREFIX.idempotency;

export interface IdempotencyOptions {
  /** The cards table (`pk`/`sk` strings, TTL on `expiresAt`): the records share it. */
  readonly tableName: string;
  /** Without one, Powertools makes its own `DynamoDBClient`. */
  readonly client?: DynamoDBClient;
  /** How long a handled event id is remembered; 24 h by default. */
  readonly expiresAfterSeconds?: number;
  /** Which function the records belong to: their partition key and key prefix. `notify` by default. */
  readonly scope?: string;
  /** What identifies a duplicate in the wrapped function's argument; the EventBridge event's `id` by default. */
  readonly eventKeyJmesPath?: string;
}

/** The options `makeIdempotent` takes; pass the whole object so `keyPrefix` is not left out. */
export interface IdempotencySetup {
  readonly persistenceStore: DynamoDBPersistenceLayer;
  readonly config: IdempotencyConfig;
  /**
   * Without it Powertools prefixes keys with the Lambda name and the wrapped function's `name`,
   * which minification renames: a deploy would then forget every event id already handled.
   */
  readonly keyPrefix: string;
}

/**
 * Powertools idempotency in the cards table: one key (an EventBridge event's `id` by default; notify
 * uses a dead letter's `body`) is handled once, and a duplicate gets the first result back. Records sit under `pk = IDEMPOTENCY#<scope>`,
 * `sk = <scope>#<hash of the id>`, apart from `RUN#`/`LINK#` items, and expire through the table's
 * TTL on `expiresAt` (seconds, as the cards).
 *
 * Call `config.registerLambdaContext(context)` in the handler: without it a record left
 * `INPROGRESS` by a timed-out invocation blocks that event id until the record expires.
 *
 * @example
 * const idempotency = createIdempotencyConfig({ tableName: process.env.TABLE_NAME, client: new DynamoDBClient({}) });
 * const notifyOnce = makeIdempotent((event: unknown) => notifyEvent(event, deps), idempotency);
 * // in the handler: idempotency.config.registerLambdaContext(context); await notifyOnce(event);
 */
export function createIdempotencyConfig(options: IdempotencyOptions): IdempotencySetup {
  const scope = options.scope ?? 'notify';
  const persistenceStore = new DynamoDBPersistenceLayer({
    tableName: options.tableName,
    keyAttr: 'pk',
    // With a sort key Powertools writes a fixed partition key and the hashed key as `sk`, which
    // is what lets the records live in a `pk`/`sk` table at all.
    sortKeyAttr: 'sk',
    staticPkValue: `${IDEMPOTENCY_PK_PREFIX}${scope}`,
    expiryAttr: TTL_ATTRIBUTE,
    ...(options.client ? { awsSdkV3Client: options.client } : {}),
  });
  const config = new IdempotencyConfig({ eventKeyJmesPath: options.eventKeyJmesPath ?? 'id', expiresAfterSeconds: options.expiresAfterSeconds ?? 86_400 });
  return { persistenceStore, config, keyPrefix: scope };
}
