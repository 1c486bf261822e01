/**
 * Lambda entry point: an SQS batch of EventBridge events → one calm Slack card per run, and email.
 * The batch is merged per run (app/process-batch.ts): one read and one write of each run's card, at
 * most one update of each of its messages; failures are reported per record, so a run that cannot be
 * delivered (a Slack outage) is retried alone and never makes SQS redeliver the others.
 */

import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { createLogger } from '../platform/logger';
import { onFirstUse } from '../platform/on-first-use';
import { type BatchDeps, processBatch } from './app/process-batch';
import { buildBatchDeps } from './wiring';

/**
 * The handler around a dependency factory (tests pass their own). The factory runs once per
 * container; a failed start (the token cannot be read) is tried again on the next invocation.
 */
export function createHandler(factory: (logger: Logger) => Promise<BatchDeps>, logger = createLogger()) {
  const deps = onFirstUse(() => factory(logger));
  return middy(async (event: SQSEvent): Promise<SQSBatchResponse> => {
    const { failed } = await processBatch(
      event.Records.map((record) => ({ id: record.messageId, body: record.body })),
      await deps(),
    );
    // Reported, not thrown: SQS treats both the same, and the invocation is not counted as a Lambda
    // error for what is a Slack outage.
    return { batchItemFailures: failed.map((itemIdentifier) => ({ itemIdentifier })) };
  }).use(injectLambdaContext(logger));
}

export const handler = createHandler(buildBatchDeps);
