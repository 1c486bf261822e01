/**
 * Slack's budget in the stack's table, shared by every notify worker: one item per window
 * (`PACE#<window start>` / `PACE`) holding one counter attribute per method (and per channel for
 * posts), all incremented by one `UpdateItem` whose atomic `ADD`s answer the new counts. A take is
 * therefore one request, whatever the methods and channels it asks for, and never a read-modify-write
 * race. Windows expire by TTL an hour after they end.
 *
 * The item grows with the channels posted to in its window; the workspace's own post limit
 * (`WINDOW_LIMITS['chat.postMessage']` a window) keeps that to a few dozen attributes. The earlier
 * layout's items (`PACE#<method>@<window>`, one per counter) are not read: while a deploy replaces
 * the workers, old and new ones count apart, for the windows the switch takes.
 */
import { type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { SlackBudgetPort } from '../kernel/ports';
import { demandOf, grantsFor, HELD, heldWindows, WINDOW_MS } from '../kernel/slack-budget';
import { KEY_PREFIX } from '../kernel/table-keys';
import { classifyAwsError } from './aws-errors';
import { TTL_ATTRIBUTE } from './dynamo-store';

export interface DynamoSlackBudgetOptions {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
}

const KEEP_MS = 3_600_000;

const windowItemKey = (start: number) => ({ pk: `${KEY_PREFIX.pace}${start}`, sk: 'PACE' });
const expiry = (start: number) => Math.floor((start + WINDOW_MS + KEEP_MS) / 1000);

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
      const demand = [...demandOf(calls, at)];
      const counted = new Map<string, number>();
      const first = demand[0];
      if (!first) return grantsFor(calls, counted, at);
      // Every counter of a take is in the window of `at`: one item, one ADD per counter.
      const names: Record<string, string> = { '#ttl': TTL_ATTRIBUTE };
      const values: Record<string, number> = { ':ttl': expiry(first[1].key.start) };
      const adds = demand.map(([, { key, n }], i) => {
        names[`#c${i}`] = key.id;
        values[`:c${i}`] = n;
        return `#c${i} :c${i}`;
      });
      const out = await send(
        new UpdateCommand({
          TableName: tableName,
          Key: windowItemKey(first[1].key.start),
          UpdateExpression: `ADD ${adds.join(', ')} SET #ttl = if_not_exists(#ttl, :ttl)`,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ReturnValues: 'UPDATED_NEW',
        }),
      );
      for (const [k, { key }] of demand) {
        const value: unknown = out.Attributes?.[key.id];
        counted.set(k, typeof value === 'number' ? value : HELD);
      }
      return grantsFor(calls, counted, at);
    },
    async hold(method, until, now) {
      await Promise.all(
        heldWindows(method, now.getTime(), until.getTime()).map((key) =>
          send(
            new UpdateCommand({
              TableName: tableName,
              Key: windowItemKey(key.start),
              UpdateExpression: 'SET #n = :held, #ttl = :ttl',
              ExpressionAttributeNames: { '#n': key.id, '#ttl': TTL_ATTRIBUTE },
              ExpressionAttributeValues: { ':held': HELD, ':ttl': expiry(key.start) },
            }),
          ),
        ),
      );
    },
  };
}
