/**
 * A dead letter sent once per record body: a duplicate of an unreadable event (SQS and EventBridge
 * deliver at least once) does not put a second copy in the dead-letter queue. The card records every
 * other side effect of notify; this is the one it does not hold.
 *
 * Written here rather than with Powertools idempotency, which notify used for this: it did the same
 * with one conditional write, but brought ~30 KB into the bundle (its persistence layer and a
 * JMESPath engine) for it, and notify's bundle has a 250 KB budget (test/infra/template.test.ts).
 */
import { createHash } from 'node:crypto';
import { DeleteCommand, type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { DeadLetterPort } from '../../kernel/ports';
import { KEY_PREFIX } from '../../kernel/table-keys';
import { callAws } from '../../platform/aws-errors';
import { TTL_ATTRIBUTE } from '../../platform/dynamo-store';

/** Longer than SQS keeps redelivering a record and EventBridge retries a delivery (24 hours). */
const REMEMBER_SECONDS = 86_400;

export interface OnceOptions {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
  readonly now?: () => Date;
}

/** The record of a letter sent: `IDEMPOTENCY#dead-letter` / the SHA-256 of its body. */
export const letterKey = (body: string) => ({ pk: `${KEY_PREFIX.idempotency}dead-letter`, sk: createHash('sha256').update(body).digest('hex') });

/**
 * @example const deadLetter = sendOnce(createDeadLetterPort(sqs, url), { client: doc, tableName });
 */
export function sendOnce(inner: DeadLetterPort, options: OnceOptions): DeadLetterPort {
  const now = options.now ?? (() => new Date());
  return {
    async send(letter) {
      const Key = letterKey(letter.body);
      const Item = { ...Key, at: now().toISOString(), [TTL_ATTRIBUTE]: Math.floor(now().getTime() / 1000) + REMEMBER_SECONDS };
      try {
        await options.client.send(new PutCommand({ TableName: options.tableName, Item, ConditionExpression: 'attribute_not_exists(pk)' }));
      } catch (error) {
        // Sent before: a duplicate.
        if (error instanceof Error && error.name === 'ConditionalCheckFailedException') return;
        return callAws('DynamoDB (dead letters sent)', () => Promise.reject(error));
      }
      try {
        await inner.send(letter);
      } catch (error) {
        // Not sent: forgotten, so the record's retry sends it.
        await callAws('DynamoDB (dead letters sent)', () => options.client.send(new DeleteCommand({ TableName: options.tableName, Key })));
        throw error;
      }
    },
  };
}
