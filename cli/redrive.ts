/**
 * `warden redrive`: sends what sits in the dead-letter queue back to the events queue, with SQS's
 * own message-move task (the same as the console's "Start DLQ redrive"), so nothing is re-read or
 * re-written by us on the way.
 */
import { SQSClient, StartMessageMoveTaskCommand } from '@aws-sdk/client-sqs';

export interface RedriveOptions {
  readonly dlqArn?: string;
  readonly queueArn?: string;
  readonly region?: string;
  readonly out: NodeJS.WritableStream;
  readonly client?: SQSClient;
}

const SQS_ARN = /^arn:aws[a-z-]*:sqs:([a-z0-9-]+):\d{12}:[\w-]{1,80}$/;

/**
 * @example warden redrive --dlq-arn arn:aws:sqs:eu-west-1:123456789012:pipeline-warden-prod-events-dlq \
 *                        --queue-arn arn:aws:sqs:eu-west-1:123456789012:pipeline-warden-prod-events
 */
export async function redrive(options: RedriveOptions): Promise<number> {
  const problems = [
    !options.dlqArn
      ? '--dlq-arn: required (stack output EventsDeadLetterQueueArn)'
      : !SQS_ARN.test(options.dlqArn)
        ? '--dlq-arn: not an SQS queue ARN'
        : undefined,
    !options.queueArn
      ? '--queue-arn: required (stack output EventsQueueArn)'
      : !SQS_ARN.test(options.queueArn)
        ? '--queue-arn: not an SQS queue ARN'
        : undefined,
  ].filter((p): p is string => p !== undefined);
  if (problems.length) {
    options.out.write(`${problems.join('\n')}\n`);
    return 1;
  }
  const region = options.region ?? SQS_ARN.exec(options.dlqArn ?? '')?.[1];
  const client = options.client ?? new SQSClient({ region });
  const result = await client.send(new StartMessageMoveTaskCommand({ SourceArn: options.dlqArn, DestinationArn: options.queueArn }));
  options.out.write(`redrive started (task ${result.TaskHandle ?? 'unknown'}): messages move from ${options.dlqArn} to ${options.queueArn}\n`);
  return 0;
}
