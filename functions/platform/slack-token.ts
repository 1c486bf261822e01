/**
 * The Slack bot token, read from SSM Parameter Store or Secrets Manager (secret-value.ts) and
 * reused for five minutes across invocations of a warm Lambda. The value is never logged and never
 * put in an error: messages name the parameter only.
 */
import { PermanentError } from '../kernel/errors';
import { readSecretValue } from './secret-value';

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
  const token = (await readSecretValue({ ref, what: 'Slack token', jsonKeys: JSON_KEYS })).trim();
  if (token === '') throw new PermanentError(`Slack token ${ref} is empty`);
  // Never echo the value: a wrong value is often another secret pasted into the wrong place.
  if (!/^xox[a-z.]*-\S+$/.test(token)) {
    throw new PermanentError(`Slack token ${ref} does not look like a Slack token (expected xoxb-…)`);
  }
  return token;
}
