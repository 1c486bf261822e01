import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { RedeliveryPort } from '../../kernel/ports';
import { classifyAwsError } from '../../platform/aws-errors';
import { redeliveryBody } from '../domain/redelivery';

/** SQS holds a message back at most 15 minutes; a later slot is asked for again when this one comes. */
const MAX_DELAY_SECONDS = 900;

/**
 * Redelivery through notify's own queue: a message delayed until the card's slot, which the notify
 * function reads like any event (functions/notify/domain/redelivery.ts).
 *
 * @example await createRedeliveryPort(new SQSClient({}), process.env.EVENTS_QUEUE_URL).schedule(card, at, new Date())
 */
export function createRedeliveryPort(client: SQSClient, queueUrl: string): RedeliveryPort {
  return {
    async schedule(run, at, now) {
      const delay = Math.min(MAX_DELAY_SECONDS, Math.max(0, Math.ceil((at.getTime() - now.getTime()) / 1000)));
      try {
        await client.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: redeliveryBody(run), DelaySeconds: delay }));
      } catch (error) {
        throw classifyAwsError('SQS', error);
      }
    },
  };
}
