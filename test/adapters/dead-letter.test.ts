import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { expect, it } from 'vitest';
import { createDeadLetterPort } from '../../functions/platform/dead-letter';

it('sends the body byte for byte, with the reason in message attributes', async () => {
  const sqs = mockClient(SQSClient);
  sqs.on(SendMessageCommand).resolves({ MessageId: 'm1' });
  const body = '{"id": "x",  "detail": {}}';
  await createDeadLetterPort(new SQSClient({ region: 'eu-west-1' }), 'https://sqs.eu-west-1.amazonaws.com/123456789012/dlq').send({
    body,
    errorName: 'EventRejectedError',
    problems: ['detail.pipeline: required', 'time: required'],
  });
  expect(sqs).toHaveReceivedCommandWith(SendMessageCommand, {
    QueueUrl: 'https://sqs.eu-west-1.amazonaws.com/123456789012/dlq',
    MessageBody: body,
    MessageAttributes: {
      errorName: { DataType: 'String', StringValue: 'EventRejectedError' },
      problems: { DataType: 'String', StringValue: 'detail.pipeline: required\ntime: required' },
    },
  });
});
