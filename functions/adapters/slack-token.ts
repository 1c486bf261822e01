/**
 * The Slack bot token, read from SSM Parameter Store or Secrets Manager through Powertools
 * parameters, which caches it across invocations of a warm Lambda. The value is never logged and
 * never put in an error: messages name the parameter only.
 */
import { PermanentError, RetryableError } from '../core/errors';
import { describeAwsError, isTransientAwsError } from './aws-errors';

/** Seconds a fetched token is reused; a rotated token is picked up within this. */
const MAX_AGE_SECONDS = 300;
/** `arn:aws:secretsmanager:…` in every partition (aws, aws-cn, aws-us-gov). */
const SECRET_ARN = /^arn:aws[a-z-]*:secretsmanager:/;
const SECRET_PREFIX = 'secretsmanager:';
/** What SSM and Secrets Manager call a parameter or secret that does not exist. */
const NOT_FOUND = new Set(['ParameterNotFound', 'ParameterVersionNotFound', 'ResourceNotFoundException']);
/** Keys a JSON secret may keep the token under. */
const JSON_KEYS = ['token', 'botToken'] as const;

/**
 * Reads the token `ref` points to: a Secrets Manager ARN or `secretsmanager:<name>` (a plain
 * string secret or JSON `{"token": "xoxb-…"}` / `{"botToken": …}`), otherwise an SSM parameter
 * name or ARN (SecureString decrypted).
 *
 * @example
 * await getSlackToken('/pipeline-warden/slack-token');            // SSM
 * await getSlackToken('secretsmanager:pipeline-warden/slack');    // Secrets Manager by name
 * @throws PermanentError when it is missing, empty, unreadable for lack of permission, or not a Slack token.
 * @throws RetryableError when the store is throttling or unreachable.
 */
export async function getSlackToken(ref: string): Promise<string> {
  const fromSecret = SECRET_ARN.test(ref) || ref.startsWith(SECRET_PREFIX);
  const raw = await fetchValue(ref, fromSecret);
  const token = (fromSecret ? tokenInSecret(raw, ref) : raw).trim();
  if (token === '') throw new PermanentError(`Slack token ${ref} is empty`);
  // Never echo the value: a wrong value is often another secret pasted into the wrong place.
  if (!/^xox[a-z.]*-\S+$/.test(token)) {
    throw new PermanentError(`Slack token ${ref} does not look like a Slack token (expected xoxb-…)`);
  }
  return token;
}

async function fetchValue(ref: string, fromSecret: boolean): Promise<string> {
  try {
    const value = fromSecret
      ? // Loaded on demand: a deployment reads its token from one of the two stores, never both.
        await (await import('@aws-lambda-powertools/parameters/secrets')).getSecret(ref.startsWith(SECRET_PREFIX) ? ref.slice(SECRET_PREFIX.length) : ref, { maxAge: MAX_AGE_SECONDS })
      : await (await import('@aws-lambda-powertools/parameters/ssm')).getParameter(ref, { decrypt: true, maxAge: MAX_AGE_SECONDS });
    if (value === undefined) throw new PermanentError(`Slack token ${ref} not found`);
    return typeof value === 'string' ? value : new TextDecoder().decode(value);
  } catch (error) {
    if (error instanceof PermanentError) throw error;
    // Powertools wraps the SDK's error in GetParameterError; the SDK's one says what happened.
    const sdkError = error instanceof Error && error.cause !== undefined ? error.cause : error;
    if (sdkError instanceof Error && NOT_FOUND.has(sdkError.name)) {
      throw new PermanentError(`Slack token ${ref} not found (${sdkError.name})`, { cause: error });
    }
    const message = `Slack token ${ref} could not be read: ${describeAwsError(sdkError)}`;
    throw isTransientAwsError(sdkError) ? new RetryableError(message, { cause: error }) : new PermanentError(message, { cause: error });
  }
}

/** The token inside a secret: the whole string, or one field of a JSON object. */
function tokenInSecret(raw: string, ref: string): string {
  if (!raw.trimStart().startsWith('{')) return raw;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    // No cause on purpose: JSON.parse's message quotes the text it failed on, i.e. the secret.
    throw new PermanentError(`Slack token secret ${ref} starts with "{" but is not valid JSON`);
  }
  if (typeof parsed === 'object' && parsed !== null) {
    for (const key of JSON_KEYS) {
      const value: unknown = Reflect.get(parsed, key);
      if (typeof value === 'string') return value;
    }
  }
  throw new PermanentError(`Slack token secret ${ref} is JSON without a string "${JSON_KEYS.join('" or "')}" field`);
}
