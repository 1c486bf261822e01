import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DeliveryError, PermanentError, SlackRateLimitedError } from '../../functions/kernel/errors';
import { createSlackPort, type SlackLogSink, type SlackPortOptions } from '../../functions/platform/slack';
import { type SlackServer, startSlackServer } from '../support/slack-server';

const TOKEN = 'xoxb-1111-2222-s3cr3tT0kenValue';
/** Two retries, a few ms apart: the same code paths as production, minus the minutes. */
const FAST = { retries: 2, minTimeout: 5, maxTimeout: 10 };
const BLOCKS = [
  { type: 'header', text: { type: 'plain_text', text: 'my-pipeline' } },
  { type: 'section', text: { type: 'mrkdwn', text: '*Deploy* failed: `exit 1`' } },
];

let slack: SlackServer;
beforeAll(async () => {
  slack = await startSlackServer();
});
afterAll(() => slack.close());
beforeEach(() => slack.reset());

const QUIET: SlackLogSink = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
const port = (extra: Partial<SlackPortOptions> = {}) => createSlackPort({ token: TOKEN, slackApiUrl: slack.url, retryConfig: FAST, logger: QUIET, ...extra });

/** Everything an error would show in a log line, cause chain included. */
const everythingIn = (error: unknown) => `${String(error)}\n${inspect(error, { depth: 10 })}\n${JSON.stringify(error)}`;

