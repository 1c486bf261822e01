/** How the AWS adapters sort SDK errors into retryable and permanent ones. */
import { PermanentError, RetryableError } from '../kernel/errors';

/** Error names AWS services use for "slow down" and "not now", whatever the HTTP status. */
const TRANSIENT_NAMES = new Set([
  'ThrottledException',
  'Throttling',
  'ThrottlingException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'ProvisionedThroughputExceededException',
  'KMSThrottlingException',
  'InternalErrorException',
  'InternalServerException',
  'InternalFailure',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'RequestTimeout',
  'RequestTimeoutException',
  'TimeoutError',
]);

/**
 * Whether an AWS SDK v3 error may pass if the same call is made later: throttling, a 5xx, or no
 * answer at all (network, timeout). A 4xx answer (bad parameter, no permission, not found) will
 * not change by trying again. Shared by the AWS adapters so they sort errors the same way.
 *
 * @example isTransientAwsError(new ThrottledException({ message: 'Rate exceeded', $metadata: {} })) // true
 */
export function isTransientAwsError(error: unknown): boolean {
  if (!(error instanceof Error)) return true;
  if (TRANSIENT_NAMES.has(error.name)) return true;
  if ('$retryable' in error && error.$retryable) return true;
  if ('$fault' in error && error.$fault === 'server') return true;
  if (!('$metadata' in error)) {
    // Not an answer from the service (connection reset, timeout, or not an SDK error at all):
    // retrying is the safe choice, and the dead-letter queue bounds it.
    return true;
  }
  const metadata = error.$metadata;
  const status = typeof metadata === 'object' && metadata !== null && 'httpStatusCode' in metadata ? metadata.httpStatusCode : undefined;
  return typeof status === 'number' && (status >= 500 || status === 429);
}

/** `Name: message` of an error, for our own error messages. */
export function describeAwsError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/**
 * A failed AWS call as our error family: RetryableError when trying later can pass, else
 * PermanentError; the message names the call, the SDK error is kept as the cause.
 *
 * @example classifyAwsError('CodePipeline GetPipeline p', error) // RetryableError for a throttle
 */
export function classifyAwsError(
  what: string,
  error: unknown,
  /** The retryable class to use, e.g. DeliveryError for a notification that may be sent again. */
  Retryable: new (message: string, options: { cause: unknown }) => RetryableError = RetryableError,
): RetryableError | PermanentError {
  // Already sorted (the actor role refused in a member account, say): kept as it is.
  if (error instanceof RetryableError || error instanceof PermanentError) return error;
  const message = `${what}: ${describeAwsError(error)}`;
  return isTransientAwsError(error) ? new Retryable(message, { cause: error }) : new PermanentError(message, { cause: error });
}

/** Runs one AWS call, sorting its failure with {@link classifyAwsError}. */
export async function callAws<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw classifyAwsError(what, error);
  }
}
