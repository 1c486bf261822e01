import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, warden } from '../support/warden-cli';

const FIXTURES = 'test/fixtures/governance';
const tempDir = () => mkdtempSync(path.join(tmpdir(), 'warden-policy-'));
const write = (dir: string, name: string, text: string) => {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
};

describe('warden policy check', () => {
  it('prints the violations per resource, worst first, a summary, and exits 1 on an error', () => {
    const { code, stdout, stderr } = warden('policy', 'check', FIXTURES);
    expect(stderr).toBe('');
    expect(code).toBe(1);
    const headers = stdout.split('\n').filter((line) => /^(pipeline|project|package) /.test(line));
    expect(headers).toEqual([
      `package acme/internal @acme/payments-client (${FIXTURES}/packages/acme-payments-client.json)`,
      `pipeline MyFirstPipeline (${FIXTURES}/pipelines/MyFirstPipeline.json)`,
      `project codebuild-demo-project2 (${FIXTURES}/projects/batch-get-projects.json)`,
      `project legacy-deploy-scripts (${FIXTURES}/projects/batch-get-projects.json)`,
      `pipeline orders-service (${FIXTURES}/pipelines/orders-service.json)`,
    ]);
    // Severity first inside a resource.
    const myFirst = stdout.split('\n\n').find((block) => block.startsWith('pipeline MyFirstPipeline'));
    expect(
      myFirst
        ?.split('\n')
        .slice(1)
        .map((line) => line.split(':')[0]),
    ).toEqual(['  error   production-approval', '  warning production-alarm', '  warning artifact-encryption', '  info    pipeline-type-v2']);
    expect(stdout).toContain(
      '  error   codebuild-plaintext-secrets: environment variable AWS_ACCESS_KEY_ID is PLAINTEXT and its value looks like an AWS access key id (AKIA****************); store it in Secrets Manager',
    );
    expect(stdout.endsWith('10 resources checked, 5 with violations: 12 violations (6 errors, 5 warnings, 1 info)\n')).toBe(true);
    for (const secret of ['AKIAIOSFODNN7EXAMPLE', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', 'XXXXXXXXXXXXXXXXXXXXXXXX']) expect(stdout).not.toContain(secret);
  });

  it('--json: one object per violation and a summary line', () => {
    const { code, stdout } = warden('policy', 'check', '--json', `${FIXTURES}/pipelines/MyFirstPipeline.json`, `${FIXTURES}/packages`);
    expect(code).toBe(1);
    const lines = stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines).toEqual([
      expect.objectContaining({
        file: `${FIXTURES}/pipelines/MyFirstPipeline.json`,
        ruleId: 'production-approval',
        rule: 'production-approval',
        severity: 'error',
        mode: 'report',
        resource: { kind: 'pipeline', name: 'MyFirstPipeline' },
        stage: 'Prod',
      }),
      expect.objectContaining({ ruleId: 'production-alarm', severity: 'warning', stage: 'Prod' }),
      expect.objectContaining({ ruleId: 'pipeline-type-v2', severity: 'info' }),
      expect.objectContaining({ ruleId: 'artifact-encryption', severity: 'warning' }),
      expect.objectContaining({
        file: `${FIXTURES}/packages/acme-payments-client.json`,
        ruleId: 'codeartifact-upstream-blocked',
        resource: { kind: 'package', name: 'acme/internal @acme/payments-client' },
      }),
      { summary: { resources: 4, violating: 2, violations: 5, errors: 2, warnings: 2, info: 1 } },
    ]);
    expect(lines.slice(0, -1).every((line) => typeof line['message'] === 'string')).toBe(true);
  });

  it("--config: production stages are the config's one list, as in the deployed stack", () => {
    const dir = tempDir();
    const config = write(dir, 'warden.yml', 'version: 1\nproductionStages: ["release"]\nroutes:\n  - slack: { channels: [C0PLATFORM1] }\n');
    const withDefault = warden('policy', 'check', '--json', `${FIXTURES}/pipelines/MyFirstPipeline.json`);
    const withConfig = warden('policy', 'check', '--json', '--config', config, `${FIXTURES}/pipelines/MyFirstPipeline.json`);
    expect(withDefault.stdout).toContain('"ruleId":"production-approval"');
    expect(withConfig.stderr).toBe('');
    expect(withConfig.stdout).not.toContain('"ruleId":"production-approval"');
  });

  it('exits 0 when nothing is wrong', () => {
    const { code, stdout } = warden('policy', 'check', `${FIXTURES}/pipelines/payments-api.json`, `${FIXTURES}/packages/acme-ui-kit.json`);
    expect(code).toBe(0);
    expect(stdout).toBe('2 resources checked: no violations\n');
  });

  it('exits 0 when the violations are warnings only', () => {
    const { code, stdout } = warden('policy', 'check', `${FIXTURES}/pipelines/orders-service.json`);
    expect(code).toBe(0);
    expect(stdout).toContain('  warning approval-timeout: approval action ReleaseManager in stage ApproveRelease waits up to 7d');
    expect(stdout.endsWith('1 resource checked, 1 with violations: 2 violations (0 errors, 2 warnings, 0 info)\n')).toBe(true);
  });

  it('runs a custom rule from --rules and a policy of one’s own', () => {
    const dir = tempDir();
    const rules = write(
      dir,
      'rules.ts',
      `import { defineRule } from ${JSON.stringify(path.join(ROOT, 'functions/governance/domain/custom'))};
export const customRules = [
  defineRule({ id: 'max-three-stages', kind: 'pipeline', description: 'Short pipelines.', check: (p) => (p.stages.length > 3 ? [{ message: \`\${p.stages.length} stages, more than 3\` }] : []) }),
];\n`,
    );
    const policy = write(
      dir,
      'policy.yml',
      'version: 1\nrules:\n  - id: max-three-stages\n    severity: error\n    mode: enforce\n    scope: { pipelines: ["*-service", "payments-*"] }\n',
    );
    const { code, stdout, stderr } = warden('policy', 'check', '--policy', policy, '--rules', rules, `${FIXTURES}/pipelines`);
    expect(stderr).toBe('');
    expect(code).toBe(1);
    expect(stdout).toBe(
      [
        `pipeline orders-service (${FIXTURES}/pipelines/orders-service.json)`,
        '  error   max-three-stages [enforce]: 4 stages, more than 3',
        '',
        `pipeline payments-api (${FIXTURES}/pipelines/payments-api.json)`,
        '  error   max-three-stages [enforce]: 4 stages, more than 3',
        '',
        '3 resources checked, 2 with violations: 2 violations (2 errors, 0 warnings, 0 info)',
        '',
      ].join('\n'),
    );
  });

  it('takes a stage the config’s rollback guards as guarded by an alarm (--config)', () => {
    const dir = tempDir();
    const policy = write(dir, 'policy.yml', 'version: 1\nrules:\n  - id: production-alarm\n');
    const config = write(
      dir,
      'warden.yml',
      'version: 1\nroutes:\n  - slack: { channels: [C0PLATFORM1] }\nrollback:\n  guards:\n    - name: demo-prod\n      alarms: [demo-5xx]\n      pipeline: { name: MyFirstPipeline, stage: Prod }\n',
    );
    const unguarded = warden('policy', 'check', '--policy', policy, `${FIXTURES}/pipelines/MyFirstPipeline.json`);
    expect(unguarded.code).toBe(1);
    expect(unguarded.stdout).toContain('  error   production-alarm: production stage Prod is not guarded by an alarm');
    const guarded = warden('policy', 'check', '--policy', policy, '--config', config, `${FIXTURES}/pipelines/MyFirstPipeline.json`);
    expect(guarded.stderr).toBe('');
    expect(guarded.code).toBe(0);
    expect(guarded.stdout).toBe('1 resource checked: no violations\n');
  });

  it.each<[string, () => string[], RegExp[]]>([
    ['no definitions', () => ['policy', 'check'], [/^usage: warden policy check /]],
    ['an unknown subcommand', () => ['policy', 'lint', `${FIXTURES}/pipelines`], [/^usage: warden policy check /]],
    [
      'an invalid policy, every problem with its path',
      () => [
        'policy',
        'check',
        '--policy',
        write(
          tempDir(),
          'policy.yml',
          'version: 1\nrules:\n  - id: production-approval\n    scope: { pipelines: [] }\n  - id: codebuild-logging\n    mode: enforce\n',
        ),
        FIXTURES,
      ],
      [/policy\.yml: invalid policy, 2 problems$/, /^ {2}rules\[0\]\.scope\.pipelines: list is empty/, /^ {2}rules\[1\]\.mode: enforce acts on pipelines only/],
    ],
    [
      'a policy with production stages of its own (they moved to the config)',
      () => [
        'policy',
        'check',
        '--policy',
        write(tempDir(), 'policy.yml', 'version: 1\nproductionStages: ["Prod*"]\nrules:\n  - id: production-approval\n'),
        FIXTURES,
      ],
      [
        /policy\.yml: invalid policy, 1 problem$/,
        /^ {2}productionStages: moved to the config: productionStages in config\/warden\.yml \(top level\) is the one list .*--config FILE/,
      ],
    ],
    [
      'a policy file that is missing',
      () => ['policy', 'check', '--policy', 'config/nope.yml', FIXTURES],
      [/^config\/nope\.yml: cannot read the policy file \(ENOENT\)$/],
    ],
    [
      'a definition file that is missing',
      () => ['policy', 'check', `${FIXTURES}/pipelines/nope.json`],
      [/^test\/fixtures\/governance\/pipelines\/nope\.json: cannot read the definition file \(ENOENT\)$/],
    ],
    ['a folder without definitions', () => ['policy', 'check', tempDir()], [/warden-policy-\w+: no \*\.json definition files in this folder$/]],
    ['a file that is not JSON', () => ['policy', 'check', write(tempDir(), 'broken.json', '{"pipeline": ')], [/broken\.json: not JSON/]],
    [
      'a file that is no definition',
      () => [
        'policy',
        'check',
        `${FIXTURES}/pipelines/payments-api.json`,
        write(tempDir(), 'event.json', JSON.stringify({ 'detail-type': 'CodePipeline Pipeline Execution State Change', detail: {} })),
      ],
      [/event\.json: unrecognized definition$/, /^ {2}not a definition: expected the output of aws codepipeline get-pipeline/],
    ],
    [
      'a config named but missing',
      () => ['policy', 'check', '--config', 'config/nope.yml', FIXTURES],
      [/^config\/nope\.yml: invalid config$/, /^ {2}config\/nope\.yml: cannot read/],
    ],
    [
      'a rules file without rules',
      () => ['policy', 'check', '--rules', write(tempDir(), 'rules.ts', 'export const customRules = [{ id: "x" }];\n'), FIXTURES],
      [/rules\.ts: customRules\[0\] is not a rule: use defineRule/],
    ],
    ['an unknown option', () => ['policy', 'check', '--strict', FIXTURES], [/^warden policy: unknown option --strict$/]],
  ])('exits 2 on %s, saying why', (_name, args, expected) => {
    const { code, stdout, stderr } = warden(...args());
    expect(code).toBe(2);
    expect(stdout).toBe('');
    const lines = stderr.trim().split('\n');
    for (const pattern of expected)
      expect(
        lines.some((line) => pattern.test(line)),
        `${pattern} in:\n${stderr}`,
      ).toBe(true);
  });
});
