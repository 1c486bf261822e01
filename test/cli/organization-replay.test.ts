/**
 * Replay across accounts (organization mode, issue 13): events of two member accounts, and every
 * `--json` call line says where it would be made. A pipeline's reads and its approval's decision go
 * to the account that owns the pipeline; Slack, SNS and the stack's own services are called from home.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { replay } from '../../cli/replay';
import { SAMPLES_DIR, scenario } from '../support/scenarios';

const PAYMENTS = '111122223333';
const WEB = '222233334444';

/** A scenario's events as a member account sends them: its account in the envelope and every ARN. */
function inAccount(name: string, account: string, dir: string): void {
  for (const { file, event } of scenario(name)) {
    writeFileSync(path.join(dir, `${account}-${name}-${file}`), JSON.stringify(event).replaceAll('123456789012', account));
  }
}

async function replayJson(dir: string, extra: { advance?: string } = {}) {
  const out = new PassThrough();
  let text = '';
  out.on('data', (chunk) => {
    text += String(chunk);
  });
  const code = await replay({
    configFile: 'config/warden.yml',
    worldFile: path.join(SAMPLES_DIR, 'samples.world.json'),
    json: true,
    paths: [dir],
    out,
    ...extra,
  });
  return {
    code,
    lines: text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { event: string; call: string; account: string; region: string; input: Record<string, unknown> }),
  };
}

describe('replay of events from two member accounts', () => {
  it("makes each pipeline's calls in its own account, and Slack's from home", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'warden-org-replay-'));
    inAccount('01-pipeline-build-fails', PAYMENTS, dir);
    inAccount('02-pipeline-deploys', WEB, dir);
    const { code, lines } = await replayJson(dir);
    expect(code).toBe(0);
    const logs = lines.filter((l) => l.call === 'logs.getLogEvents');
    expect(logs.length).toBeGreaterThan(0);
    for (const l of logs) expect(l).toMatchObject({ account: PAYMENTS, region: 'eu-west-1' });
    const pipelineReads = lines.filter((l) => l.call === 'codepipeline.getPipeline');
    expect(pipelineReads.length).toBeGreaterThan(0);
    for (const l of pipelineReads) expect(l.account).toBe(path.basename(l.event).startsWith(PAYMENTS) ? PAYMENTS : WEB);
    const slack = lines.filter((l) => l.call.startsWith('slack.'));
    expect(slack.length).toBeGreaterThan(0);
    for (const l of slack) expect(l).toMatchObject({ account: 'home', region: 'home' });
    // Every line says where.
    for (const l of lines) expect(typeof l.account === 'string' && typeof l.region === 'string').toBe(true);
  });

  it("an approval's decision (the deadline's rejection) is sent to the account that owns the pipeline", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'warden-org-replay-'));
    inAccount('07-approval-deadline', WEB, dir);
    const { lines } = await replayJson(dir, { advance: '30h' });
    const decided = lines.filter((l) => l.call === 'codepipeline.putApprovalResult');
    expect(decided).toHaveLength(1);
    expect(decided[0]).toMatchObject({ account: WEB, region: 'eu-west-1', input: { result: { status: 'Rejected' } } });
  });

  it("reads a member account's own build logs from the world file before the shared ones", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'warden-org-replay-'));
    inAccount('01-pipeline-build-fails', PAYMENTS, dir);
    const world = JSON.parse(readFileSync(path.join(SAMPLES_DIR, 'samples.world.json'), 'utf8'));
    const group = '/aws/codebuild/payments-api-build';
    const streams = Object.fromEntries(Object.keys(world.logs[group]).map((stream) => [stream, ['FAIL in the payments account: ledger.test.ts']]));
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'warden-org-world-')), 'world.json');
    writeFileSync(file, JSON.stringify({ ...world, accounts: { [PAYMENTS]: { logs: { [group]: streams } } } }));
    const out = new PassThrough();
    let text = '';
    out.on('data', (chunk) => {
      text += String(chunk);
    });
    expect(await replay({ configFile: 'config/warden.yml', worldFile: file, json: true, paths: [dir], out })).toBe(0);
    const reply = text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { call: string; input: Record<string, unknown> })
      .find((l) => l.call === 'slack.chat.postMessage' && l.input['thread_ts']);
    expect(JSON.stringify(reply?.input['blocks'])).toContain('FAIL in the payments account');
  });

  it('routes by pipeline tag: the payments team hears of the pipeline tagged team=payments in any account, not of the others', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'warden-org-replay-'));
    inAccount('01-pipeline-build-fails', PAYMENTS, dir);
    inAccount('02-pipeline-deploys', WEB, dir);
    const home = mkdtempSync(path.join(tmpdir(), 'warden-org-config-'));
    const configFile = path.join(home, 'warden.yml');
    writeFileSync(configFile, 'version: 1\nroutes:\n  - match: { tags: { team: payments } }\n    slack: { channels: [C0PAYMENTS1], level: all }\n');
    const world = JSON.parse(readFileSync(path.join(SAMPLES_DIR, 'samples.world.json'), 'utf8'));
    const worldFile = path.join(home, 'world.json');
    writeFileSync(worldFile, JSON.stringify({ ...world, accounts: { [PAYMENTS]: { tags: { 'payments-api': { team: 'payments' } } } } }));
    const out = new PassThrough();
    let text = '';
    out.on('data', (chunk) => {
      text += String(chunk);
    });
    expect(await replay({ configFile, worldFile, json: true, paths: [dir], out })).toBe(0);
    const lines = text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { event: string; call: string; account: string; input: Record<string, unknown> });
    const posts = lines.filter((l) => l.call === 'slack.chat.postMessage' && !l.input['thread_ts']);
    expect(posts.map((p) => path.basename(p.event).startsWith(PAYMENTS))).toEqual([true]);
    // Tags are read once per card, where the pipeline lives.
    const reads = lines.filter((l) => l.call === 'codepipeline.listTagsForResource');
    expect(reads.map((r) => r.account).sort()).toEqual([PAYMENTS, WEB]);
  });
});
