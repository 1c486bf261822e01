/**
 * Run cards and links in one DynamoDB table (`pk`/`sk` strings, TTL on `expiresAt`), written with
 * conditional writes so two workers can never both believe they own a card's next version.
 *
 * Items: `RUN#<runKey>` / `CARD` (the card as JSON text in `cardJson`, `version`), `LINK#<kind>#<id>` / `LINK`
 * (`runKey`), and the dead letters notify sent under `IDEMPOTENCY#dead-letter` (functions/notify/aws/dead-letter-once.ts).
 */
import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, type DynamoDBDocumentClient, GetCommand, PutCommand, type PutCommandInput } from '@aws-sdk/lib-dynamodb';
import type { RunCard } from '../kernel/card/types';
import { CardConflictError, PermanentError, type RetryableError } from '../kernel/errors';
import type { CardStorePort, LinkKind, StoredCard } from '../kernel/ports';
import { KEY_PREFIX } from '../kernel/table-keys';
import { classifyAwsError } from './aws-errors';

export interface DynamoCardStoreOptions {
  /** Build it with `marshallOptions: { removeUndefinedValues: true }`, as `functions/notify/wiring.ts` does. */
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
  /** How long a card or link outlives its last write (TTL on `expiresAt`); 30 by default. */
  readonly ttlDays?: number;
  readonly now?: () => Date;
}

/**
 * The key schema of the cards table, exactly as `CardsTable` in serverless.yml declares it (the
 * adapter tests check the two agree, and create their local tables from this).
 */
export const TABLE_KEY_SCHEMA = {
  AttributeDefinitions: [
    { AttributeName: 'pk', AttributeType: 'S' },
    { AttributeName: 'sk', AttributeType: 'S' },
  ],
  KeySchema: [
    { AttributeName: 'pk', KeyType: 'HASH' },
    { AttributeName: 'sk', KeyType: 'RANGE' },
  ],
} as const satisfies Pick<CreateTableCommandInput, 'AttributeDefinitions' | 'KeySchema'>;

/** The attribute the table's TTL is enabled on (serverless.yml `TimeToLiveSpecification`). */
export const TTL_ATTRIBUTE = 'expiresAt';

/**
 * The CreateTable input for a cards table. TTL is not part of CreateTable (and dynalite has no
 * UpdateTimeToLive); serverless.yml enables it on {@link TTL_ATTRIBUTE}.
 *
 * @example
 * await client.send(new CreateTableCommand(tableDefinition('pipeline-warden-test-cards')));
 */
export function tableDefinition(tableName: string): CreateTableCommandInput {
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: TABLE_KEY_SCHEMA.AttributeDefinitions.map((a) => ({ ...a })),
    KeySchema: TABLE_KEY_SCHEMA.KeySchema.map((k) => ({ ...k })),
  };
}

const cardKey = (runKey: string) => ({ pk: `${KEY_PREFIX.run}${runKey}`, sk: 'CARD' });
const linkKey = (kind: LinkKind, id: string) => ({ pk: `${KEY_PREFIX.link}${kind}#${id}`, sk: 'LINK' });

/**
 * The production `CardStorePort`: optimistic locking on `version`, links beside the cards.
 *
 * @example
 * const doc = DynamoDBDocumentClient.from(new DynamoDBClient({}), { marshallOptions: { removeUndefinedValues: true } });
 * const store = createDynamoCardStore({ client: doc, tableName: process.env.TABLE_NAME });
 * await store.put(card, 0); // creates version 1; a second put with 0 throws CardConflictError
 * const { card: latest, version } = (await store.get(card.run.key))!;
 */
export function createDynamoCardStore(options: DynamoCardStoreOptions): CardStorePort {
  const { client, tableName } = options;
  const now = options.now ?? (() => new Date());
  const ttlSeconds = (options.ttlDays ?? 30) * 86_400;
  const expiresAt = () => Math.floor(now().getTime() / 1000) + ttlSeconds;
  return {
    async get(runKey) {
      const out = await call(() => client.send(new GetCommand({ TableName: tableName, Key: cardKey(runKey), ConsistentRead: true })));
      return out.Item ? readCardItem(runKey, out.Item) : undefined;
    },
    async getMany(runKeys) {
      const found = new Map<string, StoredCard>();
      const keys = [...new Set(runKeys)];
      for (let i = 0; i < keys.length; i += BATCH_GET_LIMIT) {
        for (const item of await batchGet(client, tableName, keys.slice(i, i + BATCH_GET_LIMIT).map(cardKey))) {
          const runKey = String(item['pk']).slice(KEY_PREFIX.run.length);
          found.set(runKey, readCardItem(runKey, item));
        }
      }
      return found;
    },
    async put(card, expectedVersion) {
      const item = { ...cardKey(card.run.key), cardJson: JSON.stringify(card), version: expectedVersion + 1, [TTL_ATTRIBUTE]: expiresAt() };
      await conditionalPut({ TableName: tableName, Item: item, ...versionCondition(expectedVersion) }, client, card.run.key, expectedVersion);
    },
    async getLink(kind, externalId) {
      const out = await call(() => client.send(new GetCommand({ TableName: tableName, Key: linkKey(kind, externalId), ConsistentRead: true })));
      const runKey: unknown = out.Item?.['runKey'];
      return typeof runKey === 'string' ? runKey : undefined;
    },
    async putLink(kind, externalId, runKey) {
      // Idempotent without a condition: a link never changes owner, so a second write writes the
      // same value (and only pushes its expiry out).
      const item = { ...linkKey(kind, externalId), runKey, [TTL_ATTRIBUTE]: expiresAt() };
      await call(() => client.send(new PutCommand({ TableName: tableName, Item: item })));
    },
  };
}

