/**
 * Slack messages through the Web API: `chat.postMessage` and `chat.update` over slack-http.ts
 * (retries, `Retry-After` on a 429, a timeout per try). This adapter chooses the policy, shapes the
 * two calls we make and turns what is left of a failure into our error family: a Slack platform
 * error (`ok: false`) is a `PermanentError` unless Slack says it is on its side; anything that
 * outlasted the retries is a `DeliveryError`. `toWardenError` also sorts `@slack/web-api`'s
 * errors (slack-files.ts), which have the same shape.
 */
import { DeliveryError, PermanentError, SlackRateLimitedError, type WardenError } from '../kernel/errors';
import type { SlackMessage, SlackPort } from '../kernel/ports';
import { FIVE_RETRIES_IN_FIVE_MINUTES, type RetryOptions, slackCaller } from './slack-http';

export type { RetryOptions };

/** Where the client's own log lines go. A Powertools `Logger` fits as it is. */
export interface SlackLogSink {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface SlackPortOptions {
  /** Bot token (`xoxb-…`). Sent only in the Authorization header; never logged or put in an error. */
  readonly token: string;
  /** Web API base URL, default `https://slack.com/api/` (the client adds a missing final `/`). */
  readonly slackApiUrl?: string;
  /** Retry policy for 5xx, network failures and 429s. Default: five retries in five minutes, as `@slack/web-api`'s. */
  readonly retryConfig?: RetryOptions;
  /** Per-attempt timeout in ms (default 10 000): a stuck socket would otherwise hold the Lambda until it times out. */
  readonly timeoutMs?: number;
  /** Receives a line per failed try, with the token scrubbed. Default: `console.warn`. */
  readonly logger?: SlackLogSink;
  /**
   * What a 429 does: `wait` out its `Retry-After` in-process and try again (for
   * functions that send a few messages), or `throw` a `SlackRateLimitedError` at once, for notify,
   * whose workers share a budget and hold back together instead of each retrying (functions/kernel/slack-budget.ts).
   */
  readonly onRateLimit?: 'wait' | 'throw';
  /** The clock a `Retry-After` is counted from (default: now). */
  readonly now?: () => Date;
}

/**
 * Slack errors that Slack documents as on its side and passing; retrying later can succeed.
 * The library does not retry them (it only retries at the HTTP level), so the record is.
 */
const TRANSIENT_PLATFORM_ERRORS = new Set(['internal_error', 'fatal_error', 'service_unavailable', 'request_timeout', 'ratelimited']);

/** What a person has to do about the platform errors a new installation meets first. */
const HINTS: Readonly<Record<string, string>> = {
  channel_not_found: 'check the channel ID; a private channel must invite the app first',
  not_in_channel: 'invite the app to the channel (/invite @app-name)',
  is_archived: 'the channel is archived',
  invalid_auth: 'check the Slack bot token parameter',
  not_authed: 'check the Slack bot token parameter',
  token_revoked: 'the Slack bot token was revoked; install the app again and update the token parameter',
  account_inactive: 'the Slack bot token belongs to a deleted app or workspace',
  missing_scope: 'the Slack app needs the chat:write scope',
  message_not_found: 'the message to update was deleted or its ts is wrong',
};

/**
 * @example
 * const slack = createSlackPort({ token: await getSlackToken('/pipeline-warden/slack-token') });
 * const { channel, ts } = await slack.postMessage({ channel: 'C0123ABCD', text: 'deploy #42 started' });
 * await slack.updateMessage({ channel, ts, text: 'deploy #42 succeeded' });
 */
export function createSlackPort(options: SlackPortOptions): SlackPort {
  const { token } = options;
  const sink = options.logger;
  const send = slackCaller({
    token,
    apiUrl: options.slackApiUrl ?? 'https://slack.com/api/',
    retry: options.retryConfig ?? FIVE_RETRIES_IN_FIVE_MINUTES,
    timeoutMs: options.timeoutMs ?? 10_000,
    onRateLimit: options.onRateLimit ?? 'wait',
    warn: (line) => (sink ? sink.warn(scrub(line, token)) : console.warn(scrub(line, token))),
  });

  const call = async (method: string, channel: string, args: Record<string, unknown>): Promise<Record<string, unknown>> => {
    try {
      return await send(method, args);
    } catch (error) {
      throw toWardenError(error, { method, channel, token, now: options.now ?? (() => new Date()) });
    }
  };

  return {
    async postMessage(m) {
      const result = await call('chat.postMessage', m.channel, postMessageArgs(m));
      return postedAt(result, m.channel);
    },
    async updateMessage(m) {
      try {
        await call('chat.update', m.channel, updateMessageArgs(m));
        return 'updated';
      } catch (error) {
        if (error instanceof PermanentError && GONE.has(platformErrorOf(error.cause) ?? '')) return 'gone';
        throw error;
      }
    },
  };
}

/** `chat.postMessage`'s arguments for a message: what this adapter sends, and what replay records (recording.ts). */
export function postMessageArgs(m: SlackMessage): Record<string, unknown> {
  return {
    channel: m.channel,
    text: m.text,
    blocks: m.blocks,
    ...(m.threadTs !== undefined ? { thread_ts: m.threadTs } : {}),
    ...(m.threadTs && m.broadcast ? { reply_broadcast: true } : {}),
    unfurl_links: false,
  };
}

/** `chat.update`'s arguments, as sent and as recorded. */
export function updateMessageArgs(m: SlackMessage & { readonly ts: string }): Record<string, unknown> {
  return { channel: m.channel, ts: m.ts, text: m.text, blocks: m.blocks };
}

/**
 * The channel ID and ts Slack answered with. The channel comes from the answer because a post to
 * `#name` answers with the ID, and `chat.update` accepts only the ID.
 */
function postedAt(result: Record<string, unknown>, requested: string): { channel: string; ts: string } {
  const { ts, channel } = result;
  if (typeof ts !== 'string' || ts === '') {
    // The message may well be in the channel: retrying would post it twice.
    throw new PermanentError(`Slack chat.postMessage to channel ${requested} answered ok without a ts`);
  }
  return { channel: typeof channel === 'string' && channel !== '' ? channel : requested, ts };
}

export interface CallContext {
  readonly method: string;
  readonly channel: string;
  readonly token: string;
  readonly now: () => Date;
}

/** A failed Web API call as our error family (shared with slack-files.ts). */
export function toWardenError(error: unknown, ctx: CallContext): WardenError {
  const where = `Slack ${ctx.method} to channel ${ctx.channel}`;
  if (
    error instanceof Error &&
    'code' in error &&
    error.code === 'slack_webapi_rate_limited_error' &&
    (ctx.method === 'chat.postMessage' || ctx.method === 'chat.update')
  ) {
    const seconds = 'retryAfter' in error && typeof error.retryAfter === 'number' ? error.retryAfter : 1;
    const retryAt = new Date(ctx.now().getTime() + seconds * 1000);
    return new SlackRateLimitedError(`${where}: rate limited, Retry-After ${seconds} s`, ctx.method, retryAt, { cause: error });
  }
  const slackError = platformErrorOf(error);
  if (slackError !== undefined) {
    const hint = HINTS[slackError];
    const message = scrub(`${where} failed: ${slackError}${hint ? ` (${hint})` : ''}`, ctx.token);
    return TRANSIENT_PLATFORM_ERRORS.has(slackError) ? new DeliveryError(message, { cause: error }) : new PermanentError(message, { cause: error });
  }
  // HTTP errors, network errors and an exhausted rate limit: the client already retried them.
  const reason = error instanceof Error ? error.message : String(error);
  return new DeliveryError(scrub(`${where} failed after retries: ${reason}`, ctx.token), { cause: error });
}

/** `chat.update` answers for a card that someone deleted: post it again rather than fail the event. */
const GONE: ReadonlySet<string> = new Set(['message_not_found']);

/** The `error` of an `ok: false` answer (`slack_webapi_platform_error`), if that is what this is. */
export function platformErrorOf(error: unknown): string | undefined {
  if (!(error instanceof Error) || !('code' in error) || error.code !== 'slack_webapi_platform_error') return undefined;
  const data = 'data' in error ? error.data : undefined;
  const code = typeof data === 'object' && data !== null && 'error' in data ? data.error : undefined;
  return typeof code === 'string' ? code : 'unknown_error';
}

/** Removes the token from text we are about to log or throw, whatever put it there. */
export function scrub(text: string, token: string): string {
  return token.length >= 8 ? text.split(token).join('[token]') : text;
}
