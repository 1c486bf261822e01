/**
 * The Slack app's signing secret (interactivity), read from SSM Parameter Store or Secrets Manager
 * and reused for five minutes across invocations of a warm Lambda: a request costs no SSM call
 * after the first (secret-value.ts, shared with the bot token).
 */
import { PermanentError } from '../../kernel/errors';
import { readSecretValue } from '../../platform/secret-value';

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
  const secret = (await readSecretValue({ ref, what: 'Slack signing secret', jsonKeys: JSON_KEYS })).trim();
  if (secret === '') throw new PermanentError(`Slack signing secret ${ref} is empty`);
  // The signing secret sits next to the token on the app's page; the two are easily swapped.
  if (/^xox[a-z.]*-/.test(secret)) {
    throw new PermanentError(`Slack signing secret ${ref} holds a Slack token; it needs the app's Signing Secret (Basic Information → App Credentials)`);
  }
  return secret;
}
