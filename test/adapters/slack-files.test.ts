import { inspect } from 'node:util';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DeliveryError, PermanentError } from '../../functions/kernel/errors';
import { createSlackFilesPort, type SlackFilesPortOptions } from '../../functions/platform/slack-files';
import { type SlackServer, startSlackServer } from '../support/slack-server';

const TOKEN = 'xoxb-1111-2222-f1lesT0kenValue';
/** Two retries, a few ms apart: the same code paths as production, minus the minutes. */
const FAST = { retries: 2, minTimeout: 5, maxTimeout: 10 };
const QUIET = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
/** Every byte value, and bytes that are not valid UTF-8, so a text round trip would show. */
const BYTES = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0xff, 0xfe, 0xc3, 0x28, ...Array.from({ length: 256 }, (_, i) => i)]);
const CHART = { channel: 'C0DEPLOYS', filename: 'durations.png', title: 'Deploy durations', bytes: BYTES };

let slack: SlackServer;
beforeAll(async () => {
  slack = await startSlackServer();
});
afterAll(() => slack.close());
beforeEach(() => slack.reset());

const port = (extra: Partial<SlackFilesPortOptions> = {}) =>
  createSlackFilesPort({ token: TOKEN, slackApiUrl: slack.url, retryConfig: FAST, logger: QUIET, ...extra });

describe('createSlackFilesPort against a local Slack', () => {
  it('asks for an upload URL, posts the bytes there, then completes the upload, in that order', async () => {
    const { fileId } = await port().upload(CHART);

    expect(slack.requests.map((r) => [r.method, r.status])).toEqual([
      ['files.getUploadURLExternal', 200],
      ['upload', 200],
      ['files.completeUploadExternal', 200],
    ]);
    expect(slack.requests[0]?.body).toMatchObject({ filename: 'durations.png', length: String(BYTES.length) });
    expect(slack.requests[0]?.token).toBe(TOKEN);
    expect(slack.requests[1]?.body).toEqual({ file_id: fileId, length: BYTES.length });
    expect(slack.requests[2]?.body).toMatchObject({ files: [{ id: fileId, title: 'Deploy durations' }], channel_id: 'C0DEPLOYS' });
    expect(slack.requests[2]?.body).not.toHaveProperty('thread_ts');
    expect(fileId).toMatch(/^F[0-9A-Z]+$/);
  });

  it('delivers the bytes intact and shares the file to the channel and thread with the comment', async () => {
    const { fileId } = await port().upload({ ...CHART, threadTs: '1700000000.000100', comment: 'p90 over the last day' });

    expect(slack.files()).toEqual([
      {
        id: fileId,
        filename: 'durations.png',
        title: 'Deploy durations',
        channel: 'C0DEPLOYS',
        threadTs: '1700000000.000100',
        comment: 'p90 over the last day',
        bytes: Buffer.from(BYTES),
      },
    ]);
    expect(slack.requests[2]?.body).toMatchObject({ thread_ts: '1700000000.000100', initial_comment: 'p90 over the last day' });
  });

  it('sends the bytes of a Uint8Array that views part of a larger buffer, not the whole buffer', async () => {
    const backing = new Uint8Array(64).fill(7);
    backing.set([1, 2, 3], 10);
    await port().upload({ ...CHART, bytes: backing.subarray(10, 13) });

    expect(slack.files()[0]?.bytes).toEqual(Buffer.from([1, 2, 3]));
  });

  it('a refused completion is a PermanentError naming the Slack error, without the token', async () => {
    slack.failNext(1, { kind: 'error', error: 'invalid_channel' }, { method: 'files.completeUploadExternal' });
    const error = await port()
      .upload(CHART)
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(PermanentError);
    expect(String(error)).toContain('invalid_channel');
    expect(String(error)).toContain('C0DEPLOYS');
    expect(inspect(error, { depth: 10 })).not.toContain(TOKEN);
    expect(slack.files()).toEqual([]);
  });

  it('a missing files:write scope says which scope, not chat:write', async () => {
    slack.failNext(1, { kind: 'error', error: 'missing_scope' }, { method: 'files.getUploadURLExternal' });
    const error = await port()
      .upload(CHART)
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(PermanentError);
    expect(String(error)).toContain('files:write');
    expect(slack.requests.map((r) => r.method)).toEqual(['files.getUploadURLExternal']);
  });

  it('an error Slack calls passing on its side is a DeliveryError', async () => {
    slack.failNext(1, { kind: 'error', error: 'service_unavailable' }, { method: 'files.getUploadURLExternal' });
    const error = await port()
      .upload(CHART)
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(DeliveryError);
    expect(error).not.toBeInstanceOf(PermanentError);
  });

  it('waits out a 429 on the completion for Retry-After seconds and completes once, without uploading again', async () => {
    slack.failNext(1, { kind: 'rate-limited', retryAfter: 1 }, { method: 'files.completeUploadExternal' });
    await port().upload(CHART);

    expect(slack.requests.map((r) => [r.method, r.status])).toEqual([
      ['files.getUploadURLExternal', 200],
      ['upload', 200],
      ['files.completeUploadExternal', 429],
      ['files.completeUploadExternal', 200],
    ]);
    const [limited, completed] = slack.requests.slice(2);
    // Timers may fire a few ms early against Date.now(); 1 s minus that is still "waited".
    expect(completed!.receivedAt - limited!.receivedAt).toBeGreaterThanOrEqual(950);
    expect(slack.files()).toHaveLength(1);
  });

  it('a 429 that outlasts the retries is a DeliveryError', async () => {
    slack.failNext(Number.POSITIVE_INFINITY, { kind: 'rate-limited', retryAfter: 0.01 }, { method: 'files.getUploadURLExternal' });
    const error = await port({ retryConfig: { retries: 1, minTimeout: 5, maxTimeout: 10 } })
      .upload(CHART)
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(DeliveryError);
    expect(error).not.toBeInstanceOf(PermanentError);
    expect(slack.requests.map((r) => r.status)).toEqual([429, 429]);
  });

  it('retries a 500 from the upload URL and then completes', async () => {
    slack.failNext(1, { kind: 'http', status: 500 }, { method: 'upload' });
    await port().upload(CHART);

    expect(slack.requests.map((r) => [r.method, r.status])).toEqual([
      ['files.getUploadURLExternal', 200],
      ['upload', 500],
      ['upload', 200],
      ['files.completeUploadExternal', 200],
    ]);
    expect(slack.files()[0]?.bytes).toEqual(Buffer.from(BYTES));
  });

  it('an upload URL that keeps failing is a DeliveryError and nothing is shared', async () => {
    slack.failNext(Number.POSITIVE_INFINITY, { kind: 'http', status: 503 }, { method: 'upload' });
    const error = await port()
      .upload(CHART)
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(DeliveryError);
    expect(slack.requests.map((r) => r.method)).not.toContain('files.completeUploadExternal');
    expect(slack.files()).toEqual([]);
  });
});

