import { SendMessageCommand, type SendMessageCommandInput, type SQSClient } from '@aws-sdk/client-sqs';
import type { DeadLetter, DeadLetterPort } from '../kernel/ports';

/** SQS message attribute values are at most 256 KiB; problems are short, but a bad event can be long. */
const MAX_ATTRIBUTE = 1024;

/** The SendMessage request for a letter: what this adapter sends, and what replay records (recording.ts). */
export function deadLetterMessage(queueUrl: string, letter: DeadLetter): SendMessageCommandInput & { QueueUrl: string } {
  return {
    QueueUrl: queueUrl,
    MessageBody: letter.body,
    MessageAttributes: {
      errorName: { DataType: 'String', StringValue: letter.errorName },
      problems: { DataType: 'String', StringValue: letter.problems.join('\n').slice(0, MAX_ATTRIBUTE) || '(none)' },
    },
  };
}

/**
 * The dead-letter queue, for events no retry can fix. The body is kept byte for byte so that a
 * redrive (`warden redrive`) replays exactly what EventBridge delivered; the reason travels in
 * message attributes.
 *
 * @example await createDeadLetterPort(new SQSClient({}), queueUrl).send({ body, errorName: 'EventRejectedError', problems })
 */
export function createDeadLetterPort(client: SQSClient, queueUrl: string): DeadLetterPort {
  return {
    async send(letter) {
      await client.send(new SendMessageCommand(deadLetterMessage(queueUrl, letter)));
    },
  };
}
