/**
 * Lambda entry point: an SQS batch of EventBridge events → one calm Slack card per run, and email.
 * Records are processed one after another (events of one run often arrive together) and failures
 * are reported per record, so one bad record never makes SQS redeliver the whole batch.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { createLogger } from '../shared/logger';
import { onFirstUse } from '../shared/on-first-use';
import { processRecord, type RecordDeps } from './app/process-record';
import { buildRecordDeps } from './wiring';

/**
 * The handler around a dependency factory (tests pass their own). The factory runs once per
 * container; a failed start (the token cannot be read) is tried again on the next invocation.
 */
export function createHandler(factory: (logger: Logger) => Promise<RecordDeps>, logger = createLogger()) {
  const processor = new BatchProcessor(EventType.SQS);
  const deps = onFirstUse(() => factory(logger));
  return middy(async (event: SQSEvent, context: Context) => {
    const recordDeps = await deps();
    recordDeps.registerContext?.(context);
    return processPartialResponse(event, (record: SQSRecord) => processRecord(record.body, recordDeps), processor, {
      context,
      processInParallel: false,
      // Report every failed record instead of throwing: SQS treats both the same, and the
      // invocation is not counted as a Lambda error for what is a Slack outage.
      throwOnFullBatchFailure: false,
    });
  }).use(injectLambdaContext(logger));
}

export const handler = createHandler(buildRecordDeps);
