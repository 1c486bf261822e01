/**
 * Lambda entry point for the rollback rule: a CloudWatch alarm that went to ALARM starts one
 * rollback execution per target it guards. Invoked asynchronously by EventBridge: a thrown error
 * is retried, then lands in the dead-letter queue with the event.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { CORRELATION_PATHS, createLogger } from '../../platform/logger';
import { createMetrics, type EmfMetrics, flushMetrics } from '../../platform/metrics';
import { onFirstUse } from '../../platform/on-first-use';
import { onAlarmEvent, type StarterDeps } from '../app/start';
import { buildStarterDeps } from '../wiring';

export function createRollbackStartHandler(
  factory: () => StarterDeps,
  logger: Logger = createLogger(),
  metrics: EmfMetrics = createMetrics({ warnings: logger }),
) {
  const deps = onFirstUse(async () => factory());
  return middy(async (event: unknown) => {
    const started = await onAlarmEvent(event, await deps());
    logger.info('rollback starter', { started });
    // A duplicate (the alarm's event redelivered) started nothing: not an action.
    const count = started.filter((s) => s.outcome === 'started').length;
    if (count) metrics.add({ name: 'Actions', unit: 'Count', value: count, dimensions: { action: 'rollback-started' } });
    return { started };
  })
    .use(injectLambdaContext(logger, { correlationIdPath: CORRELATION_PATHS.eventBridge }))
    .use(flushMetrics(metrics));
}

export const handler = createRollbackStartHandler(buildStarterDeps);
