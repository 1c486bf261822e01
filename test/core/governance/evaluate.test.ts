/** evaluatePolicy around the rules: scope, enabled, severity and mode, custom rules, errors; protectedStages. */
import { describe, expect, it } from 'vitest';
import { customRules, noGithubV1Source } from '../../../config/custom-rules';
import { defineRule } from '../../../functions/governance/domain/custom';
import { PolicyError } from '../../../functions/governance/domain/errors';
import { evaluatePolicy, protectedStages } from '../../../functions/governance/domain/evaluate';
import { DEFAULT_PRODUCTION_STAGES } from '../../../functions/kernel/config/production-stages';
import { fixture, packageSubject, pipeline, policyOf } from './support';

const ALL = {
  pipelines: [pipeline('payments-api'), pipeline('MyFirstPipeline'), pipeline('orders-service')],
  projects: fixture('projects/batch-get-projects.json').projects,
  packages: [packageSubject('acme-payments-client'), packageSubject('acme-ui-kit'), packageSubject('lodash')],
};
const names = (rules: unknown[], extra = {}) => evaluatePolicy(ALL, policyOf(rules, extra)).map((v) => `${v.ruleId} ${v.resource.kind}:${v.resource.name}`);

describe('evaluatePolicy', () => {
  it('returns violations with the rule’s id, check, severity and mode, in policy order then resource order', () => {
    const violations = evaluatePolicy(
      ALL,
      policyOf([
        { id: 'pipeline-type-v2', severity: 'info' },
        { id: 'prod-gate', rule: 'production-approval', mode: 'enforce' },
      ]),
    );
    expect(violations).toEqual([
      {
        ruleId: 'pipeline-type-v2',
        rule: 'pipeline-type-v2',
        severity: 'info',
        mode: 'report',
        resource: { kind: 'pipeline', name: 'MyFirstPipeline' },
        message: expect.stringMatching(/^pipeline type is V1/),
      },
      {
        ruleId: 'prod-gate',
        rule: 'production-approval',
        severity: 'error',
        mode: 'enforce',
        resource: { kind: 'pipeline', name: 'MyFirstPipeline' },
        stage: 'Prod',
        message: expect.stringMatching(/^production stage Prod: /),
      },
    ]);
  });

  it.each<[string, Record<string, unknown>, string[]]>([
    ['no scope: every pipeline', {}, ['production-alarm pipeline:MyFirstPipeline', 'production-alarm pipeline:orders-service']],
    ['pipeline globs', { pipelines: ['orders-*', 'payments-*'] }, ['production-alarm pipeline:orders-service']],
    ['exclude', { exclude: { pipelines: ['My*'] } }, ['production-alarm pipeline:orders-service']],
  ])('scopes pipeline rules: %s', (_name, scope, expected) => {
    expect(names([{ id: 'production-alarm', scope, params: { conditions: ['onSuccess'] } }])).toEqual(expected);
  });

  it.each<[string, Record<string, unknown>, string[]]>([
    ['no scope', {}, ['internal-packages package:acme/internal @acme/payments-client', 'internal-packages package:acme/internal lodash']],
    ['a repository', { repositories: ['public-mirror'] }, []],
    ['namespaces (a package without one is out)', { namespaces: ['@acme'] }, ['internal-packages package:acme/internal @acme/payments-client']],
    ['packages by name', { packages: ['lodash'] }, ['internal-packages package:acme/internal lodash']],
    ['exclude on all of its keys only', { exclude: { domains: ['acme'], packages: ['payments-*'] } }, ['internal-packages package:acme/internal lodash']],
  ])('scopes package rules: %s', (_name, scope, expected) => {
    expect(names([{ id: 'internal-packages', rule: 'codeartifact-upstream-blocked', scope, params: { namespaces: ['acme'], names: ['lodash'] } }])).toEqual(
      expected,
    );
  });

  it('scopes project rules by project name, and skips disabled rules', () => {
    expect(
      names([
        { id: 'codebuild-logging', scope: { projects: ['legacy-*'] } },
        { id: 'codebuild-privileged-mode', enabled: false },
      ]),
    ).toEqual(['codebuild-logging project:legacy-deploy-scripts']);
    expect(names([{ id: 'codebuild-logging', scope: { projects: ['payments-*'] } }])).toEqual([]);
  });

  it('runs a registered custom rule like a built-in one', () => {
    const policy = policyOf([{ id: 'no-github-v1-source', severity: 'warning', mode: 'enforce' }], {}, { customRules });
    expect(evaluatePolicy(ALL, policy, { customRules })).toEqual([
      {
        ruleId: 'no-github-v1-source',
        rule: 'no-github-v1-source',
        severity: 'warning',
        mode: 'enforce',
        resource: { kind: 'pipeline', name: 'orders-service' },
        stage: 'Source',
        message:
          'source action GitHub in stage Source uses GitHub (version 1) with an OAuth token; replace it with a CodeStarSourceConnection action (provider CodeStarSourceConnection) and a CodeConnections connection',
      },
    ]);
    expect(
      noGithubV1Source.check(pipeline('payments-api'), undefined, {
        isProductionStage: () => false,
        isGuardedByRollback: () => false,
        glob: () => () => false,
      }),
    ).toEqual([]);
  });

  it('gives custom rules the config’s production stages and the rollback mapping', () => {
    const seen: string[] = [];
    const probe = defineRule({
      id: 'probe',
      kind: 'pipeline',
      description: 'records what it is told',
      check(p, _params, helpers) {
        for (const s of p.stages) seen.push(`${s.name}:${helpers.isProductionStage(s.name)}:${helpers.isGuardedByRollback(p.name, s.name)}`);
        return [];
      },
    });
    const context = { customRules: [probe], productionStages: ['Beta'], isGuardedByRollback: (_p: string, s: string) => s === 'Beta' };
    evaluatePolicy({ pipelines: [pipeline('MyFirstPipeline')] }, policyOf([{ id: 'probe' }], {}, context), context);
    expect(seen).toEqual(['Source:false:false', 'Beta:true:true', 'Prod:false:false']);
  });

  it('throws a PolicyError for a rule the registry does not hold, naming it', () => {
    const policy = policyOf([{ id: 'no-github-v1-source' }], {}, { customRules });
    expect(() => evaluatePolicy(ALL, policy)).toThrow(
      new PolicyError('rule no-github-v1-source: unknown rule "no-github-v1-source" (is the custom rule registered?)'),
    );
  });

  it('throws a PolicyError naming the rule and the resource when a custom rule throws', () => {
    const broken = defineRule({
      id: 'broken',
      kind: 'project',
      description: 'throws',
      check: () => {
        throw new TypeError('oops');
      },
    });
    const context = { customRules: [broken] };
    expect(() => evaluatePolicy(ALL, policyOf([{ id: 'broken' }], {}, context), context)).toThrow(
      'rule broken (broken) failed on codebuild-demo-project2: oops',
    );
  });

  it('throws a PolicyError for a hand-made policy with bad parameters', () => {
    const policy = policyOf([{ id: 'approval-timeout' }]);
    const bad = { ...policy, rules: policy.rules.map((r) => ({ ...r, params: { max: 'forever' } })) };
    expect(() => evaluatePolicy(ALL, bad)).toThrow(PolicyError);
  });
});

describe('protectedStages', () => {
  it.each<[string, string, readonly string[], string[]]>([
    ['payments-api', 'payments-api', DEFAULT_PRODUCTION_STAGES, ['Production']],
    ['the AWS CLI example', 'MyFirstPipeline', DEFAULT_PRODUCTION_STAGES, ['Prod']],
    ['a region-suffixed stage', 'orders-service', DEFAULT_PRODUCTION_STAGES, ['Prod-eu-west-1']],
    ['the config’s own stage names', 'MyFirstPipeline', ['Beta', 'Prod'], ['Beta', 'Prod']],
    ['no stage matches', 'payments-api', ['Live*'], []],
  ])('%s', (_name, file, productionStages, expected) => {
    expect(protectedStages(pipeline(file), productionStages)).toEqual(expected);
  });
});
