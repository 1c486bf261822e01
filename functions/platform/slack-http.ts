/**
 * One Slack Web API call (a JSON POST with the bot token in the Authorization header) over
 * `node:https`, with the retry, `Retry-After` and timeout policy slack.ts asks for.
 *
 * Written here rather than taken from `@slack/web-api`, on purpose and measured (README, "Delivery,
 * retries and the dead-letter queue"): `chat.postMessage` and `chat.update` are the only methods
 * the message port calls, and the library's `WebClient` is 61 KB of the notify bundle's 250 KB
 * budget and 15 ms of its load, and its `fetch` loads undici on the first call, while `node:https`
 * is already loaded by the AWS SDK. Files (slack-files.ts), the directory and ephemeral messages keep the library.
 *
 * Failures are shaped as the library's errors (`code` `slack_webapi_*`, with `data`, `statusCode`
 * or `retryAfter`), so one classifier (slack.ts, `toWardenError`) serves both.
 */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

/** Backoff between tries, as the `retry` package (and so `@slack/web-api`) reads these options. */
export interface RetryOptions {
  /** Tries after the first. */
  readonly retries: number;
  readonly factor?: number;
  /** ms before the first retry (default 1 000). */
  readonly minTimeout?: number;
  readonly maxTimeout?: number;
  /** Multiplies each wait by a random 1–2, so workers that failed together do not retry together. */
  readonly randomize?: boolean;
}

/** `@slack/web-api`'s `retryPolicies.fiveRetriesInFiveMinutes`: 1, 4, 15, 57 and 222 s. */
export const FIVE_RETRIES_IN_FIVE_MINUTES: RetryOptions = { retries: 5, factor: 3.86 };

export interface SlackCallOptions {
  readonly token: string;
  /** Web API base URL; `http:` only for a local server. */
  readonly apiUrl: string;
  readonly retry: RetryOptions;
  /** Per try. */
  readonly timeoutMs: number;
  /** `throw` a 429 at once, or `wait` its Retry-After out and try again (a try like any other). */
  readonly onRateLimit: 'wait' | 'throw';
  /** One line per failed try (the caller scrubs the token). */
  readonly warn: (line: string) => void;
}

export type SlackCall = (method: string, args: Readonly<Record<string, unknown>>) => Promise<Record<string, unknown>>;

interface Answer {
  readonly status: number;
  readonly retryAfter: string | undefined;
  readonly text: string;
}

type Outcome = { readonly result: Record<string, unknown> } | { readonly error: Error; readonly retry: boolean; readonly waitMs?: number };

/**
 * @example
 * const call = slackCaller({ token, apiUrl: 'https://slack.com/api/', retry: { retries: 3 }, timeoutMs: 10_000, onRateLimit: 'throw', warn: console.warn });
 * const { ts } = await call('chat.postMessage', { channel: 'C0123ABCD', text: 'hello' });
 */
export function slackCaller(options: SlackCallOptions): SlackCall {
  const base = options.apiUrl.endsWith('/') ? options.apiUrl : `${options.apiUrl}/`;
  const send = base.startsWith('http:') ? httpRequest : httpsRequest;
  const headers = { 'content-type': 'application/json; charset=utf-8', authorization: `Bearer ${options.token}`, 'user-agent': 'pipeline-warden' };

  const post = (method: string, body: string): Promise<Answer> =>
    new Promise((resolve, reject) => {
      const req = send(`${base}${method}`, { method: 'POST', headers: { ...headers, 'content-length': Buffer.byteLength(body) } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          clearTimeout(timer);
          const retryAfter = res.headers['retry-after'];
          resolve({
            status: res.statusCode ?? 0,
            retryAfter: Array.isArray(retryAfter) ? retryAfter[0] : retryAfter,
            text: Buffer.concat(chunks).toString('utf8'),
          });
        });
      });
      const timer = setTimeout(() => req.destroy(new Error(`no answer within ${options.timeoutMs} ms`)), options.timeoutMs);
      req.on('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      req.end(body);
    });

  return async (method, args) => {
    const body = JSON.stringify(args);
    for (let attempt = 0; ; attempt++) {
      const outcome: Outcome = await post(method, body).then(
        (answer) => outcomeOf(answer),
        (error: unknown) => ({
          error: slackError('slack_webapi_request_error', `A request error occurred: ${messageOf(error)}`, { original: error }),
          retry: true,
        }),
      );
      if ('result' in outcome) return outcome.result;
      const limited = outcome.waitMs !== undefined;
      if (!outcome.retry || attempt >= options.retry.retries || (limited && options.onRateLimit === 'throw')) {
        options.warn(`Slack ${method} failed: ${outcome.error.message}`);
        throw outcome.error;
      }
      const waitMs = outcome.waitMs ?? backoffMs(options.retry, attempt);
      options.warn(`Slack ${method} failed: ${outcome.error.message}; try ${attempt + 2} of ${options.retry.retries + 1} in ${waitMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, waitMs));
    }
  };
}

/** What an answer is: a result, Slack's `ok: false` (not retried), a 429, or an HTTP error. */
function outcomeOf(answer: Answer): Outcome {
  if (answer.status === 429) {
    // Slack sends Retry-After in seconds; without one, the library waits a minute.
    const seconds = Number.parseInt(answer.retryAfter ?? '', 10);
    const retryAfter = Number.isFinite(seconds) && seconds >= 0 ? seconds : 60;
    return {
      error: slackError('slack_webapi_rate_limited_error', `A rate limit was exceeded (retry-after: ${retryAfter})`, { retryAfter }),
      retry: true,
      waitMs: retryAfter * 1000,
    };
  }
  const body = answer.status === 200 ? parseObject(answer.text) : undefined;
  if (body === undefined) {
    return {
      error: slackError('slack_webapi_http_error', `An HTTP protocol error occurred: statusCode = ${answer.status}`, { statusCode: answer.status }),
      retry: true,
    };
  }
  if (body['ok'] !== true)
    return { error: slackError('slack_webapi_platform_error', `An API error occurred: ${String(body['error'])}`, { data: body }), retry: false };
  return { result: body };
}

/** The `retry` package's formula: min(maxTimeout, minTimeout × factor^attempt), times 1–2 when randomized. */
function backoffMs(retry: RetryOptions, attempt: number): number {
  const random = retry.randomize ? Math.random() + 1 : 1;
  return Math.round(Math.min(retry.maxTimeout ?? Number.POSITIVE_INFINITY, random * (retry.minTimeout ?? 1000) * (retry.factor ?? 2) ** attempt));
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function slackError(code: string, message: string, fields: Record<string, unknown>): Error {
  return Object.assign(new Error(message), { code, ...fields });
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
