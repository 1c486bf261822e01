/**
 * One value from SSM Parameter Store or Secrets Manager, through Powertools parameters (cached for
 * a few minutes across invocations of a warm Lambda). Shared by the bot token and the signing
 * secret. The value is never logged and never put in an error: messages name the parameter only.
 */
import { PermanentError } from '../kernel/errors';
import { classifyAwsError } from './aws-errors';
import { type SecretRef, secretRefOf } from './secret-ref';

/** Seconds a fetched value is reused; a rotated one is picked up within this. */
const MAX_AGE_SECONDS = 300;
/** What SSM and Secrets Manager call a parameter or secret that does not exist. */
const NOT_FOUND = new Set(['ParameterNotFound', 'ParameterVersionNotFound', 'ResourceNotFoundException']);

export interface SecretValueRef {
  /** A Secrets Manager ARN or `secretsmanager:<name>`, otherwise an SSM parameter name or ARN. */
  readonly ref: string;
  /** What it is, for messages (`Slack token`). */
  readonly what: string;
  /** Fields a JSON secret may keep the value under; a plain-string secret is the value itself. */
  readonly jsonKeys: readonly string[];
}

/**
 * @example await readSecretValue({ ref: '/pipeline-warden/slack-bot-token', what: 'Slack token', jsonKeys: ['token'] })
 * @throws PermanentError when it is missing or unreadable for lack of permission, or a JSON secret lacks the field.
 * @throws RetryableError when the store is throttling or unreachable.
 */
export async function readSecretValue({ ref, what, jsonKeys }: SecretValueRef): Promise<string> {
  const secret = secretRefOf(ref);
  const raw = await fetchValue(secret, ref, what);
  return secret.store === 'secretsmanager' ? inJson(raw, ref, what, jsonKeys) : raw;
}

async function fetchValue({ store, id }: SecretRef, ref: string, what: string): Promise<string> {
  try {
    const value =
      store === 'secretsmanager'
        ? // Loaded on demand: a deployment reads from one of the two stores, never both.
          await (await import('@aws-lambda-powertools/parameters/secrets')).getSecret(id, { maxAge: MAX_AGE_SECONDS })
        : await (await import('@aws-lambda-powertools/parameters/ssm')).getParameter(id, { decrypt: true, maxAge: MAX_AGE_SECONDS });
    if (value === undefined) throw new PermanentError(`${what} ${ref} not found`);
    return typeof value === 'string' ? value : new TextDecoder().decode(value);
  } catch (error) {
    if (error instanceof PermanentError) throw error;
    // Powertools wraps the SDK's error in GetParameterError; the SDK's one says what happened.
    const sdkError = error instanceof Error && error.cause !== undefined ? error.cause : error;
    if (sdkError instanceof Error && NOT_FOUND.has(sdkError.name)) {
      throw new PermanentError(`${what} ${ref} not found (${sdkError.name})`, { cause: error });
    }
    throw classifyAwsError(`${what} ${ref} could not be read`, sdkError);
  }
}

/** The value inside a secret: the whole string, or one field of a JSON object. */
function inJson(raw: string, ref: string, what: string, keys: readonly string[]): string {
  if (!raw.trimStart().startsWith('{')) return raw;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    // No cause on purpose: JSON.parse's message quotes the text it failed on, i.e. the secret.
    throw new PermanentError(`${what} ${ref} starts with "{" but is not valid JSON`);
  }
  if (typeof parsed === 'object' && parsed !== null) {
    for (const key of keys) {
      const value: unknown = Reflect.get(parsed, key);
      if (typeof value === 'string') return value;
    }
  }
  throw new PermanentError(`${what} ${ref} is JSON without a string "${keys.join('" or "')}" field`);
}
