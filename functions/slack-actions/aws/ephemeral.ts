/**
 * Messages only one person sees (`chat.postEphemeral`): why a click was refused, or that it could
 * not be recorded. They are sent while Slack waits for the HTTP answer to the click (3 seconds,
 * see `app/handle-request.ts`), so the client makes one short attempt and no retries:
 * a slow Slack must not turn a recorded decision into a timed-out click.
 *
 * The bot token is read on the first message, not at start: a request refused for its signature,
 * or a click that needs no answer, never reads it.
 */
import { ErrorCode, WebClient } from '@slack/web-api';
import { DeliveryError, PermanentError } from '../../kernel/errors';
import type { EphemeralPort } from '../ports';

export interface EphemeralPortOptions {
  /** The bot token (`getSlackToken`), read on first use. */
  readonly token: () => Promise<string>;
  /** Web API base URL, default `https://slack.com/api/`. */
  readonly slackApiUrl?: string;
  /** Per-request timeout (default 1 500 ms), within Slack's 3-second budget for the click. */
  readonly timeoutMs?: number;
}

/**
 * @example
 * const ephemeral = createEphemeralPort({ token: () => getSlackToken(config.slack.tokenParameter) });
 * await ephemeral.post({ channel: 'C0123ABCD', user: 'U0123ABCD', text: 'Only approvers may decide.' });
 * @throws PermanentError for a Slack platform error (e.g. `user_not_in_channel`), DeliveryError otherwise.
 */
export function createEphemeralPort(options: EphemeralPortOptions): EphemeralPort {
  let client: Promise<WebClient> | undefined;
  const webClient = () => {
    client ??= options.token().then(
      (token) =>
        new WebClient(token, {
          slackApiUrl: options.slackApiUrl ?? 'https://slack.com/api/',
          retryConfig: { retries: 0 },
          // A 429 is answered at once instead of waited out: the click's answer cannot wait.
          rejectRateLimitedCalls: true,
          timeout: options.timeoutMs ?? 1_500,
        }),
      (error: unknown) => {
        client = undefined;
        throw error;
      },
    );
    return client;
  };
  return {
    async post(m) {
      const slack = await webClient();
      try {
        await slack.chat.postEphemeral({ channel: m.channel, user: m.user, text: m.text, ...(m.threadTs ? { thread_ts: m.threadTs } : {}) });
      } catch (error) {
        throw toError(error, m.channel);
      }
    },
  };
}

function toError(error: unknown, channel: string): Error {
  const where = `Slack chat.postEphemeral to channel ${channel}`;
  if (error instanceof Error && 'code' in error && error.code === ErrorCode.PlatformError) {
    const data = 'data' in error ? error.data : undefined;
    const code = typeof data === 'object' && data !== null && 'error' in data ? String(data.error) : 'unknown_error';
    return new PermanentError(`${where} failed: ${code}`, { cause: error });
  }
  return new DeliveryError(`${where} failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
}
