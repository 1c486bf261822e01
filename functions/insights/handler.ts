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
  return middy(async (event: unknown) => {
    const result = await sendDigests(await deps(), scheduledTimeOf(event));
    logger.info('weekly digest', result);
    return result;
  }).use(injectLambdaContext(logger));
}

/** The schedule's input (infra/digest.yml): `{ "scheduledTime": "<aws.scheduler.scheduled-time>" }`. */
function scheduledTimeOf(event: unknown): Date | undefined {
  const text = typeof event === 'object' && event !== null ? (event as Record<string, unknown>)['scheduledTime'] : undefined;
  const time = typeof text === 'string' ? Date.parse(text) : Number.NaN;
  return Number.isNaN(time) ? undefined : new Date(time);
}

export const handler = createDigestHandler((logger) => buildDigestDeps(logger));
