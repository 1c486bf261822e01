/**
 * `warden validate` as a black box on config that cannot work: every problem printed with its
 * path and reason, exit 1. The checks themselves: test/core/config/unworkable.test.ts.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(__dirname, '../..');
const BIN = path.join(ROOT, 'bin/warden.cjs');
const ENV = { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };

function validate(text: string) {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'warden-unworkable-')), 'warden.yml');
  writeFileSync(file, text);
  const out = spawnSync(process.execPath, [BIN, 'validate', file], { cwd: ROOT, encoding: 'utf8', env: ENV });
  return { file, code: out.status, stdout: out.stdout, stderr: out.stderr };
}

const UNWORKABLE = [
  'version: 1',
  'routes:',
  '  - slack: { channels: [C0PLATFORM1] }',
  'approvals:',
  '  policies:',
  '    - { name: four-eyes, approvers: [U0LEAD0001], required: 2 }',
  '    - { name: forever, approvers: [S0LEADS001], deadline: 99999999999999d }',
  'rollback:',
  '  cooldown: 90d',
  '  guards:',
  '    - { name: web, alarms: [web-5xx], pipeline: { name: web, stage: Deploy }, bakeWindow: 30d }',
  'governance:',
  '  freezes:',
  '    - { name: weekend, cron: "0 18 * * 5", duration: 2400000000h }',
  '    - { name: typo, from: "2026-12-20T18:00", to: "2206-01-04T08:00" }',
  '    - { name: backwards, from: "2027-01-04T08:00", to: "2026-12-20T18:00" }',
  '',
].join('\n');

describe('warden validate refuses config that cannot work', () => {
  it('prints every problem with its path and reason, and exits 1', () => {
    const { file, code, stdout, stderr } = validate(UNWORKABLE);
    expect(stderr).toBe('');
    expect(code).toBe(1);
    expect(stdout.split('\n')).toEqual([
      `${file}: 7 problems`,
      '  approvals.policies[0].required: 2 but only 1 approver can vote: add approvers or a user group',
      "  approvals.policies[1].deadline: at most 60d (no manual approval waits longer: CodePipeline's longest approval timeout is 60d)",
      '  rollback.cooldown: at most 30d (a rollback is remembered for 30 days, so a longer cooldown could not be kept)',
      '  rollback.guards[0].bakeWindow: at most 7d (an alarm days after a deployment is no evidence against it, and rolling back a week of changes is a decision for a person)',
      '  governance.freezes[0].duration: at most 366d (a freeze longer than a year is a typo; use a Change Calendar for standing closures)',
      '  governance.freezes[1].to: year 2206 is outside 2000-2100',
      '  governance.freezes[2].to: 2026-12-20T18:00 is not after from (2027-01-04T08:00)',
      '',
    ]);
  });

  it('still reports them when another part of the file fails the schema', () => {
    const { code, stdout } = validate(UNWORKABLE.replace('version: 1', 'version: 2'));
    expect(code).toBe(1);
    expect(stdout).toContain('  version: must be 1\n');
    expect(stdout).toContain('  approvals.policies[0].required: 2 but only 1 approver can vote: add approvers or a user group\n');
    expect(stdout).toContain('  governance.freezes[0].duration: at most 366d');
  });

  it('accepts the same config once it can work', () => {
    const fixed = UNWORKABLE.replace('[U0LEAD0001], required', '[U0LEAD0001, S0LEADS001], required')
      .replace('99999999999999d', '60d')
      .replace('90d', '30d')
      .replace('bakeWindow: 30d', 'bakeWindow: 7d')
      .replace('2400000000h', '62h')
      .replace('"2206-01-04T08:00"', '"2027-01-04T08:00"')
      .replace('to: "2026-12-20T18:00"', 'to: "2027-01-05T18:00"');
    const { code, stdout } = validate(fixed);
    expect(stdout).toMatch(/: valid, 1 route/);
    expect(code).toBe(0);
  });
});
