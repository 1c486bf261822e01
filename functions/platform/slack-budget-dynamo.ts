/**
 * Slack's budget in the stack's table, shared by every notify worker: one item per counter per
 * window (`PACE#chat.update@<window start>` / `PACE`), incremented with an atomic `ADD` that answers
 * the new count, so a take is one `UpdateItem` per counter, all in parallel, and never a read-modify-
 * write race. Windows expire by TTL an hour after they end.
 */
import { type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { SlackBudgetPort } from '../kernel/ports';
import { demandOf, grantsFor, HELD, heldWindows, keyString, WINDOW_MS, type WindowKey } from '../kernel/slack-budget';
import { KEY_PREFIX } from '../kernel/table-keys';
import { classifyAwsError } from './aws-errors';
import { TTL_ATTRIBUTE } from './dynamo-store';

export interface DynamoSlackBudgetOptions {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
}

const KEEP_MS = 3_600_000;

const itemKey = (key: WindowKey) => ({ pk: `${KEY_PREFIX.pace}${keyString(key)}`, sk: 'PACE' });
const expiry = (key: WindowKey) => Math.floor((key.start + WINDOW_MS + KEEP_MS) / 1000);

/**
 * @example
 * const budget = createDynamoSlackBudget({ client: doc, tableName: process.env.TABLE_NAME });
 * await budget.take([{ method: 'chat.update', channel: 'C0123ABCD' }], new Date()); // [true] or [Date]
 */
export function createDynamoSlackBudget(options: DynamoSlackBudgetOptions): SlackBudgetPort {
  const { client, tableName } = options;
  const send = async (command: UpdateCommand) => {
    try {
      return await client.send(command);
    } catch (error) {
      throw classifyAwsError('DynamoDB', error);
    }
  };
  return {
    async take(calls, now) {
      const at = now.getTime();
      const counted = new Map<string, number>();
      await Promise.all(
        [...demandOf(calls, at)].map(async ([k, { key, n }]) => {
          const out = await send(
            new UpdateCommand({
              TableName: tableName,
              Key: itemKey(key),
              UpdateExpression: 'ADD #n :n SET #ttl = if_not_exists(#ttl, :ttl)',
              ExpressionAttributeNames: { '#n': 'n', '#ttl': TTL_ATTRIBUTE },
              ExpressionAttributeValues: { ':n': n, ':ttl': expiry(key) },
              ReturnValues: 'UPDATED_NEW',
            }),
          );
          const value: unknown = out.Attributes?.['n'];
          counted.set(k, typeof value === 'number' ? value : HELD);
        }),
      );
      return grantsFor(calls, counted, at);
    },
    async hold(method, until, now) {
      await Promise.all(
        heldWindows(method, now.getTime(), until.getTime()).map((key) =>
          send(
            new UpdateCommand({
              TableName: tableName,
              Key: itemKey(key),
              UpdateExpression: 'SET #n = :held, #ttl = :ttl',
              ExpressionAttributeNames: { '#n': 'n', '#ttl': TTL_ATTRIBUTE },
              ExpressionAttributeValues: { ':held': HELD, ':ttl': expiry(key) },
            }),
          ),
        ),
      );
    },
  };
}
