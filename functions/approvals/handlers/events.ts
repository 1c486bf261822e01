/**
 * Lambda entry point for the approval rule: a manual approval action STARTED starts its timer; one
 * that ended outside Slack updates the card and stops the timer. Invoked asynchronously by
 * EventBridge: a thrown error is retried, then lands in the dead-letter queue with the event.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { parseEvent } from '../../kernel/events/parse';
import { CORRELATION_PATHS, createLogger } from '../../platform/logger';
import { createMetrics, type EmfMetrics, flushMetrics } from '../../platform/metrics';
import { onFirstUse } from '../../platform/on-first-use';
import type { ApprovalDeps } from '../app/deps';
import { onApprovalEvent } from '../app/events';
import { buildApprovalDeps } from '../wiring';

export function createApprovalEventsHandler(
  factory: (logger: Logger) => Promise<ApprovalDeps>,
  logger = createLogger(),
  metrics: EmfMetrics = createMetrics({ warnings: logger }),
) {
  const deps = onFirstUse(() => factory(logger));
  return middy(async (raw: unknown) => {
    const event = parseEvent(raw);
    const outcome = await onApprovalEvent(event, await deps());
    logger.info('approval event handled', { outcome, state: 'detail' in event ? (event.detail as { state?: string }).state : undefined });
    // A timer started, or an approval decided outside Slack closed: the two things this handler does.
    if (outcome === 'started' || outcome === 'decided')
      metrics.add({ name: 'Actions', unit: 'Count', value: 1, dimensions: { action: `approval-${outcome}` } });
    return { outcome };
  })
    .use(injectLambdaContext(logger, { correlationIdPath: CORRELATION_PATHS.eventBridge }))
    .use(flushMetrics(metrics));
}

export const handler = createApprovalEventsHandler((logger) => buildApprovalDeps(logger));
