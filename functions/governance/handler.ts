/**
 * Lambda entry point of governance: CloudTrail changes to pipelines and projects, the daily audit and
 * the freeze tick (schedule inputs), and published package versions. Invoked asynchronously by
 * EventBridge: a thrown error is retried, then lands in the dead-letter queue with the event.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { GovernanceDeps } from './app/deps';
import { runGovernance } from './app/run';
import { governanceTrigger } from './domain/trigger';
import { buildGovernanceDeps } from './wiring';
import { onFirstUse } from '../shared/on-first-use';

export function createGovernanceHandler(factory: (logger: Logger) => Promise<GovernanceDeps>, logger = new Logger({ serviceName: 'pipeline-warden' })) {
  const deps = onFirstUse(() => factory(logger));
  return middy(async (raw: unknown) => {
    const trigger = governanceTrigger(raw);
    const id = typeof raw === 'object' && raw !== null ? (raw as { id?: unknown }).id : undefined;
    if (typeof id === 'string') logger.appendKeys({ correlationId: id });
    const result = await runGovernance(trigger, await deps());
    logger.info('governance run', { trigger: trigger.kind, summary: result.summary });
    return { summary: result.summary };
  }).use(injectLambdaContext(logger));
}

export const handler = createGovernanceHandler((logger) => buildGovernanceDeps(logger));
