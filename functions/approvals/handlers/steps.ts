/** Lambda entry point for the approval state machine's tasks (prepare, tick, failed). */
import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { createLogger } from '../../platform/logger';
import { onFirstUse } from '../../platform/on-first-use';
import type { ApprovalDeps } from '../app/deps';
import { runApprovalStep } from '../app/steps';
import { buildApprovalDeps } from '../wiring';

export function createApprovalStepsHandler(factory: (logger: Logger) => Promise<ApprovalDeps>, logger = createLogger()) {
  const deps = onFirstUse(() => factory(logger));
  return middy(async (payload: unknown) => {
    // Thrown errors keep their class name (RetryableError, PermanentError…): the state machine's Retry matches on it.
    return runApprovalStep(payload, await deps());
  }).use(injectLambdaContext(logger));
}

export const handler = createApprovalStepsHandler((logger) => buildApprovalDeps(logger));
