/**
 * `npm run dev`: the interactivity endpoint on localhost with the real handler, in dry run. Requests
 * go over real HTTP with node's fetch, signed as Slack signs them.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InteractionRoute } from '../../functions/slack-actions/app/router';
import { DEV_APPROVAL_KEY, type DevServer, optionsFromEnv, startDevServer } from '../../scripts/dev-server';
import { blockActions, formBody, slackSignature } from '../support/slack-requests';

const SECRET = 'dev-test-signing-secret';
const PROJECT_DIR = path.resolve(__dirname, '../..');

function signed(body: string, secret = SECRET, timestamp = String(Math.floor(Date.now() / 1000))): RequestInit {
  return {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-www-form-urlencoded',
      'X-Slack-Request-Timestamp': timestamp,
      'X-Slack-Signature': slackSignature(secret, timestamp, body),
    },
    body,
  };
}

describe('dev server with its approval route (the sample approval is open)', () => {
  let server: DevServer;
  const lines: string[] = [];
  beforeAll(async () => {
    server = await startDevServer({ signingSecret: SECRET, port: 0, print: (line) => lines.push(line) });
  });
  afterAll(() => server?.close());

  it("a stranger is refused; an approver's click is the first of two approvals and updates the card, dry run", async () => {
    const click = (userId: string) =>
      fetch(server.url, signed(formBody(blockActions({ actionId: 'approval:approve', value: DEV_APPROVAL_KEY, userId, comment: 'staging is green' }))));
    expect((await click('U0STRANGER')).status).toBe(200);
    expect(lines.find((l) => l.includes('slack.chat.postEphemeral'))).toMatch(/not an approver under policy \\"payments-production\\"/);
    lines.length = 0;
    expect((await click('U0PAYLEAD1')).status).toBe(200);
    const calls = lines.filter((l) => l.startsWith('{"call"')).map((l) => JSON.parse(l) as { call: string; input: Record<string, unknown> });
    expect(calls.map((c) => c.call)).toEqual(['slack.chat.update', 'slack.chat.update', 'slack.chat.postEphemeral']);
    expect(JSON.stringify(calls[0]?.input['blocks'])).toContain('1 of 2 approvals');
    expect(calls[2]?.input['text']).toBe('1 of 2 approvals');
  });

  it("hosts the deployed endpoint's routes, break-glass included: a bypass click reaches governance (issue 11)", async () => {
    lines.length = 0;
    const value = JSON.stringify({ pipeline: 'payments-api', stage: 'Production', freeze: 'year-end' });
    expect((await fetch(server.url, signed(formBody(blockActions({ actionId: 'bypass:grant', value, userId: 'U0STRANGER' }))))).status).toBe(200);
    expect(lines.find((l) => l.includes('slack.chat.postEphemeral'))).toMatch(/Freeze \\"year-end\\" is not on now: there is nothing to lift/);
  });
});

describe('dev server (in process)', () => {
  let server: DevServer;
  const lines: string[] = [];
  const refuse: InteractionRoute = async () => ({ kind: 'refused', ephemeral: 'Only approvers may decide.' });

  beforeAll(async () => {
    server = await startDevServer({ signingSecret: SECRET, port: 0, print: (line) => lines.push(line), routes: () => ({ 'approval:': refuse }) });
  });
  afterAll(() => server?.close());

  it('answers a correctly signed click 200 and prints the call it would make instead of making it', async () => {
    lines.length = 0;
    const response = await fetch(server.url, signed(formBody(blockActions({ actionId: 'approval:approve', threadTs: '1700000000.000100' }))));

    expect(response.status).toBe(200);
    expect(lines[0]).toContain('"actionId":"approval:approve"');
    expect(lines[1]).toBe('POST /slack/actions → 200');
    expect(JSON.parse(lines[2]!)).toEqual({
      call: 'slack.chat.postEphemeral',
      input: { channel: 'C0TEAM0001', user: 'U0APPROVER', text: 'Only approvers may decide.', thread_ts: '1700000000.000100' },
    });
  });

  it.each<[string, () => RequestInit]>([
    [
      'a forged signature',
      () => ({
        ...signed(formBody(blockActions())),
        headers: { 'X-Slack-Request-Timestamp': String(Math.floor(Date.now() / 1000)), 'X-Slack-Signature': `v0=${'0'.repeat(64)}` },
      }),
    ],
    ['another secret', () => signed(formBody(blockActions()), 'not-the-dev-secret')],
    ['an old timestamp', () => signed(formBody(blockActions()), SECRET, String(Math.floor(Date.now() / 1000) - 600))],
    ['no signature at all', () => ({ method: 'POST', body: formBody(blockActions()) })],
  ])('answers %s 401 and prints no call', async (_label, init) => {
    lines.length = 0;
    const response = await fetch(server.url, init());

    expect(response.status).toBe(401);
    expect(await response.text()).toBe('unauthorized');
    expect(lines).toEqual(['POST /slack/actions → 401']);
  });

  it('answers the same request twice 200 then 401 (in-memory replay protection)', async () => {
    const init = signed(formBody(blockActions({ value: 'replay-me' })));
    expect((await fetch(server.url, init)).status).toBe(200);
    expect((await fetch(server.url, init)).status).toBe(401);
  });

  it('answers other paths and methods as an HTTP API does (404)', async () => {
    expect((await fetch(server.url.replace('/slack/actions', '/slack/other'), signed('x'))).status).toBe(404);
    expect((await fetch(server.url)).status).toBe(404);
  });
});

describe('npm run dev (the script itself)', () => {
  it('refuses to start without SLACK_SIGNING_SECRET', () => {
    expect(optionsFromEnv({})).toEqual({ error: expect.stringContaining('SLACK_SIGNING_SECRET is not set') });
    expect(optionsFromEnv({ SLACK_SIGNING_SECRET: '  ' })).toHaveProperty('error');
    expect(optionsFromEnv({ SLACK_SIGNING_SECRET: 's', PORT: 'http' })).toEqual({ error: 'PORT must be a port number, not "http"' });
    expect(optionsFromEnv({ SLACK_SIGNING_SECRET: 's' })).toEqual({ signingSecret: 's', port: 3000, host: '127.0.0.1' });
  });

  it('starts on the given port, answers signed and forged requests, and exits 1 without a secret', async () => {
    // The command of package.json's `dev` script, run without npm in between (npm would not pass signals on reliably).
    const [bin, ...args] = (JSON.parse(readFileSync(path.join(PROJECT_DIR, 'package.json'), 'utf8')) as { scripts: { dev: string } }).scripts.dev.split(' ');
    expect(bin).toBe('tsx');
    const run = (env: NodeJS.ProcessEnv) => {
      const child = spawn(path.join(PROJECT_DIR, 'node_modules/.bin', bin!), args, { cwd: PROJECT_DIR, env: { ...process.env, ...env } });
      let out = '';
      let err = '';
      child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
      const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
      return { child, exited, out: () => out, err: () => err };
    };

    const refused = run({ SLACK_SIGNING_SECRET: '' });
    expect(await refused.exited).toBe(1);
    expect(refused.err()).toContain('SLACK_SIGNING_SECRET is not set');

    const dev = run({ SLACK_SIGNING_SECRET: SECRET, PORT: '0' });
    try {
      while (!/POST (\S+)/.test(dev.out()) && dev.child.exitCode === null) await new Promise((resolve) => setTimeout(resolve, 50));
      const url = /POST (\S+)/.exec(dev.out())?.[1];
      expect(url).toMatch(/^http:\/\/localhost:\d+\/slack\/actions$/);
      expect((await fetch(url!, signed(formBody(blockActions())))).status).toBe(200);
      expect((await fetch(url!, signed(formBody(blockActions()), 'forged'))).status).toBe(401);
    } finally {
      dev.child.kill('SIGTERM');
      await dev.exited;
    }
  });
});
