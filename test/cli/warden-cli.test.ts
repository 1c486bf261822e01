/**
 * The `warden` command as a user meets it: help, version, mistakes named, files named, every
 * problem of a config in one pass, and `replay --aws` reading (only reading) from an endpoint.
 */
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(__dirname, '../..');
const BIN = path.join(ROOT, 'bin/warden.cjs');
const ENV = { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };
const warden = (...args: string[]) => {
  const out = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8', env: ENV });
  return { code: out.status, stdout: out.stdout, stderr: out.stderr };
};
const temp = (name: string, text: string) => {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'warden-cli-')), name);
  writeFileSync(file, text);
  return file;
};
const VALID_CONFIG = 'version: 1\nroutes:\n  - slack: { channels: [C0PLATFORM1] }\n';
const SAMPLE = 'events/samples/01-pipeline-build-fails';

describe('warden help and version', () => {
  it.each([['--help'], ['-h'], ['help']])('warden %s prints the commands and their usage on stdout, exit 0', (flag) => {
    const { code, stdout, stderr } = warden(flag);
    expect(code).toBe(0);
    expect(stderr).toBe('');
    expect(stdout).toMatch(/^usage: warden <command> \[options\]/);
    for (const command of ['replay', 'validate', 'policy check', 'redrive', 'member-template']) expect(stdout).toContain(`warden ${command} `);
  });

  it.each([
    ['replay', '--help'],
    ['validate', '-h'],
    ['help', 'replay'],
    ['policy', '--help'],
    ['redrive', '--help'],
  ])("warden %s %s prints that command's usage and options", (a, b) => {
    const { code, stdout } = warden(a, b);
    expect(code).toBe(0);
    const command = a === 'help' ? b : a;
    expect(stdout).toMatch(new RegExp(`^usage: warden ${command} `));
    expect(stdout).toContain('--');
  });

  it('warden --version prints the package version', () => {
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };
    const { code, stdout } = warden('--version');
    expect(code).toBe(0);
    expect(stdout).toBe(`pipeline-warden ${pkg.version}\n`);
  });

  it('names an unknown command on stderr, exit 2', () => {
    const { code, stdout, stderr } = warden('frobnicate');
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toBe(
      'warden: unknown command "frobnicate"; commands: replay, metrics, validate, policy, redrive, member-template\nRun warden --help for usage.\n',
    );
  });

  it('names an option the command does not take', () => {
    const { code, stderr } = warden('validate', '--world', 'x.json');
    expect(code).toBe(2);
    expect(stderr).toMatch(/^warden validate: unknown option --world\nusage: warden validate /);
  });

  it.each([
    [['--advance'], 'warden replay: --advance needs a value: a duration such as 30h, 90m, 2d or 1h30m'],
    [['--advance', '--json', SAMPLE], 'warden replay: --advance needs a value: a duration such as 30h, 90m, 2d or 1h30m'],
    [['--advance', 'tomorrow', SAMPLE], 'warden replay: --advance: not a duration: "tomorrow" (examples: 30h, 90m, 2d, 1h30m)'],
  ])('replay %j says what is wrong with --advance', (args, message) => {
    const { code, stdout, stderr } = warden('replay', '--config', temp('warden.yml', VALID_CONFIG), ...args);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.split('\n')[0]).toBe(message);
  });
});

describe('warden validate', () => {
  it('validates the FILE it is given, and --policy too', () => {
    const file = temp('warden.yml', VALID_CONFIG);
    expect(warden('validate', file)).toMatchObject({ code: 0, stdout: `${file}: valid, 1 route, 1 Slack channel, 0 SNS topics\n` });
    const both = warden('validate', '--config', file, '--policy', 'config/policy.yml');
    expect(both.code).toBe(0);
    expect(both.stdout).toMatch(new RegExp(`^${file}: valid, 1 route.*\nconfig/policy.yml: valid policy, \\d+ rules\n$`));
  });

  it('reports a FILE that is not valid instead of the default config', () => {
    const file = temp('bad.yml', 'version: 1\nroutes:\n  - name: nowhere\n');
    const { code, stdout } = warden('validate', file);
    expect(code).toBe(1);
    expect(stdout).toBe(`${file}: 1 problem\n  routes[0]: has no destination: add slack.channels or email.topics\n`);
  });

  it('reports schema problems and the checks across sections in one pass', () => {
    const text = [
      'version: 2',
      'routes:',
      '  - slack: { channels: ["#deploys"] }',
      'approvals:',
      '  policies:',
      '    - { name: fast, approvers: [S0000001], remindEvery: 1m }',
      '    - { name: typo, approvers: [S0000001], remindEvry: 4h }',
      '    - { name: short, approvers: [S0000001], deadline: 1m }',
      'rollback:',
      '  guards:',
      '    - { name: web, alarms: [web-5xx], pipeline: { name: web, stage: Deploy }, bakeWindow: 10s }',
      '',
    ].join('\n');
    const file = temp('bad.yml', text);
    const { code, stdout } = warden('validate', file);
    expect(code).toBe(1);
    expect(stdout.split('\n')).toEqual([
      `${file}: 6 problems`,
      '  version: must be 1',
      '  routes[0].slack.channels[0]: must be a Slack channel ID such as C0123ABCD (not a #name: chat.update needs the ID)',
      '  approvals.policies[1].remindEvry: unknown key',
      '  approvals.policies[0].remindEvery: at least 15m (reminders more often than that are noise)',
      "  approvals.policies[2].deadline: at least 5m (CodePipeline's shortest approval timeout)",
      '  rollback.guards[0].bakeWindow: at least 1m (alarms need a datapoint or two after a deployment)',
      '',
    ]);
  });

  it('reports an invalid policy with its problems, a missing file by name, and a config given twice', () => {
    const policy = temp('policy.yml', 'version: 1\nrules:\n  - id: prod-aproval\n');
    const bad = warden('validate', temp('warden.yml', VALID_CONFIG), '--policy', policy);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain(`${policy}: 1 problem\n  rules[0].id: unknown rule "prod-aproval"`);
    expect(warden('validate', 'config/nope.yml')).toMatchObject({ code: 1, stdout: 'config/nope.yml: 1 problem\n  cannot read (no such file)\n' });
    expect(warden('validate', '--config', 'a.yml', 'b.yml')).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('warden validate: one config file at a time (got a.yml, b.yml)'),
    });
  });
});

