/**
 * The one Logger every function uses: Powertools, service `pipeline-warden`, and a correlation id
 * under Powertools' own key (`correlation_id`) in every line, so one query follows an event or a
 * request across functions. Handlers set it with `injectLambdaContext(logger, { correlationIdPath })`
 * (the EventBridge event id, the API Gateway request id); notify sets it per SQS record.
 */
import { Logger } from '@aws-lambda-powertools/logger';

/** The same paths as Powertools' `correlationPaths.EVENT_BRIDGE` and `.API_GATEWAY_HTTP`. */
export const CORRELATION_PATHS = { eventBridge: 'id', httpApi: 'requestContext.requestId' } as const;

/**
 * Powertools resolves `correlationIdPath` with the search function the Logger is given; its own
 * (`@aws-lambda-powertools/logger/correlationId`) loads a JMESPath engine into every bundle. Our
 * paths are plain dotted keys, so a key lookup is all it needs.
 */
export function dottedPath(expression: string, data: unknown): unknown {
  return expression
    .split('.')
    .reduce<unknown>((value, key) => (typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined), data);
}

export const createLogger = (): Logger => new Logger({ serviceName: 'pipeline-warden', correlationIdSearchFn: dottedPath });
