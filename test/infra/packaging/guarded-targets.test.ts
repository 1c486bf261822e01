/**
 * One answer to "what do the rollback guards guard": the IAM resources packaging grants the rollback
 * functions and the stages governance counts as guarded (the production-alarm rule) are both
 * `guardedStages` / `guardedDeploymentGroups` (functions/kernel/config/rollback.ts). Read back from
 * their outputs, for guards of every shape: pipeline only, CodeDeploy only, both.
 */
import { describe, expect, it } from 'vitest';
import { evaluationContext } from '../../../functions/governance/app/reconcile';
import { evaluatePolicy } from '../../../functions/governance/domain/evaluate';
import { parseConfig } from '../../../functions/kernel/config/parse';
import { guardedDeploymentGroups, guardedStages } from '../../../functions/kernel/config/rollback';
import type { Sub } from '../../../infra/packaging/iam';
import { rollbackResourcesOf } from '../../../infra/packaging/rollback';
import { fixturePipeline, governancePolicy, governanceWorld } from '../../support/governance';

const parsed = parseConfig(`version: 1
routes:
  - slack: { channels: [C0PLATFORM1] }
rollback:
  guards:
    - name: web-prod          # pipeline only
      alarms: [web-5xx]
      pipeline: { name: web, stage: Prod }
    - name: web-beta          # pipeline only, another stage of the same pipeline
      alarms: [web-beta-*]
      pipeline: { name: web, stage: Beta }
    - name: api               # CodeDeploy only: no pipeline stage is guarded by it
      alarms: [api-*]
      codedeploy: { application: api, deploymentGroup: prod }
    - name: shop              # both
      alarms: [shop-*]
      codedeploy: { application: shop, deploymentGroup: shop-prod }
      pipeline: { name: shop, stage: Prod }
`);
if (!parsed.ok) throw new Error(parsed.problems.join('\n'));
const config = parsed.config;

const stageKeys = () => new Set(guardedStages(config).map((s) => `${s.pipeline}/${s.stage}`));

/** The resource part of `Fn::Sub` ARNs after `prefix` (`…:codepipeline:<region>:<account>:` → `web/Prod`). */
const suffixes = (resources: readonly Sub[], prefix: RegExp) =>
  new Set(
    resources.map((r) => {
      const match = prefix.exec(r['Fn::Sub']);
      if (!match) throw new Error(`unexpected resource ${r['Fn::Sub']}`);
      return r['Fn::Sub'].slice(match[0].length);
    }),
  );

describe('what the rollback guards guard, read once', () => {
  it('guardedStages and guardedDeploymentGroups list each guard’s targets (the anchor of the checks below)', () => {
    expect(guardedStages(config)).toEqual([
      { pipeline: 'web', stage: 'Prod' },
      { pipeline: 'web', stage: 'Beta' },
      { pipeline: 'shop', stage: 'Prod' },
    ]);
    expect(guardedDeploymentGroups(config)).toEqual([
      { application: 'api', deploymentGroup: 'prod' },
      { application: 'shop', deploymentGroup: 'shop-prod' },
    ]);
  });

  it('packaging grants the rollback functions exactly the guarded pipelines, stages, deployment groups and applications', () => {
    const resources = rollbackResourcesOf(config);
    const stages = guardedStages(config);
    const groups = guardedDeploymentGroups(config);
    expect(suffixes(resources.pipelines, /^arn:\$\{AWS::Partition\}:codepipeline:\$\{AWS::Region\}:\$\{AWS::AccountId\}:/)).toEqual(
      new Set([...stages.map((s) => s.pipeline), ...stageKeys()]),
    );
    expect(suffixes(resources.deploymentGroups, /^arn:\$\{AWS::Partition\}:codedeploy:\$\{AWS::Region\}:\$\{AWS::AccountId\}:deploymentgroup:/)).toEqual(
      new Set(groups.map((g) => `${g.application}/${g.deploymentGroup}`)),
    );
    expect(suffixes(resources.applications, /^arn:\$\{AWS::Partition\}:codedeploy:\$\{AWS::Region\}:\$\{AWS::AccountId\}:application:/)).toEqual(
      new Set(groups.map((g) => g.application)),
    );
  });

  it('governance counts exactly the guarded stages as guarded by rollback', () => {
    const w = governanceWorld({ config, policy: governancePolicy('- id: production-alarm'), pipelines: [], now: '2026-11-23T10:00:00Z' });
    const context = evaluationContext(w.deps);
    // Every pairing of the names the config uses, so a CodeDeploy name taken for a pipeline would show.
    const names = ['web', 'shop', 'api', 'prod', 'shop-prod', 'Prod', 'Beta', 'Deploy'];
    const guarded = stageKeys();
    for (const pipeline of names) {
      for (const stage of names) {
        expect(context.isGuardedByRollback?.(pipeline, stage), `${pipeline}/${stage}`).toBe(guarded.has(`${pipeline}/${stage}`));
      }
    }
  });

  it('the production-alarm rule flags the production stages no guard names (the CodeDeploy-only guard guards no stage)', () => {
    const policy = governancePolicy('- id: production-alarm');
    const pipelines = ['web', 'shop', 'api'].map((name) => fixturePipeline('MyFirstPipeline.json', name));
    const w = governanceWorld({ config, policy, pipelines, now: '2026-11-23T10:00:00Z' });
    const violations = evaluatePolicy({ pipelines }, policy, evaluationContext(w.deps));
    const guarded = stageKeys();
    const unguardedProduction = pipelines.flatMap((p) => (guarded.has(`${p.name}/Prod`) ? [] : [`${p.name}/Prod`]));
    expect(violations.map((v) => `${v.resource.name}/${v.stage}`)).toEqual(unguardedProduction);
    expect(unguardedProduction).toEqual(['api/Prod']);
  });
});
