/**
 * `warden policy check` in another repository's CI: the packed tarball installed offline into an
 * empty folder (README, "`warden policy check`", "In another repository"), run on the shipped
 * example with only what the tarball and its runtime dependencies bring.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Installed, PROJECT_DIR, packAndInstall } from '../support/pack';

let installed: Installed;

beforeAll(() => {
  installed = packAndInstall();
  console.info(`npm pack: ${Math.round(installed.packMs)} ms; npm ci --offline of the tarball: ${Math.round(installed.installMs)} ms`);
  // The consumer's own files, laid out as the README's CI line expects them.
  cpSync(path.join(PROJECT_DIR, 'examples/policy-check/defs'), path.join(installed.dir, 'defs'), { recursive: true });
  cpSync(path.join(PROJECT_DIR, 'examples/policy-check/policy.yml'), path.join(installed.dir, 'policy.yml'));
});

afterAll(() => {
  if (installed) rmSync(installed.dir, { recursive: true, force: true });
});

const warden = (...args: string[]) => {
  const out = spawnSync('npx', ['--no-install', 'warden', ...args], {
    cwd: installed.dir,
    encoding: 'utf8',
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  });
  return { code: out.status, stdout: out.stdout, stderr: out.stderr };
};

describe('the packed tarball, installed offline in an empty folder', () => {
  it('ships what the CLI reads at run time, and none of the tests', () => {
    expect(installed.files).toEqual(
      expect.arrayContaining([
        'bin/warden.cjs',
        'cli/warden.ts',
        'config/policy.yml',
        'config/custom-rules.ts',
        'events/codepipeline.pattern.json',
        'statemachines/approval.asl.yaml',
        'examples/policy-check/policy.yml',
        // What `warden member-template` prints, for accounts outside the organization.
        'infra/member.yml',
      ]),
    );
    expect(
      installed.files.filter((file) => (/^(test|bench|infra|scripts|node_modules)\//.test(file) && file !== 'infra/member.yml') || file.endsWith('.test.ts')),
    ).toEqual([]);
    expect(existsSync(path.join(installed.dir, 'node_modules/.bin/warden'))).toBe(true);
    // Dev dependencies stay out: the CLI must not need them.
    for (const dev of ['vitest', 'osls', 'typescript', 'node']) expect(existsSync(path.join(installed.dir, 'node_modules', dev)), dev).toBe(false);
  });

  it("`npx warden policy check --policy policy.yml defs/` reports the example's violations and exits 1", () => {
    const { code, stdout, stderr } = warden('policy', 'check', '--policy', 'policy.yml', 'defs/');
    expect(stderr).toBe('');
    expect(code).toBe(1);
    expect(stdout.split('\n').filter((line) => /^(pipeline|project|package) /.test(line))).toEqual(['pipeline MyFirstPipeline (defs/MyFirstPipeline.json)']);
    expect(stdout).toContain(
      '  error   production-approval: production stage Prod: deploy action(s) CodePipelineProdFleet run without a manual approval before them',
    );
    expect(stdout.endsWith('2 resources checked, 1 with violations: 4 violations (1 error, 2 warnings, 1 info)\n')).toBe(true);
  });

  it('exits 0 on a pipeline that follows the policy', () => {
    const { code, stdout, stderr } = warden('policy', 'check', '--policy', 'policy.yml', 'defs/payments-api.json');
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toBe('1 resource checked: no violations\n');
  });

  it('--json prints one line per violation and a summary', () => {
    const { code, stdout } = warden('policy', 'check', '--json', '--policy', 'policy.yml', 'defs/');
    expect(code).toBe(1);
    const lines = stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.at(-1)).toEqual({ summary: { resources: 2, violating: 1, violations: 4, errors: 1, warnings: 2, info: 1 } });
  });

  it('`npx warden member-template` prints the member stack from the installed package', () => {
    const { code, stdout, stderr } = warden('member-template');
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toContain("AWSTemplateFormatVersion: '2010-09-09'");
    expect(stdout).toContain('ActorRole:');
  });
});
