import { SQSClient, StartMessageMoveTaskCommand } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it } from 'vitest';
import { redrive } from '../../cli/redrive';

const sqs = mockClient(SQSClient);
const DLQ = 'arn:aws:sqs:eu-west-1:123456789012:pipeline-warden-prod-events-dlq';
const QUEUE = 'arn:aws:sqs:eu-west-1:123456789012:pipeline-warden-prod-events';
const sink = () => {
  let text = '';
  const write = (s: string) => {
    text += s;
    return true;
  };
  return { out: { write } as unknown as NodeJS.WritableStream, text: () => text };
};

describe('warden redrive', () => {
  beforeEach(() => sqs.reset());

  it('starts an SQS message-move task from the dead-letter queue to the events queue', async () => {
    sqs.on(StartMessageMoveTaskCommand).resolves({ TaskHandle: 'task-1' });
    const o = sink();
    expect(await redrive({ dlqArn: DLQ, queueArn: QUEUE, out: o.out, client: new SQSClient({ region: 'eu-west-1' }) })).toBe(0);
    expect(sqs).toHaveReceivedCommandWith(StartMessageMoveTaskCommand, { SourceArn: DLQ, DestinationArn: QUEUE });
    expect(o.text()).toContain('task-1');
  });

  it('refuses missing or malformed ARNs without calling AWS', async () => {
    const o = sink();
    expect(await redrive({ dlqArn: 'my-dlq', out: o.out, client: new SQSClient({ region: 'eu-west-1' }) })).toBe(1);
    expect(o.text()).toBe('--dlq-arn: not an SQS queue ARN\n--queue-arn: required (stack output EventsQueueArn)\n');
    expect(sqs).not.toHaveReceivedAnyCommand();
  });
});
