/**
 * One value from SSM Parameter Store or Secrets Manager, read by one signed call (aws-json.ts: not
 * the SDK's clients, whose load cost more than the rest of a cold start's first event) and reused
 * for a few minutes across invocations of a warm Lambda. Shared by the bot token and the signing
 * secret. The value is never logged and never put in an error: messages name the parameter only.
 */
import { PermanentError } from '../kernel/errors';
import { classifyAwsError } from './aws-errors';
import { callAwsJson, SECRETS_MANAGER, SSM } from './aws-json';
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

/** Values read, by store and id, with when they stop being reused; a read in flight is shared. */
const cache = new Map<string, { readonly value: Promise<string>; readonly until: number }>();

/** Forgets every value read (a test's cold start). */
export function clearSecretCache(): void {
  cache.clear();
}

async function fetchValue(secret: SecretRef, ref: string, what: string): Promise<string> {
  const key = `${secret.store}|${secret.id}`;
  const cached = cache.get(key);
  if (cached && cached.until > Date.now()) return cached.value;
  const value = readValue(secret, ref, what);
  cache.set(key, { value, until: Date.now() + MAX_AGE_SECONDS * 1000 });
  // A failed read is not kept: the next invocation asks again.
  value.catch(() => {
    if (cache.get(key)?.value === value) cache.delete(key);
  });
  return value;
}

async function readValue({ store, id }: SecretRef, ref: string, what: string): Promise<string> {
  let value: string | undefined;
  try {
    if (store === 'secretsmanager') {
      const out = await callAwsJson<{ SecretString?: string; SecretBinary?: string }>(SECRETS_MANAGER, 'GetSecretValue', { SecretId: id });
      // JSON carries a binary secret as base64.
      value = out.SecretString ?? (out.SecretBinary === undefined ? undefined : Buffer.from(out.SecretBinary, 'base64').toString('utf8'));
    } else {
      const out = await callAwsJson<{ Parameter?: { Value?: string } }>(SSM, 'GetParameter', { Name: id, WithDecryption: true });
      value = out.Parameter?.Value;
    }
  } catch (error) {
    if (error instanceof Error && NOT_FOUND.has(error.name)) {
      throw new PermanentError(`${what} ${ref} not found (${error.name})`, { cause: error });
    }
    throw classifyAwsError(`${what} ${ref} could not be read`, error);
  }
  if (value === undefined) throw new PermanentError(`${what} ${ref} not found`);
  return value;
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
