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
import { createMetrics, type EmfMetrics, flushMetrics } from '../platform/metrics';
import { onFirstUse } from '../platform/on-first-use';
import { withSlackMetrics } from '../platform/slack-metrics';
import { type BatchDeps, processBatch } from './app/process-batch';
import { buildBatchDeps } from './wiring';

/**
 * The handler around a dependency factory (tests pass their own). The factory runs once per
 * container; a failed start (the token cannot be read) is tried again on the next invocation.
 */
export function createHandler(
  factory: (logger: Logger) => Promise<BatchDeps>,
  logger = createLogger(),
  metrics: EmfMetrics = createMetrics({ warnings: logger }),
) {
  const deps = onFirstUse(async () => metered(await factory(logger), metrics));
  return middy(async (event: SQSEvent): Promise<SQSBatchResponse> => {
    const { failed, results } = await processBatch(
      event.Records.map((record) => ({ id: record.messageId, body: record.body })),
      await deps(),
    );
    // The orchestrator's health (README, "Metrics and dashboard"): service-level, one EMF line per invocation.
    const rejected = [...results.values()].filter((result) => result === 'rejected').length;
    metrics.add({ name: 'EventsProcessed', unit: 'Count', value: event.Records.length });
    metrics.add({ name: 'EventsRejected', unit: 'Count', value: rejected });
    metrics.add({ name: 'EventsRetried', unit: 'Count', value: failed.length });
    // Reported, not thrown: SQS treats both the same, and the invocation is not counted as a Lambda
    // error for what is a Slack outage.
    return { batchItemFailures: failed.map((itemIdentifier) => ({ itemIdentifier })) };
  })
    .use(injectLambdaContext(logger))
    .use(flushMetrics(metrics));
}

/** Slack calls timed and their failures counted, whichever port the factory built; delivery facts counted as they are recorded. */
const metered = (deps: BatchDeps, metrics: EmfMetrics): BatchDeps => ({
  ...deps,
  notify: {
    ...deps.notify,
    slack: withSlackMetrics(deps.notify.slack, metrics),
    ...(deps.notify.insights ? { insights: { ...deps.notify.insights, metrics } } : {}),
  },
});

export const handler = createHandler(buildBatchDeps);