describe('the local Slack refuses uploads as Slack documents', () => {
  const call = async (method: string, args: Record<string, string>) => {
    const response = await fetch(`${slack.url}${method}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(args).toString(),
    });
    return (await response.json()) as Record<string, unknown>;
  };

  it.each([
    ['no filename', { length: '3' }, 'missing_argument'],
    ['no length', { filename: 'a.png' }, 'missing_argument'],
    ['a length of 0', { filename: 'a.png', length: '0' }, 'missing_argument'],
    ['a length that is not a whole number', { filename: 'a.png', length: '1.5' }, 'invalid_arguments'],
  ])('files.getUploadURLExternal with %s: %s', async (_, args, error) => {
    expect(await call('files.getUploadURLExternal', args)).toEqual({ ok: false, error });
  });

  it('completing a file never issued, never uploaded, or completed already is file_not_found', async () => {
    const never = await call('files.completeUploadExternal', { files: JSON.stringify([{ id: 'F0NOSUCH' }]) });
    const issued = await call('files.getUploadURLExternal', { filename: 'a.txt', length: '3' });
    const early = await call('files.completeUploadExternal', { files: JSON.stringify([{ id: issued['file_id'] }]) });
    const posted = await fetch(String(issued['upload_url']), { method: 'POST', body: new Uint8Array([1, 2, 3]) });
    const done = await call('files.completeUploadExternal', { files: JSON.stringify([{ id: issued['file_id'] }]), channel_id: 'C1' });
    const twice = await call('files.completeUploadExternal', { files: JSON.stringify([{ id: issued['file_id'] }]), channel_id: 'C1' });

    expect([never['error'], early['error'], twice['error']]).toEqual(['file_not_found', 'file_not_found', 'file_not_found']);
    expect([posted.status, await posted.text()]).toEqual([200, 'OK - 3']);
    expect(done).toEqual({ ok: true, files: [{ id: issued['file_id'], title: 'a.txt', name: 'a.txt', size: 3 }] });
    expect(slack.files()).toMatchObject([{ id: issued['file_id'], channel: 'C1', bytes: Buffer.from([1, 2, 3]) }]);
  });
});
