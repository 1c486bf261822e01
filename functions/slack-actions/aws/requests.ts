/**
 * Replay protection for Slack's signed requests: the same request is never accepted twice. A
 * signature is unique per (timestamp, body) and verifies for five minutes either side of its
 * timestamp, so remembering every accepted signature for longer than that window is enough: the
 * first acceptance writes `SLACK-REQUEST#<signature>` with a conditional put, and any later copy
 * of the same request finds it there.
 *
 * The item lives in the run-cards table (`pk`/`sk`, TTL on `expiresAt`, see `dynamo-store.ts`).
 * DynamoDB deletes expired items lazily (up to days late); an expired item that still exists only
 * refuses a request that the timestamp check refuses anyway.
 */
import { type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { KEY_PREFIX } from '../../kernel/table-keys';
import { classifyAwsError } from '../../platform/aws-errors';
import { TTL_ATTRIBUTE } from '../../platform/dynamo-store';
import type { SlackRequestsPort } from '../ports';

/** Ten minutes: longer than any timestamp the five-minute window still accepts, from any `now`. */
export const REPLAY_TTL_SECONDS = 10 * 60;
/** The partition-key prefix; the function's IAM policy allows PutItem on these keys only. */
export const REQUEST_KEY_PREFIX = KEY_PREFIX.slackRequest;

export interface DynamoSlackRequestsOptions {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
}

export const requestKey = (signature: string) => ({ pk: `${REQUEST_KEY_PREFIX}${signature}`, sk: 'REQUEST' });

/**
 * @example
 * const requests = createDynamoSlackRequests({ client: doc, tableName: process.env.TABLE_NAME });
 * await requests.claim(check.signature, now); // 'first'
 * await requests.claim(check.signature, now); // 'replayed'
 * @throws RetryableError when DynamoDB throttles or cannot be reached; PermanentError otherwise.
 */
export function createDynamoSlackRequests(options: DynamoSlackRequestsOptions): SlackRequestsPort {
  const { client, tableName } = options;
  return {
    async claim(signature, now) {
      const item = { ...requestKey(signature), [TTL_ATTRIBUTE]: Math.floor(now.getTime() / 1000) + REPLAY_TTL_SECONDS };
      try {
        await client.send(new PutCommand({ TableName: tableName, Item: item, ConditionExpression: 'attribute_not_exists(pk)' }));
        return 'first';
      } catch (error) {
        // By name, not `instanceof`: a second copy of client-dynamodb in a bundle has its own class.
        if (error instanceof Error && error.name === 'ConditionalCheckFailedException') return 'replayed';
        throw classifyAwsError('DynamoDB (replay protection)', error);
      }
    },
  };
}

/**
 * The same contract in memory, for one process (`npm run dev`, tests). Entries older than the
 * TTL are dropped as new ones arrive, so a long-running dev server does not grow.
 */
export function createMemorySlackRequests(): SlackRequestsPort {
  const seen = new Map<string, number>();
  return {
    async claim(signature, now) {
      const nowMs = now.getTime();
      // Insertion order is expiry order (same TTL for all): stop at the first live entry.
      for (const [key, expiresAt] of seen) {
        if (expiresAt > nowMs) break;
        seen.delete(key);
      }
      if (seen.has(signature)) return 'replayed';
      seen.set(signature, nowMs + REPLAY_TTL_SECONDS * 1000);
      return 'first';
    },
  };
}
