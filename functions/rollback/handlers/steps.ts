/** Lambda entry point for the rollback state machine's tasks (decide, act, check, report). */
import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { createLogger } from '../../platform/logger';
import { onFirstUse } from '../../platform/on-first-use';
import type { RollbackDeps } from '../app/deps';
import { runRollbackStep } from '../app/steps';
import { buildRollbackDeps } from '../wiring';

export function createRollbackStepsHandler(factory: (logger: Logger) => Promise<RollbackDeps>, logger = createLogger()) {
  const deps = onFirstUse(() => factory(logger));
  return middy(async (payload: unknown) => {
    // Thrown errors keep their class name (RetryableError, PermanentError…): the state machine's Retry matches on it.
    return runRollbackStep(payload, await deps());
  }).use(injectLambdaContext(logger));
}

export const handler = createRollbackStepsHandler((logger) => buildRollbackDeps(logger));
