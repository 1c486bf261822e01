/** Lambda entry point for the rollback state machine's tasks (decide, act, check, report). */
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { RollbackDeps } from '../app/deps';
import { runRollbackStep } from '../app/steps';
import { buildRollbackDeps } from '../wiring';

export function createRollbackStepsHandler(factory: (logger: Logger) => Promise<RollbackDeps>, logger = new Logger({ serviceName: 'pipeline-warden' })) {
  let ready: Promise<RollbackDeps> | undefined;
  return middy(async (payload: unknown) => {
    ready ??= factory(logger).catch((error: unknown) => {
      ready = undefined;
      throw error;
    });
    // Thrown errors keep their class name (RetryableError, PermanentError…): the state machine's Retry matches on it.
    return runRollbackStep(payload, await ready);
  }).use(injectLambdaContext(logger));
}

export const handler = createRollbackStepsHandler((logger) => buildRollbackDeps(logger));
