import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it } from 'vitest';
import { RetryableError } from '../../functions/kernel/errors';
import { createRedeliveryPort } from '../../functions/notify/aws/redelivery';
import { readRedelivery } from '../../functions/notify/domain/redelivery';

const QUEUE = 'https://sqs.eu-west-1.amazonaws.com/123456789012/pipeline-warden-dev-events';
const run = {
  run: { kind: 'pipeline' as const, key: 'pipeline/123456789012/eu-west-1/payments-api/6f2b1c1e' },
  subject: { account: '123456789012', region: 'eu-west-1', pipeline: 'payments-api' },
};
const now = new Date('2026-12-02T10:00:00Z');
const sqs = mockClient(SQSClient);
beforeEach(() => sqs.reset());

describe('redelivery through notify’s own queue', () => {
  it('sends the run, delayed until its slot, in a body notify reads back as a redelivery', async () => {
    sqs.on(SendMessageCommand).resolves({ MessageId: 'm1' });
    await createRedeliveryPort(new SQSClient({ region: 'eu-west-1' }), QUEUE).schedule(run, new Date('2026-12-02T10:00:21.200Z'), now);
    expect(sqs).toHaveReceivedCommandWith(SendMessageCommand, { QueueUrl: QUEUE, DelaySeconds: 22 });
    const body = sqs.commandCalls(SendMessageCommand)[0]?.args[0].input.MessageBody;
    expect(readRedelivery(JSON.parse(body ?? '{}'))).toEqual(run);
  });

  it('asks SQS for at most its 15 minutes, and never a negative delay', async () => {
    sqs.on(SendMessageCommand).resolves({ MessageId: 'm1' });
    const port = createRedeliveryPort(new SQSClient({ region: 'eu-west-1' }), QUEUE);
    await port.schedule(run, new Date('2026-12-02T11:00:00Z'), now);
    await port.schedule(run, new Date('2026-12-02T09:59:00Z'), now);
    expect(sqs.commandCalls(SendMessageCommand).map((c) => c.args[0].input.DelaySeconds)).toEqual([900, 0]);
  });

  it('a throttled queue is retryable: the record goes back to SQS, the redelivery is not lost', async () => {
    sqs.on(SendMessageCommand).rejects(Object.assign(new Error('slow down'), { name: 'ThrottlingException', $metadata: { httpStatusCode: 400 } }));
    const error = await createRedeliveryPort(new SQSClient({ region: 'eu-west-1' }), QUEUE)
      .schedule(run, now, now)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RetryableError);
  });

  it('an EventBridge event, or a body that only looks like a redelivery, is not one', () => {
    expect(readRedelivery({ 'detail-type': 'CodePipeline Pipeline Execution State Change', detail: {} })).toBeUndefined();
    expect(readRedelivery({ 'warden:redeliver': { run: { kind: 'pipeline' } } })).toBeUndefined();
    expect(readRedelivery(null)).toBeUndefined();
  });
});
