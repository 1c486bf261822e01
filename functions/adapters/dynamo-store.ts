/**
 * Run cards and links in one DynamoDB table (`pk`/`sk` strings, TTL on `expiresAt`), written with
 * conditional writes so two workers can never both believe they own a card's next version.
 *
 * Items: `RUN#<runKey>` / `CARD` (the card as a map, `version`), `LINK#<kind>#<id>` / `LINK`
 * (`runKey`), and Powertools idempotency records under `IDEMPOTENCY#…` (see `idempotency.ts`).
 */
import { ConditionalCheckFailedException, type CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { RunCard } from '../core/card/types';
import { CardConflictError, PermanentError, RetryableError } from '../core/errors';
import { describeAwsError, isTransientAwsError } from './aws-errors';
import type { CardStorePort, LinkKind, StoredCard } from './ports';

export interface DynamoCardStoreOptions {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
  /** How long a card outlives its last change (TTL). */
  readonly ttlDays?: number;
  readonly now?: () => Date;
}

/** The table as serverless.yml declares it; tests create it from here so the two cannot drift. */
export function tableDefinition(tableName: string): CreateTableCommandInput {
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [
      { AttributeName: 'pk', AttributeType: 'S' },
      { AttributeName: 'sk', AttributeType: 'S' },
    ],
    KeySchema: [
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ],
  };
}

const cardKey = (runKey: string) => ({ pk: `RUN#${runKey}`, sk: 'CARD' });
const linkKey = (kind: LinkKind, id: string) => ({ pk: `LINK#${kind}#${id}`, sk: 'LINK' });

/**
 * @example
 * const store = createDynamoCardStore({ client: DynamoDBDocumentClient.from(new DynamoDBClient({})), tableName });
 * await store.put(card, 0); // creates; a second put with 0 throws CardConflictError
 */
export function createDynamoCardStore(options: DynamoCardStoreOptions): CardStorePort {
  const { client, tableName } = options;
  const now = options.now ?? (() => new Date());
  const expiresAt = () => Math.floor(now().getTime() / 1000) + (options.ttlDays ?? 30) * 86_400;
  return {
    async get(runKey) {
      const out = await call(() => client.send(new GetCommand({ TableName: tableName, Key: cardKey(runKey), ConsistentRead: true })));
      return out.Item ? ({ card: out.Item['card'] as RunCard, version: Number(out.Item['version']) } satisfies StoredCard) : undefined;
    },
    async put(card, expectedVersion) {
      const item = { ...cardKey(card.run.key), card, version: expectedVersion + 1, expiresAt: expiresAt() };
      const condition = expectedVersion === 0 ? { ConditionExpression: 'attribute_not_exists(pk)' } : { ConditionExpression: 'version = :expected', ExpressionAttributeValues: { ':expected': expectedVersion } };
      try {
        await client.send(new PutCommand({ TableName: tableName, Item: item, ...condition }));
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) {
          throw new CardConflictError(`run ${card.run.key}: version ${expectedVersion} is no longer current`, { cause: error });
        }
        throw classify(error);
      }
    },
    async getLink(kind, externalId) {
      const out = await call(() => client.send(new GetCommand({ TableName: tableName, Key: linkKey(kind, externalId), ConsistentRead: true })));
      return typeof out.Item?.['runKey'] === 'string' ? out.Item['runKey'] : undefined;
    },
    async putLink(kind, externalId, runKey) {
      // Idempotent: a link never changes owner, so writing it again writes the same value.
      await call(() => client.send(new PutCommand({ TableName: tableName, Item: { ...linkKey(kind, externalId), runKey, expiresAt: expiresAt() } })));
    },
  };
}

/**
 * Sorts DynamoDB failures into the error family: a lost condition, throttling and 5xx are worth
 * retrying (SQS does it); a missing table or permission is not.
 */
async function call<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw classify(error);
  }
}

function classify(error: unknown): RetryableError | PermanentError {
  return isTransientAwsError(error)
    ? new RetryableError(`DynamoDB: ${describeAwsError(error)}`, { cause: error })
    : new PermanentError(`DynamoDB: ${describeAwsError(error)}`, { cause: error });
}
