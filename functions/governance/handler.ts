/**
 * Lambda entry point of governance: CloudTrail changes to pipelines and projects, the daily audit and
 * the freeze tick (schedule inputs), and published package versions. Invoked asynchronously by
 * EventBridge: a thrown error is retried, then lands in the dead-letter queue with the event.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { CORRELATION_PATHS, createLogger } from '../platform/logger';
import { onFirstUse } from '../platform/on-first-use';
import type { GovernanceDeps } from './app/deps';
import { runGovernance } from './app/run';
import { governanceTrigger } from './domain/trigger';
import { buildGovernanceDeps } from './wiring';

export function createGovernanceHandler(factory: (logger: Logger) => Promise<GovernanceDeps>, logger = createLogger()) {
  const deps = onFirstUse(() => factory(logger));
  return middy(async (raw: unknown) => {
    const trigger = governanceTrigger(raw);
    const result = await runGovernance(trigger, await deps());
    logger.info('governance run', { trigger: trigger.kind, summary: result.summary });
    return { summary: result.summary };
  }).use(injectLambdaContext(logger, { correlationIdPath: CORRELATION_PATHS.eventBridge }));
}

export const handler = createGovernanceHandler((logger) => buildGovernanceDeps(logger));
