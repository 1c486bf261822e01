/**
 * The Slack app's signing secret (interactivity), read from SSM Parameter Store or Secrets Manager
 * through Powertools parameters, which caches it across invocations of a warm Lambda: a request
 * costs no SSM call after the first. Same conventions as the bot token (`slack-token.ts`): the
 * value is never logged and never put in an error; messages name the parameter only.
 */
import { PermanentError, RetryableError } from '../core/errors';
import { describeAwsError, isTransientAwsError } from './aws-errors';

/** Seconds a fetched secret is reused; a regenerated secret is picked up within this. */
const MAX_AGE_SECONDS = 300;
const SECRET_ARN = /^arn:aws[a-z-]*:secretsmanager:/;
const SECRET_PREFIX = 'secretsmanager:';
const NOT_FOUND = new Set(['ParameterNotFound', 'ParameterVersionNotFound', 'ResourceNotFoundException']);
/** Keys a JSON secret may keep the signing secret under (one secret may hold the token too). */
const JSON_KEYS = ['signingSecret', 'signing_secret'] as const;

/**
 * Reads the signing secret `ref` points to: a Secrets Manager ARN or `secretsmanager:<name>` (a
 * plain string, or JSON `{"signingSecret": "…"}`), otherwise an SSM parameter name or ARN
 * (SecureString decrypted).
 *
 * @example
 * await getSlackSigningSecret('/pipeline-warden/slack-signing-secret');      // SSM
 * await getSlackSigningSecret('secretsmanager:pipeline-warden/slack');       // {"signingSecret": "…", "token": "xoxb-…"}
 * @throws PermanentError when it is missing, empty, unreadable for lack of permission, or a bot token pasted by mistake.
 * @throws RetryableError when the store is throttling or unreachable.
 */
export async function getSlackSigningSecret(ref: string): Promise<string> {
  const fromSecret = SECRET_ARN.test(ref) || ref.startsWith(SECRET_PREFIX);
  const raw = await fetchValue(ref, fromSecret);
  const secret = (fromSecret ? inJson(raw, ref) : raw).trim();
  if (secret === '') throw new PermanentError(`Slack signing secret ${ref} is empty`);
  // The signing secret sits next to the token on the app's page; the two are easily swapped.
  if (/^xox[a-z.]*-/.test(secret)) {
    throw new PermanentError(`Slack signing secret ${ref} holds a Slack token; it needs the app's Signing Secret (Basic Information → App Credentials)`);
  }
  return secret;
}

async function fetchValue(ref: string, fromSecret: boolean): Promise<string> {
  try {
    const value = fromSecret
      ? await (await import('@aws-lambda-powertools/parameters/secrets')).getSecret(ref.startsWith(SECRET_PREFIX) ? ref.slice(SECRET_PREFIX.length) : ref, { maxAge: MAX_AGE_SECONDS })
      : await (await import('@aws-lambda-powertools/parameters/ssm')).getParameter(ref, { decrypt: true, maxAge: MAX_AGE_SECONDS });
    if (value === undefined) throw new PermanentError(`Slack signing secret ${ref} not found`);
    return typeof value === 'string' ? value : new TextDecoder().decode(value);
  } catch (error) {
    if (error instanceof PermanentError) throw error;
    // Powertools wraps the SDK's error in GetParameterError; the SDK's one says what happened.
    const sdkError = error instanceof Error && error.cause !== undefined ? error.cause : error;
    if (sdkError instanceof Error && NOT_FOUND.has(sdkError.name)) {
      throw new PermanentError(`Slack signing secret ${ref} not found (${sdkError.name})`, { cause: error });
    }
    const message = `Slack signing secret ${ref} could not be read: ${describeAwsError(sdkError)}`;
    throw isTransientAwsError(sdkError) ? new RetryableError(message, { cause: error }) : new PermanentError(message, { cause: error });
  }
}

function inJson(raw: string, ref: string): string {
  if (!raw.trimStart().startsWith('{')) return raw;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    // No cause on purpose: JSON.parse's message quotes the text it failed on, i.e. the secret.
    throw new PermanentError(`Slack signing secret ${ref} starts with "{" but is not valid JSON`);
  }
  if (typeof parsed === 'object' && parsed !== null) {
    for (const key of JSON_KEYS) {
      const value: unknown = Reflect.get(parsed, key);
      if (typeof value === 'string') return value;
    }
  }
  throw new PermanentError(`Slack signing secret ${ref} is JSON without a string "${JSON_KEYS.join('" or "')}" field`);
}
