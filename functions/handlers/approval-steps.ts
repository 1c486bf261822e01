/** Lambda entry point for the approval state machine's tasks (prepare, tick, failed). */
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { ApprovalDeps } from '../app/approvals/deps';
import { runApprovalStep } from '../app/approvals/steps';
import { buildApprovalDeps } from './approval-deps';

export function createApprovalStepsHandler(factory: (logger: Logger) => Promise<ApprovalDeps>, logger = new Logger({ serviceName: 'pipeline-warden' })) {
  let ready: Promise<ApprovalDeps> | undefined;
  return middy(async (payload: unknown) => {
    ready ??= factory(logger).catch((error: unknown) => {
      ready = undefined;
      throw error;
    });
    // Thrown errors keep their class name (RetryableError, PermanentError…): the state machine's Retry matches on it.
    return runApprovalStep(payload, await ready);
  }).use(injectLambdaContext(logger));
}

export const handler = createApprovalStepsHandler((logger) => buildApprovalDeps(logger));
