/**
 * How long a failed build a pipeline started waits for its pipeline action before it is announced
 * on its own card. The wait is an SQS message delay, and SQS delays a message at most 15 minutes
 * (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-delay-queues.html);
 * under a minute, the action (seconds behind the build) would often lose the race.
 */
export const UNCLAIMED_BUILD_GRACE = {
  default: '10m',
  limit: {
    min: 60_000,
    max: 15 * 60_000,
    tooShort: 'the pipeline action that claims a build can arrive some seconds after it',
    tooLong: 'an SQS message is delayed at most 15 minutes',
  },
} as const;
