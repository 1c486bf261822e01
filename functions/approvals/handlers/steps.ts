/** Lambda entry point for the approval state machine's tasks (prepare, tick, failed). */
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { ApprovalDeps } from '../app/deps';
import { runApprovalStep } from '../app/steps';
import { buildApprovalDeps } from '../wiring';
import { onFirstUse } from '../../shared/on-first-use';

export function createApprovalStepsHandler(factory: (logger: Logger) => Promise<ApprovalDeps>, logger = new Logger({ serviceName: 'pipeline-warden' })) {
  const deps = onFirstUse(() => factory(logger));
  return middy(async (payload: unknown) => {
    // Thrown errors keep their class name (RetryableError, PermanentError…): the state machine's Retry matches on it.
    return runApprovalStep(payload, await deps());
  }).use(injectLambdaContext(logger));
}

export const handler = createApprovalStepsHandler((logger) => buildApprovalDeps(logger));
