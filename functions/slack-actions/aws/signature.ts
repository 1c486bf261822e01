/**
 * Slack's request signing, version `v0` (docs.slack.dev, "Verifying requests from Slack"): Slack
 * sends `X-Slack-Request-Timestamp` (Unix seconds) and `X-Slack-Signature: v0=<hex>`, the
 * HMAC-SHA256, keyed with the app's signing secret, of the basestring `v0:<timestamp>:<raw body>`.
 * A request is accepted when the timestamp is within five minutes of now (either direction) and
 * the signatures are equal under a constant-time comparison.
 *
 * Written here rather than taken from a library: `@slack/bolt`'s `verifySlackRequest` is exported
 * from bolt's root module (a deep import of its dist file is no supported API), which would pull
 * bolt, express and axios into a Lambda bundle that must stay small; `@slack/events-api`
 * (`verifyRequestSignature`) is deprecated and depends on express too; `tsscmp` only does the
 * comparison, which node:crypto's `timingSafeEqual` does. What remains is a dozen lines over
 * node:crypto, tested against the worked example in Slack's guide.
 *
 * The signature proves who sent a request, not that it is new: a captured request verifies again
 * for as long as its timestamp is fresh. Replay protection is `slack-requests.ts`.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { SignatureCheck, SignatureRefusal, SignedRequest } from '../ports';

/** Slack's window: a request whose timestamp is further than this from now is refused. */
export const MAX_SKEW_SECONDS = 5 * 60;

/** Header names as API Gateway HTTP APIs deliver them (lower-cased). */
export const SIGNATURE_HEADER = 'x-slack-signature';
export const TIMESTAMP_HEADER = 'x-slack-request-timestamp';

export interface VerifyOptions extends SignedRequest {
  readonly secret: string;
  readonly now: Date;
}

const TIMESTAMP = /^\d{1,12}$/;
const SIGNATURE = /^v0=[0-9a-f]{64}$/;

/**
 * @example
 * verifySlackSignature({ secret, headers: event.headers, body: rawBody(event), now: new Date() })
 * // { ok: true, signature: 'a2114d57…', timestamp: 1531420618 }  or  { ok: false, reason: 'stale' }
 */
export function verifySlackSignature(options: VerifyOptions): SignatureCheck {
  const timestampHeader = options.headers[TIMESTAMP_HEADER];
  const signatureHeader = options.headers[SIGNATURE_HEADER];
  if (!timestampHeader || !signatureHeader) return refuse('missing-headers');
  if (!TIMESTAMP.test(timestampHeader) || !SIGNATURE.test(signatureHeader)) return refuse('malformed');
  const timestamp = Number(timestampHeader);
  // Both directions, as Slack's guide computes it (absolute difference): a timestamp from the
  // future is as suspicious as an old one, and a far-future one would outlive the replay record.
  if (Math.abs(Math.floor(options.now.getTime() / 1000) - timestamp) > MAX_SKEW_SECONDS) return refuse('stale');

  const digest = signatureOf(options.secret, timestampHeader, options.body);
  const expected = Buffer.from(`v0=${digest}`, 'utf8');
  const given = Buffer.from(signatureHeader, 'utf8');
  // timingSafeEqual throws on different lengths; the format check above makes them equal, this
  // keeps it true if the format check ever changes.
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return refuse('forged');
  return { ok: true, signature: digest, timestamp };
}

/**
 * The hex HMAC-SHA256 of `v0:<timestamp>:<body>`. The body is hashed as bytes: decoding and
 * re-encoding it (or parsing the form) could change a single byte and break every signature.
 *
 * @example `v0=${signatureOf(secret, '1531420618', Buffer.from(body))}` // the X-Slack-Signature value
 */
export function signatureOf(secret: string, timestamp: string, body: Buffer | string): string {
  return createHmac('sha256', secret).update(`v0:${timestamp}:`, 'utf8').update(body).digest('hex');
}

/**
 * The raw body of an HTTP API (payload v2) event. API Gateway base64-encodes bodies it does not
 * consider text, and Slack's `application/x-www-form-urlencoded` is one of them, so
 * `isBase64Encoded` decides how the string is turned back into the bytes Slack signed.
 */
export function rawBody(event: { readonly body?: string | null; readonly isBase64Encoded?: boolean }): Buffer {
  if (event.body === undefined || event.body === null) return Buffer.alloc(0);
  return Buffer.from(event.body, event.isBase64Encoded ? 'base64' : 'utf8');
}

function refuse(reason: SignatureRefusal): SignatureCheck {
  return { ok: false, reason };
}