describe('warden replay: files named', () => {
  const config = () => temp('warden.yml', VALID_CONFIG);

  it('validates --world like the config: unknown keys and wrong types, with the file name and path', () => {
    const world = temp(
      'my.world.json',
      JSON.stringify({
        pipelinez: {},
        logs: { '/aws/codebuild/app': { s: 'one line' } },
        approvals: { 'p/s/a': { parallel: 'yes' } },
        rollback: { rollbackTakes: 'soon' },
      }),
    );
    const { code, stdout, stderr } = warden('replay', '--config', config(), '--world', world, SAMPLE);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    const lines = stderr.split('\n');
    expect(lines).toContain(`warden replay: ${world}: pipelinez: unknown key`);
    expect(lines).toContain(`warden replay: ${world}: logs["/aws/codebuild/app"].s: Invalid input: expected array, received string`);
    expect(lines).toContain(`warden replay: ${world}: approvals["p/s/a"].parallel: Invalid input: expected boolean, received string`);
    expect(lines).toContain(`warden replay: ${world}: rollback.rollbackTakes: must be a duration such as 5m`);
  });

  it('names a world file that is not JSON, and an event file that does not exist', () => {
    const world = temp('broken.world.json', '{ "logs": ');
    const { code, stderr } = warden('replay', '--config', config(), '--world', world, 'events/nope.json', SAMPLE);
    expect(code).toBe(2);
    expect(stderr).toMatch(new RegExp(`^warden replay: ${world}: not JSON: .+\nwarden replay: events/nope.json: no such event file or folder\n`));
  });

  it('names an event file with malformed JSON in its error line', () => {
    const file = temp('event.json', '{oops');
    const { code, stdout } = warden('replay', '--config', config(), '--json', file);
    expect(code).toBe(1);
    expect(JSON.parse(stdout.trim())).toEqual({ event: file, error: expect.stringMatching(/^not JSON: /) });
  });
});

describe('warden replay --aws', () => {
  it('loads its AWS modules and only reads from the account (an endpoint that records what is asked)', async () => {
    const targets: string[] = [];
    const server = createServer((req, res) => {
      targets.push(String(req.headers['x-amz-target'] ?? `${req.method} ${req.url}`));
      req.resume();
      res
        .writeHead(400, { 'content-type': 'application/x-amz-json-1.1' })
        .end(JSON.stringify({ __type: 'ResourceNotFoundException', message: 'nothing here' }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const env = {
      ...ENV,
      AWS_ENDPOINT_URL: `http://127.0.0.1:${port}`,
      AWS_ACCESS_KEY_ID: 'x',
      AWS_SECRET_ACCESS_KEY: 'x',
      AWS_REGION: 'us-east-1',
      AWS_MAX_ATTEMPTS: '1',
    };
    const run = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(
        process.execPath,
        [BIN, 'replay', '--aws', '--json', '--config', temp('warden.yml', VALID_CONFIG), SAMPLE],
        { cwd: ROOT, env },
        (error, stdout, stderr) => resolve({ code: error ? Number(error.code) : 0, stdout, stderr }),
      );
    });
    server.close();
    expect(run.stderr).not.toContain('Cannot find module');
    expect(run.code).toBe(0);
    const calls = run.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { call: string });
    expect(calls.map((c) => c.call)).toContain('logs.getLogEvents');
    expect(targets.length).toBeGreaterThan(0);
    expect(new Set(targets)).toEqual(new Set(['Logs_20140328.GetLogEvents']));
  }, 60_000);
});
