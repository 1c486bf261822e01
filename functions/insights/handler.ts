/**
 * Lambda entry point of the weekly delivery digest, invoked by its EventBridge Scheduler schedule
 * (config `insights.digest`: day, local time and time zone). A thrown error is retried by the
 * asynchronous invocation; digests already posted are claimed and not posted again.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { createLogger } from '../platform/logger';
import { onFirstUse } from '../platform/on-first-use';
import { type DigestDeps, sendDigests } from './app/digest';
import { buildDigestDeps } from './wiring';

export function createDigestHandler(factory: (logger: Logger) => Promise<DigestDeps>, logger = createLogger()) {
  const deps = onFirstUse(() => factory(logger));
  return middy(async () => {
    const result = await sendDigests(await deps());
    logger.info('weekly digest', result);
    return result;
  }).use(injectLambdaContext(logger));
}

export const handler = createDigestHandler((logger) => buildDigestDeps(logger));