describe('createSlackPort against a local Slack', () => {
  it('posts a card, replies in its thread and updates it in place, with blocks and thread_ts intact', async () => {
    const p = port();
    const posted = await p.postMessage({ channel: 'C0DEPLOYS', text: 'my-pipeline started', blocks: BLOCKS });
    const reply = await p.postMessage({ channel: posted.channel, text: 'Build failed', threadTs: posted.ts });
    await p.updateMessage({ channel: posted.channel, ts: posted.ts, text: 'my-pipeline failed', blocks: BLOCKS.slice(1) });

    expect(posted).toEqual({ channel: 'C0DEPLOYS', ts: '1700000000.000100' });
    expect(reply.ts).toBe('1700000000.000200');
    expect(slack.requests.map((r) => [r.method, r.token])).toEqual([
      ['chat.postMessage', TOKEN],
      ['chat.postMessage', TOKEN],
      ['chat.update', TOKEN],
    ]);
    expect(slack.requests[0]?.body).toMatchObject({ channel: 'C0DEPLOYS', text: 'my-pipeline started', blocks: BLOCKS, unfurl_links: false });
    expect(slack.requests[0]?.body).not.toHaveProperty('thread_ts');
    expect(slack.requests[1]?.body).toMatchObject({ thread_ts: posted.ts, unfurl_links: false });
    expect(slack.requests[2]?.body).toMatchObject({ channel: 'C0DEPLOYS', ts: posted.ts, text: 'my-pipeline failed', blocks: BLOCKS.slice(1) });
    expect(slack.messages()).toEqual([
      { channel: 'C0DEPLOYS', ts: posted.ts, threadTs: undefined, text: 'my-pipeline failed', blocks: BLOCKS.slice(1), updates: 1 },
      { channel: 'C0DEPLOYS', ts: reply.ts, threadTs: posted.ts, text: 'Build failed', blocks: undefined, updates: 0 },
    ]);
  });

  it('waits out a 429 for Retry-After seconds, then delivers exactly once', async () => {
    slack.failNext(1, { kind: 'rate-limited', retryAfter: 1 });
    await port().postMessage({ channel: 'C0DEPLOYS', text: 'hello' });

    const [limited, delivered] = slack.requests;
    expect(slack.requests.map((r) => r.status)).toEqual([429, 200]);
    // Timers may fire a few ms early against Date.now(); 1 s minus that is still "waited".
    expect(delivered!.receivedAt - limited!.receivedAt).toBeGreaterThanOrEqual(950);
    expect(slack.messages()).toHaveLength(1);
  });

  it('for notify, a 429 is not waited out: it throws at once with Retry-After as the time, and nothing is sent again', async () => {
    slack.failNext(1, { kind: 'rate-limited', retryAfter: 30 }, { method: 'chat.update' });
    const now = new Date('2026-12-02T10:00:00Z');
    const error = await port({ onRateLimit: 'throw', now: () => now })
      .updateMessage({ channel: 'C0DEPLOYS', ts: '1700000000.000100', text: 'x' })
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(SlackRateLimitedError);
    expect(error).toMatchObject({ method: 'chat.update', retryAt: new Date('2026-12-02T10:00:30Z') });
    expect(slack.requests.map((r) => r.status)).toEqual([429]);
    expect(everythingIn(error)).not.toContain(TOKEN);
  });

  it('retries two 500s and then delivers once', async () => {
    slack.failNext(2, { kind: 'http', status: 500 });
    const posted = await port().postMessage({ channel: 'C0DEPLOYS', text: 'hello' });

    expect(slack.requests.map((r) => r.status)).toEqual([500, 500, 200]);
    expect(slack.messages().map((m) => m.ts)).toEqual([posted.ts]);
  });

  it('retries a dropped connection', async () => {
    const seeded = await seedMessage();
    slack.failNext(1, { kind: 'disconnect' });
    await port().updateMessage(seeded);

    expect(slack.requests.filter((r) => r.method === 'chat.update').map((r) => r.status)).toEqual([0, 200]);
  });

  it('rejects with DeliveryError when Slack keeps answering 500, after the policy’s retries', async () => {
    slack.failNext(Infinity, { kind: 'http', status: 500 });
    const error = await port()
      .postMessage({ channel: 'C0DEPLOYS', text: 'hello' })
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(DeliveryError);
    expect((error as Error).message).toMatch(/chat\.postMessage to channel C0DEPLOYS failed after retries/);
    expect((error as Error).cause).toMatchObject({ code: 'slack_webapi_http_error', statusCode: 500 });
    expect(slack.requests).toHaveLength(1 + FAST.retries);
  });

  it('gives up on a Slack that never answers after its timeout per try, and tries again', async () => {
    let received = 0;
    const silent = createServer(() => {
      received += 1;
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port: at } = silent.address() as AddressInfo;
    try {
      const error = await port({ slackApiUrl: `http://127.0.0.1:${at}/api`, timeoutMs: 100, retryConfig: { retries: 1, minTimeout: 5 } })
        .postMessage({ channel: 'C0DEPLOYS', text: 'hello' })
        .catch((e: unknown) => e);

      expect(error).toBeInstanceOf(DeliveryError);
      expect((error as Error).message).toMatch(/chat\.postMessage to channel C0DEPLOYS failed after retries: .*no answer within 100 ms/);
      expect(received).toBe(2);
    } finally {
      silent.closeAllConnections();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it('rejects with DeliveryError when the rate limit outlasts the retries', async () => {
    slack.failNext(Infinity, { kind: 'rate-limited', retryAfter: 0 });
    const error = await port()
      .postMessage({ channel: 'C0DEPLOYS', text: 'hello' })
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(DeliveryError);
    expect(slack.requests).toHaveLength(1 + FAST.retries);
  });

  it.each(['channel_not_found', 'not_in_channel', 'invalid_auth'])(
    'treats %s as permanent: PermanentError naming it and the channel, no retry',
    async (code) => {
      slack.failNext(1, { kind: 'error', error: code });
      const error = await port()
        .postMessage({ channel: 'C0NOPE', text: 'hello' })
        .catch((e: unknown) => e);

      expect(error).toBeInstanceOf(PermanentError);
      expect((error as Error).message).toContain(code);
      expect((error as Error).message).toContain('C0NOPE');
      expect(slack.requests).toHaveLength(1);
    },
  );

  it('treats an ok:false that Slack documents as transient (internal_error) as DeliveryError, so the record is retried', async () => {
    slack.failNext(1, { kind: 'error', error: 'internal_error' });
    const error = await port()
      .postMessage({ channel: 'C0DEPLOYS', text: 'hello' })
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(DeliveryError);
    expect(error).not.toBeInstanceOf(PermanentError);
  });

  it('answers `gone` when the message to update no longer exists, so the card can be posted again', async () => {
    expect(await port().updateMessage({ channel: 'C0DEPLOYS', ts: '1.000001', text: 'x' })).toBe('gone');
  });

  it('still fails an update Slack refuses for another reason', async () => {
    slack.failNext(1, { kind: 'error', error: 'cant_update_message' });
    const error = await port()
      .updateMessage({ channel: 'C0DEPLOYS', ts: '1.000001', text: 'x' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PermanentError);
    expect((error as Error).message).toMatch(/chat\.update to channel C0DEPLOYS failed: cant_update_message/);
  });

  it.each([
    ['a platform error', { kind: 'error', error: 'invalid_auth' }],
    ['persistent 500s', { kind: 'http', status: 500 }],
    ['an exhausted rate limit', { kind: 'rate-limited', retryAfter: 0 }],
    ['dropped connections', { kind: 'disconnect' }],
  ] as const)('never puts the token in an error or a log line (%s)', async (_label, failure) => {
    const lines: string[] = [];
    const sink: SlackLogSink = { debug: (m) => lines.push(m), info: (m) => lines.push(m), warn: (m) => lines.push(m), error: (m) => lines.push(m) };
    slack.failNext(Infinity, failure);
    const error = await port({ logger: sink })
      .postMessage({ channel: 'C0DEPLOYS', text: 'hello' })
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(Error);
    expect(everythingIn(error)).not.toContain(TOKEN);
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.join('\n')).not.toContain(TOKEN);
    // The token did go out, in the header, where it belongs.
    expect(slack.requests.every((r) => r.token === TOKEN)).toBe(true);
  });

  it('scrubs the token even when an error message echoes it', async () => {
    slack.failNext(1, { kind: 'error', error: `bad_token_${TOKEN}` });
    const error = await port()
      .postMessage({ channel: 'C0DEPLOYS', text: 'hello' })
      .catch((e: unknown) => e);

    expect((error as Error).message).toContain('bad_token_[token]');
    expect((error as Error).message).not.toContain(TOKEN);
  });
});

describe('the local Slack server', () => {
  it('answers a request without a token with not_authed, as Slack does', async () => {
    const res = await fetch(`${slack.url}chat.postMessage`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ channel: 'C1', text: 'x' }),
    });

    expect(await res.json()).toEqual({ ok: false, error: 'not_authed' });
    expect(slack.requests[0]).toMatchObject({ method: 'chat.postMessage', authorized: false, body: { channel: 'C1', text: 'x' } });
  });

  it('scopes scripted failures to one method when asked', async () => {
    slack.failNext(1, { kind: 'error', error: 'cant_update_message' }, { method: 'chat.update' });
    const seeded = await seedMessage();
    const error = await port()
      .updateMessage(seeded)
      .catch((e: unknown) => e);

    expect(slack.requests.map((r) => [r.method, r.error])).toEqual([
      ['chat.postMessage', undefined],
      ['chat.update', 'cant_update_message'],
    ]);
    expect(error).toBeInstanceOf(PermanentError);
  });
});

async function seedMessage(): Promise<{ channel: string; ts: string; text: string }> {
  const { channel, ts } = await port().postMessage({ channel: 'C0DEPLOYS', text: 'seed' });
  return { channel, ts, text: 'updated' };
}
