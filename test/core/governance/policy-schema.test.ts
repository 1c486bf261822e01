/** The policy file: the shipped one is valid, every problem has its path, defaults are filled in. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { customRules } from '../../../config/custom-rules';
import { defineRule } from '../../../functions/governance/domain/custom';
import { parsePolicy, validatePolicy } from '../../../functions/governance/domain/policy-schema';
import * as z from '../../../functions/kernel/zod';

const SHIPPED = readFileSync(path.resolve(__dirname, '../../../config/policy.yml'), 'utf8');
const problemsOf = (text: string, options = {}) => {
  const result = parsePolicy(text, options);
  return result.ok ? [] : result.problems;
};

describe('config/policy.yml', () => {
  it('is valid with the registered custom rules, every built-in rule listed', () => {
    const result = parsePolicy(SHIPPED, { customRules });
    expect(result.ok && result.policy.rules.map((r) => `${r.id} ${r.severity} ${r.mode}${r.enabled ? '' : ' (disabled)'}`)).toEqual([
      'production-approval error report',
      'approval-timeout warning report',
      'production-alarm warning report',
      'pipeline-type-v2 info report',
      'artifact-encryption warning report',
      'codebuild-privileged-mode error report',
      'codebuild-plaintext-secrets error report',
      'codebuild-logging warning report',
      'codeartifact-upstream-blocked error report',
      'no-github-v1-source warning report (disabled)',
    ]);
  });

  it('names a custom rule, so it needs config/custom-rules.ts', () => {
    expect(problemsOf(SHIPPED)).toEqual([
      expect.stringMatching(
        /^rules\[9\]\.id: unknown rule "no-github-v1-source"; built-in rules: production-approval, .*; no custom rules are registered \(config\/custom-rules\.ts\)$/,
      ),
    ]);
  });
});

describe('parsePolicy', () => {
  it('fills in the defaults, the rule parameters included', () => {
    const result = parsePolicy(
      'version: 1\nrules:\n  - id: approval-timeout\n  - id: payments-timeout\n    rule: approval-timeout\n    params: { max: 12h }\n    scope: { pipelines: ["payments-*"] }',
    );
    expect(result).toEqual({
      ok: true,
      policy: {
        version: 1,
        rules: [
          {
            id: 'approval-timeout',
            rule: 'approval-timeout',
            enabled: true,
            severity: 'error',
            mode: 'report',
            scope: {},
            params: { max: '3d', productionOnly: false },
          },
          {
            id: 'payments-timeout',
            rule: 'approval-timeout',
            enabled: true,
            severity: 'error',
            mode: 'report',
            scope: { pipelines: ['payments-*'] },
            params: { max: '12h', productionOnly: false },
          },
        ],
      },
    });
  });

  it.each([
    [
      'an empty scope list',
      '  - id: production-approval\n    scope: { pipelines: [] }',
      ['rules[0].scope.pipelines: list is empty; omit the key to match any'],
    ],
    [
      'an unknown key, at its path',
      '  - id: production-approval\n    scope: { pipeline: [x] }\n    severty: error',
      ['rules[0].scope.pipeline: unknown key', 'rules[0].severty: unknown key'],
    ],
    [
      'a bad severity and mode',
      '  - id: production-approval\n    severity: fatal\n    mode: block',
      [expect.stringMatching(/^rules\[0\]\.severity: .*"error"\|"warning"\|"info"/), expect.stringMatching(/^rules\[0\]\.mode: .*"report"\|"enforce"/)],
    ],
    [
      'a misspelt rule',
      '  - id: production-aproval',
      [expect.stringMatching(/^rules\[0\]\.id: unknown rule "production-aproval"; built-in rules: production-approval, approval-timeout, /)],
    ],
    ['an unknown check under rule:', '  - id: my-check\n    rule: nope', [expect.stringMatching(/^rules\[0\]\.rule: unknown rule "nope"/)]],
    [
      'a duplicate id',
      '  - id: codebuild-logging\n  - id: codebuild-logging',
      ['rules[1].id: "codebuild-logging" is already the id of rules[0]; give each rule its own id (and set rule: to run the same check twice)'],
    ],
    ['an id with capitals', '  - id: ProdApproval', ['rules[0].id: must be lower case letters, digits and dashes, e.g. prod-approval']],
    [
      'a bad parameter',
      '  - id: approval-timeout\n    params: { max: soon, productionOnly: yes-please }',
      ['rules[0].params.max: must be a duration such as 4h, 1d or 2d12h', expect.stringMatching(/^rules\[0\]\.params\.productionOnly: /)],
    ],
    [
      'a limit CodePipeline cannot have',
      '  - id: approval-timeout\n    params: { max: 90d }',
      ['rules[0].params.max: must be between 5m and 60d (what CodePipeline accepts)'],
    ],
    ['an unknown parameter', '  - id: codebuild-privileged-mode\n    params: { allowed: [x] }', ['rules[0].params.allowed: unknown key']],
    [
      'parameters for a rule that takes none',
      '  - id: pipeline-type-v2\n    params: { strict: true }',
      ['rules[0].params: pipeline-type-v2 takes no parameters'],
    ],
    ['a required parameter', '  - id: codeartifact-upstream-blocked', ['rules[0].params: required']],
    [
      'a rule-level check on parameters',
      '  - id: codeartifact-upstream-blocked\n    params: {}',
      ['rules[0].params: name the internal packages: params.namespaces (e.g. acme for @acme/*) and/or params.names (e.g. acme-*)'],
    ],
    [
      'a scope of the wrong kind',
      '  - id: codebuild-logging\n    scope: { pipelines: [web-*], exclude: { domains: [x] } }',
      [
        'rules[0].scope.pipelines: codebuild-logging checks projects; scope it with projects',
        'rules[0].scope.exclude.domains: codebuild-logging checks projects; scope it with projects',
      ],
    ],
    [
      'every rule’s problems at once',
      '  - id: production-approval\n    scope: { pipelines: [] }\n  - id: codebuild-logging\n    mode: enforce\n  - id: nope',
      [
        'rules[0].scope.pipelines: list is empty; omit the key to match any',
        expect.stringMatching(/^rules\[1\]\.mode: enforce acts on pipelines only/),
        expect.stringMatching(/^rules\[2\]\.id: unknown rule "nope"/),
      ],
    ],
    [
      'enforce on a project rule',
      '  - id: codebuild-logging\n    mode: enforce',
      ['rules[0].mode: enforce acts on pipelines only (it disables the transitions into production stages); codebuild-logging checks projects, so use report'],
    ],
  ])('reports %s', (_name, rules, expected) => {
    expect(problemsOf(`version: 1\nrules:\n${rules}\n`)).toEqual(expected);
  });

  it.each([
    ['no rules', 'version: 1\nrules: []', ['rules: at least one rule']],
    ['a wrong version, no rules key', 'version: 2', ['version: must be 1', 'rules: required']],
    [
      'production stages of its own (the config holds the one list)',
      'version: 1\nproductionStages: ["Prod*"]\nrules: [{ id: pipeline-type-v2 }]',
      [
        'productionStages: moved to the config: productionStages in config/warden.yml (top level) is the one list approvals, governance and rollback share (warden policy check reads it with --config FILE); delete it here',
      ],
    ],
    ['YAML that does not parse', 'version: 1\nrules: [', [expect.stringMatching(/^yaml: /)]],
  ])('reports %s', (_name, text, expected) => {
    expect(problemsOf(text)).toEqual(expected);
  });

  it('validates a custom rule’s parameters with its own schema', () => {
    const maxStages = defineRule({
      id: 'max-stages',
      kind: 'pipeline',
      description: 'At most `max` stages.',
      params: z.strictObject({ max: z.int().check(z.minimum(1)) }),
      check: (pipeline, params) => (pipeline.stages.length > params.max ? [{ message: `${pipeline.stages.length} stages` }] : []),
    });
    expect(problemsOf('version: 1\nrules:\n  - id: max-stages\n    params: { max: 0 }', { customRules: [maxStages] })).toEqual([
      expect.stringMatching(/^rules\[0\]\.params\.max: /),
    ]);
    expect(problemsOf('version: 1\nrules:\n  - id: max-stages\n    params: { max: 5 }', { customRules: [maxStages] })).toEqual([]);
  });

  it('refuses custom rules that clash with a built-in or each other, or have a bad id', () => {
    const rule = (id: string) => defineRule({ id, kind: 'project', description: 'x', check: () => [] });
    expect(
      problemsOf('version: 1\nrules: [{ id: codebuild-logging }]', { customRules: [rule('codebuild-logging'), rule('mine'), rule('mine'), rule('My Rule')] }),
    ).toEqual([
      'custom rule codebuild-logging: a built-in rule has this id; rename the custom rule',
      'custom rule mine: registered twice',
      'custom rule "My Rule": an id is lower case letters, digits and dashes',
    ]);
  });
});

describe('validatePolicy', () => {
  it('accepts its own output again (the Lambda re-checks the policy embedded at package time)', () => {
    const first = parsePolicy(SHIPPED, { customRules });
    if (!first.ok) throw new Error(first.problems.join('\n'));
    const embedded: unknown = JSON.parse(JSON.stringify(first.policy));
    expect(validatePolicy(embedded, { customRules })).toEqual(first);
  });

  it('reports problems of an object with their paths', () => {
    expect(validatePolicy({ version: 1, rules: [{ id: 'production-approval', scope: { pipelines: [''] } }] })).toEqual({
      ok: false,
      problems: ['rules[0].scope.pipelines[0]: empty pattern'],
    });
  });
});
