/**
 * Delivery facts in the cards table: `DELIVERY#<yyyy-mm-dd>` (the UTC day of the fact's `at`) /
 * `<fact key>`, the fact as JSON text, kept `ttlDays` (400: a year of weekly comparisons and the
 * report's quarter before it). Filed by day so the digest reads a week with seven queries however
 * many pipelines there are; a fact is replaced under its key (idempotent), and one whose day moved
 * (a later production stage succeeded after midnight) is taken out of its old day.
 */
import { BatchWriteCommand, type BatchWriteCommandInput, type DynamoDBDocumentClient, paginateQuery } from '@aws-sdk/lib-dynamodb';
import { type DeliveryFact, factKey } from '../kernel/delivery/fact';
import { RetryableError } from '../kernel/errors';
import type { DeliveryFactsPort } from '../kernel/ports';
import { KEY_PREFIX } from '../kernel/table-keys';
import { classifyAwsError } from './aws-errors';
import { TTL_ATTRIBUTE } from './dynamo-store';

export interface DynamoDeliveryFactsOptions {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
  /** How long a fact is kept (TTL on `expiresAt`): 400 days by default. */
  readonly ttlDays?: number;
}

const DAY_MS = 86_400_000;
/** BatchWriteItem takes at most 25 requests. */
const BATCH = 25;
const dayOf = (iso: string) => new Date(iso).toISOString().slice(0, 10);
const keyOf = (fact: DeliveryFact) => ({ pk: `${KEY_PREFIX.delivery}${dayOf(fact.at)}`, sk: factKey(fact) });

/**
 * @example
 * const facts = createDynamoDeliveryFacts({ client: doc, tableName: process.env.TABLE_NAME });
 * await facts.record([deployment]);
 * await facts.between({ from: weekAgo, to: now });
 */
export function createDynamoDeliveryFacts(options: DynamoDeliveryFactsOptions): DeliveryFactsPort {
  return { ...dynamoFactsRecorder(options), ...dynamoFactsReader(options) };
}

/** The writing half alone: what notify needs (the reader stays out of its bundle). */
export function dynamoFactsRecorder(options: DynamoDeliveryFactsOptions): Pick<DeliveryFactsPort, 'record'> {
  const { client, tableName } = options;
  const ttlSeconds = (options.ttlDays ?? 400) * 86_400;
  return {
    async record(facts, replaces = []) {
      const moved = replaces.filter((old) => {
        const next = facts.find((f) => factKey(f) === factKey(old));
        return next !== undefined && dayOf(next.at) !== dayOf(old.at);
      });
      const requests: NonNullable<BatchWriteCommandInput['RequestItems']>[string] = [
        ...facts.map((fact) => ({
          PutRequest: { Item: { ...keyOf(fact), factJson: JSON.stringify(fact), [TTL_ATTRIBUTE]: Math.floor(Date.parse(fact.at) / 1000) + ttlSeconds } },
        })),
        ...moved.map((old) => ({ DeleteRequest: { Key: keyOf(old) } })),
      ];
      for (let i = 0; i < requests.length; i += BATCH) await writeAll(client, tableName, requests.slice(i, i + BATCH));
    },
  };
}

/** The reading half alone: the digest's. */
export function dynamoFactsReader({ client, tableName }: DynamoDeliveryFactsOptions): Pick<DeliveryFactsPort, 'between'> {
  return {
    async between({ from, to }) {
      const found: DeliveryFact[] = [];
      for (let day = Date.parse(dayOf(from.toISOString())); day < to.getTime(); day += DAY_MS) {
        const pages = paginateQuery(
          { client },
          {
            TableName: tableName,
            KeyConditionExpression: 'pk = :pk',
            ExpressionAttributeValues: { ':pk': `${KEY_PREFIX.delivery}${dayOf(new Date(day).toISOString())}` },
          },
        );
        try {
          for await (const page of pages) for (const item of page.Items ?? []) found.push(JSON.parse(String(item['factJson'])) as DeliveryFact);
        } catch (error) {
          throw classifyAwsError('DynamoDB', error);
        }
      }
      return found.filter((f) => Date.parse(f.at) >= from.getTime() && Date.parse(f.at) < to.getTime());
    },
  };
}

/** BatchWriteItem, sending again what DynamoDB left unprocessed (it does under throttling) a few times. */
async function writeAll(client: DynamoDBDocumentClient, tableName: string, requests: NonNullable<BatchWriteCommandInput['RequestItems']>[string]) {
  let pending = requests;
  for (let attempt = 0; pending.length > 0; attempt += 1) {
    // Throttled past a few tries: retried later with the record (SQS), as a throttled call is.
    if (attempt === 5) throw new RetryableError('DynamoDB BatchWriteItem: items left unprocessed');
    if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** attempt));
    try {
      const out = await client.send(new BatchWriteCommand({ RequestItems: { [tableName]: pending } }));
      pending = out.UnprocessedItems?.[tableName] ?? [];
    } catch (error) {
      throw classifyAwsError('DynamoDB', error);
    }
  }
}
