import { describe, expect, it } from 'vitest';
import { createMemorySlackRequests } from '../../functions/slack-actions/aws/requests';
import { MAX_SKEW_SECONDS, rawBody, signatureOf, verifySlackSignature } from '../../functions/slack-actions/aws/signature';
import type { SignatureCheck } from '../../functions/slack-actions/ports';
import { blockActions, formBody, signedEvent, slackSignature, TEST_SIGNING_SECRET } from '../support/slack-requests';

/** The worked example of Slack's guide "Verifying requests from Slack" (a slash command body). */
const GUIDE = {
  secret: '8f742231b10e8888abcd99yyyzzz85a5',
  timestamp: '1531420618',
  body: 'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c',
  signature: 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503',
};
const NOW = new Date('2026-11-23T06:00:00Z');
const BODY = formBody(blockActions());

function check(event: ReturnType<typeof signedEvent>, secret = TEST_SIGNING_SECRET, now = NOW): SignatureCheck {
  return verifySlackSignature({ secret, headers: event.headers, body: rawBody(event), now });
}

describe('verifySlackSignature', () => {
  it("accepts the guide's worked example at its own time", () => {
    const result = verifySlackSignature({
      secret: GUIDE.secret,
      headers: { 'x-slack-request-timestamp': GUIDE.timestamp, 'x-slack-signature': GUIDE.signature },
      body: Buffer.from(GUIDE.body),
      now: new Date(Number(GUIDE.timestamp) * 1000),
    });
    expect(result).toEqual({ ok: true, signature: GUIDE.signature.slice(3), timestamp: 1531420618 });
  });

  it('accepts a signed click, delivered base64-encoded (as HTTP APIs do) or as text', () => {
    for (const base64 of [true, false]) {
      const event = signedEvent(BODY, { now: NOW, base64 });
      expect(event.isBase64Encoded).toBe(base64);
      expect(check(event)).toMatchObject({ ok: true, timestamp: Math.floor(NOW.getTime() / 1000) });
    }
  });

  it('signs the bytes: a body that is not valid UTF-8 verifies from base64, not from a re-encoded string', () => {
    const bytes = Buffer.concat([Buffer.from('payload='), Buffer.from([0xff, 0xfe, 0x80]), Buffer.from('x')]);
    const event = signedEvent(bytes, { now: NOW, base64: true });
    expect(check(event).ok).toBe(true);
    // Decoding to a string and back replaces the invalid bytes (U+FFFD): the signature no longer matches.
    expect(verifySlackSignature({ secret: TEST_SIGNING_SECRET, headers: event.headers, body: Buffer.from(rawBody(event).toString('utf8')), now: NOW })).toEqual(
      { ok: false, reason: 'forged' },
    );
  });

  it.each<[string, number, boolean]>([
    ['exactly five minutes old', -MAX_SKEW_SECONDS, true],
    ['exactly five minutes ahead', MAX_SKEW_SECONDS, true],
    ['five minutes and a second old', -MAX_SKEW_SECONDS - 1, false],
    ['five minutes and a second ahead (clock skew or a forged future)', MAX_SKEW_SECONDS + 1, false],
    ['a day old', -86_400, false],
  ])('a timestamp %s → ok: %s', (_label, skewSeconds, ok) => {
    const result = check(signedEvent(BODY, { now: NOW, skewSeconds }));
    expect(result.ok ? 'ok' : result.reason).toBe(ok ? 'ok' : 'stale');
  });

  it.each<[string, Parameters<typeof signedEvent>[1]['headers'], SignatureCheck]>([
    ['no signature header', { 'x-slack-signature': undefined }, { ok: false, reason: 'missing-headers' }],
    ['no timestamp header', { 'x-slack-request-timestamp': undefined }, { ok: false, reason: 'missing-headers' }],
    ['an empty signature', { 'x-slack-signature': '' }, { ok: false, reason: 'missing-headers' }],
    ['a timestamp that is not seconds', { 'x-slack-request-timestamp': '2026-11-23T06:00:00Z' }, { ok: false, reason: 'malformed' }],
    ['a negative timestamp', { 'x-slack-request-timestamp': '-1' }, { ok: false, reason: 'malformed' }],
    ['a signature of another version', { 'x-slack-signature': `v1=${'0'.repeat(64)}` }, { ok: false, reason: 'malformed' }],
    ['a truncated signature', { 'x-slack-signature': `v0=${'a'.repeat(63)}` }, { ok: false, reason: 'malformed' }],
    ['an upper-case hex signature', { 'x-slack-signature': `v0=${'A'.repeat(64)}` }, { ok: false, reason: 'malformed' }],
    ['a well-formed but forged signature', { 'x-slack-signature': `v0=${'0'.repeat(64)}` }, { ok: false, reason: 'forged' }],
  ])('refuses %s', (_label, headers, expected) => {
    expect(check(signedEvent(BODY, { now: NOW, ...(headers ? { headers } : {}) }))).toEqual(expected);
  });

  it('refuses a request signed with another secret', () => {
    expect(check(signedEvent(BODY, { now: NOW, secret: 'another-apps-signing-secret' }))).toEqual({ ok: false, reason: 'forged' });
  });

  it('refuses a body changed after signing (one byte)', () => {
    const event = signedEvent(BODY, { now: NOW, base64: false });
    const tampered = { ...event, body: event.body!.replace('approval%3Aapprove', 'approval%3Areject') };
    expect(tampered.body).not.toBe(event.body);
    expect(check(tampered)).toEqual({ ok: false, reason: 'forged' });
  });

  it('refuses a valid signature moved to another timestamp', () => {
    const event = signedEvent(BODY, { now: NOW });
    const moved = { ...event, headers: { ...event.headers, 'x-slack-request-timestamp': String(Math.floor(NOW.getTime() / 1000) - 1) } };
    expect(check(moved)).toEqual({ ok: false, reason: 'forged' });
  });

  it('lets a replay inside the window through (by design): replay protection is the request store', async () => {
    const event = signedEvent(BODY, { now: NOW });
    const first = check(event);
    const again = check(event, TEST_SIGNING_SECRET, new Date(NOW.getTime() + 60_000));
    expect(again).toEqual(first);
    if (!first.ok) throw new Error('expected ok');
    const requests = createMemorySlackRequests();
    expect(await requests.claim(first.signature, NOW)).toBe('first');
    expect(await requests.claim(first.signature, new Date(NOW.getTime() + 60_000))).toBe('replayed');
  });

  it("computes the same signature as the test's independent signer", () => {
    expect(`v0=${signatureOf(TEST_SIGNING_SECRET, '1700000000', BODY)}`).toBe(slackSignature(TEST_SIGNING_SECRET, '1700000000', BODY));
  });
});

describe('rawBody', () => {
  it.each<[string, { body?: string | null; isBase64Encoded?: boolean }, string]>([
    ['base64', { body: Buffer.from('payload=%7B%7D').toString('base64'), isBase64Encoded: true }, 'payload=%7B%7D'],
    ['text', { body: 'payload=%7B%7D', isBase64Encoded: false }, 'payload=%7B%7D'],
    ['no body', { isBase64Encoded: false }, ''],
    ['a null body', { body: null, isBase64Encoded: true }, ''],
  ])('%s', (_label, event, expected) => {
    expect(rawBody(event).toString('utf8')).toBe(expected);
  });
});
