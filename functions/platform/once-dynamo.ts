import { DeleteCommand, type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { OncePort } from '../kernel/ports';
import { KEY_PREFIX } from '../kernel/table-keys';
import { classifyAwsError } from './aws-errors';
import { TTL_ATTRIBUTE } from './dynamo-store';

const keyOf = (key: string) => ({ pk: `${KEY_PREFIX.once}${key}`, sk: 'ONCE' });

/**
 * Claims in the cards table: a conditional put that only the first caller wins, expiring (TTL) at `until`.
 *
 * @example
 * const once = createDynamoOnce({ client: doc, tableName });
 * if (await once.claim('digest#payments#C0PAYMENTS1#2026-11-23', inTwoWeeks)) await post();
 */
export function createDynamoOnce({ client, tableName }: { client: DynamoDBDocumentClient; tableName: string }): OncePort {
  return {
    async claim(key, until) {
      try {
        await client.send(
          new PutCommand({
            TableName: tableName,
            Item: { ...keyOf(key), [TTL_ATTRIBUTE]: Math.floor(until.getTime() / 1000) },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
        return true;
      } catch (error) {
        if (error instanceof Error && error.name === 'ConditionalCheckFailedException') return false;
        throw classifyAwsError('DynamoDB', error);
      }
    },
    async release(key) {
      try {
        await client.send(new DeleteCommand({ TableName: tableName, Key: keyOf(key) }));
      } catch (error) {
        throw classifyAwsError('DynamoDB', error);
      }
    },
  };
}