/** BatchGetItem's most keys a request. */
const BATCH_GET_LIMIT = 100;
/** Tries of the keys DynamoDB left unprocessed (throttled) before the batch is handed back to SQS. */
const BATCH_GET_TRIES = 4;

/**
 * Consistent reads of up to 100 keys in one BatchGetItem; the keys DynamoDB leaves unprocessed (it
 * does when throttled, and the SDK does not retry them) are asked again after a short backoff.
 */
async function batchGet(client: DynamoDBDocumentClient, tableName: string, keys: ReadonlyArray<Record<string, string>>): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let pending: ReadonlyArray<Record<string, unknown>> = keys;
  for (let attempt = 1; pending.length > 0; attempt += 1) {
    if (attempt > BATCH_GET_TRIES)
      throw classify(
        Object.assign(new Error(`${pending.length} keys still unprocessed after ${BATCH_GET_TRIES} tries`), { name: 'ProvisionedThroughputExceededException' }),
      );
    if (attempt > 1) await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** attempt * Math.random()));
    const out = await call(() => client.send(new BatchGetCommand({ RequestItems: { [tableName]: { Keys: [...pending], ConsistentRead: true } } })));
    items.push(...(out.Responses?.[tableName] ?? []));
    pending = out.UnprocessedKeys?.[tableName]?.Keys ?? [];
  }
  return items;
}

/** Version 0 means "not stored yet", which DynamoDB can only say as "no item under this key". */
function versionCondition(expectedVersion: number): Pick<PutCommandInput, 'ConditionExpression' | 'ExpressionAttributeValues'> {
  return expectedVersion === 0
    ? { ConditionExpression: 'attribute_not_exists(pk)' }
    : { ConditionExpression: 'version = :expected', ExpressionAttributeValues: { ':expected': expectedVersion } };
}

async function conditionalPut(input: PutCommandInput, client: DynamoDBDocumentClient, runKey: string, expectedVersion: number): Promise<void> {
  try {
    await client.send(new PutCommand(input));
  } catch (error) {
    // By name, not `instanceof`: a second copy of client-dynamodb in a bundle has its own class.
    if (error instanceof Error && error.name === 'ConditionalCheckFailedException') {
      throw new CardConflictError(`run ${runKey}: version ${expectedVersion} is no longer current`, { cause: error });
    }
    throw classify(error);
  }
}

/**
 * A card is stored as its JSON text, not as a DynamoDB map: the SDK marshals a nested map attribute
 * by attribute on every write and read (the card is the largest item notify touches, read and
 * written on every batch), where JSON text is one native `JSON.stringify`/`JSON.parse` and one
 * string attribute: about half the CPU of each card call (`npm run bench`). Its JSON form also drops
 * `undefined` optional fields, so what is stored is exactly what a later read returns. Cards written
 * as a map (`card`) before this are still read.
 *
 * The item is ours, but a hand edit or a bad migration must fail loudly, not as a broken card.
 */
function readCardItem(runKey: string, item: Record<string, unknown>): StoredCard {
  const { cardJson, version } = item;
  let card: unknown = item['card'];
  if (typeof cardJson === 'string') {
    try {
      card = JSON.parse(cardJson);
    } catch {
      card = undefined;
    }
  }
  if (typeof card !== 'object' || card === null || typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
    throw new PermanentError(`run ${runKey}: the stored card item is malformed (card: ${typeof card}, version: ${String(version)})`);
  }
  return { card: card as RunCard, version };
}

/** Runs one DynamoDB call, sorting its failure into the error family. */
async function call<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw classify(error);
  }
}

/**
 * Throttling, 5xx and network failures are worth retrying (the error reaches SQS, which tries the
 * record again); a missing table, a denied permission or an oversized item will not pass later.
 */
function classify(error: unknown): RetryableError | PermanentError {
  return classifyAwsError('DynamoDB', error);
}
