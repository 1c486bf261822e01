/**
 * Lambda entry point of the Slack interactivity endpoint (`POST /slack/actions`, API Gateway HTTP
 * API, payload format 2.0): button clicks on our Slack messages. The work is in
 * app/handle-request.ts; this only turns the HTTP event into bytes and back.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { CORRELATION_PATHS, createLogger } from '../platform/logger';
import { onFirstUse } from '../platform/on-first-use';
import { type HttpAnswer, handleSlackRequest, type SlackActionsDeps } from './app/handle-request';
import { rawBody } from './aws/signature';
import { buildSlackActionsDeps } from './wiring';

/**
 * The handler around a dependency factory (tests and `npm run dev` pass their own). The factory
 * runs once per container; a failed start is tried again on the next request.
 */
export function createHandler(factory: (logger: Logger) => Promise<SlackActionsDeps>, logger = createLogger()) {
  const deps = onFirstUse(() => factory(logger));
  return middy(async (event: APIGatewayProxyEventV2, _context: Context): Promise<APIGatewayProxyStructuredResultV2> => {
    let answer: HttpAnswer;
    try {
      answer = await handleSlackRequest({ headers: lowerCased(event.headers), body: rawBody(event) }, await deps());
    } catch (error) {
      // Only the dependency factory can get here (handleSlackRequest answers its own failures).
      logger.error('slack actions: could not start', { error });
      answer = { statusCode: 500, body: 'try again' };
    }
    return { statusCode: answer.statusCode, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: answer.body };
  }).use(injectLambdaContext(logger, { correlationIdPath: CORRELATION_PATHS.httpApi }));
}

/** HTTP APIs already lower-case header names; other callers (the dev server, tests) may not. */
function lowerCased(headers: APIGatewayProxyEventV2['headers'] | undefined): Record<string, string | undefined> {
  // fromEntries defines own properties: a header named `__proto__` stays a header.
  return Object.fromEntries(Object.entries(headers ?? {}).map(([name, value]) => [name.toLowerCase(), value]));
}

export const handler = createHandler(buildSlackActionsDeps);
