/**
 * Failure streaks in the cards table: `STREAK#<account/region/pipeline>` / `STREAK`, the streak as
 * JSON text and a `version` for conditional writes, as cards are stored (functions/platform/dynamo-store.ts).
 * No TTL: a streak is one small item per pipeline, and an open incident must outlive any quiet spell.
 */
import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Streak } from '../kernel/delivery/streak';
import { CardConflictError, PermanentError } from '../kernel/errors';
import type { StreakStorePort } from '../kernel/ports';
import { KEY_PREFIX } from '../kernel/table-keys';
import { classifyAwsError } from './aws-errors';

const keyOf = (pipelineKey: string) => ({ pk: `${KEY_PREFIX.streak}${pipelineKey}`, sk: 'STREAK' });

/**
 * @example
 * const streaks = createDynamoStreaks({ client: doc, tableName: process.env.TABLE_NAME });
 * const stored = await streaks.get('123456789012/eu-west-1/web');
 */
export function createDynamoStreaks({ client, tableName }: { client: DynamoDBDocumentClient; tableName: string }): StreakStorePort {
  return {
    async get(pipelineKey) {
      let item: Record<string, unknown> | undefined;
      try {
        item = (await client.send(new GetCommand({ TableName: tableName, Key: keyOf(pipelineKey), ConsistentRead: true }))).Item;
      } catch (error) {
        throw classifyAwsError('DynamoDB', error);
      }
      if (!item) return undefined;
      const { streakJson, version } = item;
      if (typeof streakJson !== 'string' || typeof version !== 'number') throw new PermanentError(`streak ${pipelineKey}: the stored item is malformed`);
      return { streak: JSON.parse(streakJson) as Streak, version };
    },
    async put(pipelineKey, streak, expectedVersion) {
      const condition =
        expectedVersion === 0
          ? { ConditionExpression: 'attribute_not_exists(pk)' }
          : { ConditionExpression: 'version = :expected', ExpressionAttributeValues: { ':expected': expectedVersion } };
      try {
        await client.send(
          new PutCommand({
            TableName: tableName,
            Item: { ...keyOf(pipelineKey), streakJson: JSON.stringify(streak), version: expectedVersion + 1 },
            ...condition,
          }),
        );
      } catch (error) {
        if (error instanceof Error && error.name === 'ConditionalCheckFailedException')
          throw new CardConflictError(`streak ${pipelineKey} changed meanwhile`, { cause: error });
        throw classifyAwsError('DynamoDB', error);
      }
    },
  };
}
