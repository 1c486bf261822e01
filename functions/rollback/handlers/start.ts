/**
 * Lambda entry point for the rollback rule: a CloudWatch alarm that went to ALARM starts one
 * rollback execution per target it guards. Invoked asynchronously by EventBridge: a thrown error
 * is retried, then lands in the dead-letter queue with the event.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { onAlarmEvent, type StarterDeps } from '../app/start';
import { buildStarterDeps } from '../wiring';

export function createRollbackStartHandler(factory: () => StarterDeps, logger = new Logger({ serviceName: 'pipeline-warden' })) {
  let deps: StarterDeps | undefined;
  return middy(async (event: unknown) => {
    deps ??= factory();
    const id = typeof event === 'object' && event !== null ? (event as { id?: unknown }).id : undefined;
    if (typeof id === 'string') logger.appendKeys({ correlationId: id });
    const started = await onAlarmEvent(event, deps);
    logger.info('rollback starter', { started });
    return { started };
  }).use(injectLambdaContext(logger));
}

export const handler = createRollbackStartHandler(buildStarterDeps);
