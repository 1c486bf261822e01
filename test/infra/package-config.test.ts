/**
 * The routing config is validated when the stack is packaged: an invalid file fails
 * `serverless package` with every problem and its path, the same lines `warden validate` prints.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../functions/kernel/config/parse';

const PROJECT_DIR = path.resolve(__dirname, '../..');
const INVALID_FIXTURE = 'test/fixtures/invalid-config.yml';

interface ServerlessConfigModule {
  loadConfig(file: string): unknown;
  esbuildDefineOf(config: unknown): { WARDEN_EMBEDDED_CONFIG: string; WARDEN_EMBEDDED_GLOBS: string };
  tokenResourceOf(name: string): unknown;
  topicArnsOf(config: unknown): string[];
}
const serverlessConfig = createRequire(import.meta.url)('../../scripts/serverless-config.cjs') as ServerlessConfigModule;

const outDirs: string[] = [];
afterAll(() => {
  for (const dir of outDirs) rmSync(dir, { recursive: true, force: true });
});

/** `serverless package` offline; resolves with its exit code and everything it printed. */
function serverlessPackage(extraArgs: string[], stage = 'ci'): Promise<{ code: number; output: string }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'warden-package-'));
  outDirs.push(dir);
  const bin = path.join(PROJECT_DIR, 'node_modules/.bin/serverless');
  const args = ['120', process.execPath, bin, 'package', '--stage', stage, '--package', dir, ...extraArgs];
  const env = { ...process.env, SLS_TELEMETRY_DISABLED: '1', SLS_NOTIFICATIONS_MODE: 'off' };
  return new Promise((resolve) => {
    execFile('timeout', args, { cwd: PROJECT_DIR, env, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, output: `${stdout}\n${stderr}` });
    });
  });
}

describe('serverless package with an invalid config', () => {
  const expected = parseConfig(readFileSync(path.join(PROJECT_DIR, INVALID_FIXTURE), 'utf8'));

  it('uses a fixture with several distinct problems', () => {
    expect(expected.ok).toBe(false);
    const problems = expected.ok ? [] : expected.problems;
    expect(new Set(problems).size).toBe(problems.length);
    expect(problems.length).toBeGreaterThanOrEqual(5);
  });

  it('fails with status 1 and prints every problem with its path, once', async () => {
    const { code, output } = await serverlessPackage([`--param=config=${INVALID_FIXTURE}`]);
    expect(code).toBe(1);
    const occurrences = (text: string) => output.split(text).length - 1;
    const problems = expected.ok ? [] : expected.problems;
    expect(output).toContain(`Invalid pipeline-warden config ${INVALID_FIXTURE}: ${problems.length} problems\n`);
    expect(occurrences(`Invalid pipeline-warden config ${INVALID_FIXTURE}`)).toBe(1);
    for (const problem of problems) expect(occurrences(`  - ${problem}\n`)).toBe(1);
    // osls's own wrapping of each failed `${file(...)}`, once per variable, is gone.
    expect(output).not.toContain('Cannot resolve variable');
  }, 150_000);

  it('refuses a stage that makes a physical name longer than AWS allows, with the name and the limit', async () => {
    const stage = 'feature-very-long-branch-name-1234';
    const { code, output } = await serverlessPackage([], stage);
    expect(code).toBe(1);
    expect(output).toContain(`Stage "${stage}" (34 characters) is too long: at most 33 fit every name of the stack: 1 problem\n`);
    expect(output).toContain(`  - stage "${stage}": Lambda function name pipeline-warden-${stage}-approvalEvents is 65 characters; AWS allows 64\n`);
    expect(output).not.toContain('Cannot resolve variable');
  }, 150_000);

  it('fails on a config file that does not exist', async () => {
    const { code, output } = await serverlessPackage(['--param=config=config/no-such-file.yml']);
    expect(code).not.toBe(0);
    expect(output).toContain('config/no-such-file.yml');
    expect(output).toContain('cannot read the file');
  }, 150_000);
});

describe('scripts/serverless-config.cjs', () => {
  it('embeds the validated config, defaults applied, as a JSON string literal', () => {
    const config = serverlessConfig.loadConfig('config/warden.yml');
    const parsed = parseConfig(readFileSync(path.join(PROJECT_DIR, 'config/warden.yml'), 'utf8'));
    expect(parsed.ok && parsed.config).toEqual(config);
    const literal = serverlessConfig.esbuildDefineOf(config).WARDEN_EMBEDDED_CONFIG;
    expect(JSON.parse(JSON.parse(literal))).toEqual(config);
  });

  it('writes `$` so osls cannot read a `${` in the config as one of its variables', () => {
    const config = { version: 1, routes: [{ name: 'cost ${self:service} $5', match: { pipelines: ['web-$*'] }, slack: { channels: ['C0PLATFORM1'] } }] };
    const define = serverlessConfig.esbuildDefineOf(config);
    const literal = define.WARDEN_EMBEDDED_CONFIG;
    expect(literal).not.toContain('$');
    // The compiled globs are regular expressions, full of `$` anchors: escaped the same way.
    expect(define.WARDEN_EMBEDDED_GLOBS).not.toContain('$');
    expect(Object.keys(JSON.parse(JSON.parse(define.WARDEN_EMBEDDED_GLOBS)))).toEqual(['web-$*']);
    // esbuild reads the define value as a JS string literal; JSON.parse reads the same escapes.
    expect(JSON.parse(JSON.parse(literal))).toEqual(config);
  });

  it.each([
    ['/pipeline-warden/slack-bot-token', { 'Fn::Sub': 'arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter/pipeline-warden/slack-bot-token' }],
    ['slack-bot-token', { 'Fn::Sub': 'arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter/slack-bot-token' }],
    ['arn:aws:secretsmanager:eu-west-1:123456789012:secret:warden/slack-AbCdEf', 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:warden/slack-AbCdEf'],
    ['secretsmanager:warden/slack', { 'Fn::Sub': 'arn:${AWS::Partition}:secretsmanager:${AWS::Region}:${AWS::AccountId}:secret:warden/slack-??????' }],
    ['arn:aws:ssm:eu-west-1:123456789012:parameter/warden/slack', 'arn:aws:ssm:eu-west-1:123456789012:parameter/warden/slack'],
  ])('token %s → IAM resource %j', (name, resource) => {
    expect(serverlessConfig.tokenResourceOf(name)).toEqual(resource);
  });

  it('lists the topic ARNs the routes name besides `default`, once each', () => {
    const topic = 'arn:aws:sns:eu-west-1:123456789012:team-a';
    const config = {
      routes: [{ email: { topics: ['default', topic] } }, { email: { topics: [topic] } }, { slack: { channels: ['C0PLATFORM1'] } }],
    };
    expect(serverlessConfig.topicArnsOf(config)).toEqual([topic]);
  });
});
