/**
 * Regression (issue 9): the config's one `productionStages` decides for approvals and governance
 * alike. A `Live` stage deploying without an approval was production to the approval checks but
 * not to the policy; now both read the same list, and enforcement closes the stage it names.
 */
import { describe, expect, it } from 'vitest';
import { evaluationContext } from '../../../functions/governance/app/reconcile';
import { runGovernance } from '../../../functions/governance/app/run';
import type { PipelineDefinition } from '../../../functions/governance/domain/definitions';
import { evaluatePolicy } from '../../../functions/governance/domain/evaluate';
import { governanceTrigger } from '../../../functions/governance/domain/trigger';
import { parseConfig } from '../../../functions/kernel/config/parse';
import { fixturePipeline, governancePolicy, governanceWorld } from '../../support/governance';

const ENFORCED = governancePolicy('- id: production-approval\n  mode: enforce');

/** MyFirstPipeline deploys to its last stage without an approval; that stage renamed. */
function deploysWithoutApproval(stage: string): PipelineDefinition {
  const pipeline = fixturePipeline('MyFirstPipeline.json');
  return { ...pipeline, stages: pipeline.stages.map((s) => (s.name === 'Prod' ? { ...s, name: stage } : s)) };
}

/** One config: its production stages (when given) and an approval policy that auto-approves `stage` at the deadline. */
function configText(stage: string, productionStages?: string) {
  return `version: 1
routes:
  - slack: { channels: [C0PLATFORM1] }
${productionStages ? `productionStages: ${productionStages}\n` : ''}approvals:
  policies:
    - name: auto
      match: { stages: [${stage}] }
      approvers: [U0LEAD0001]
      whenStarterUnknown: any-approver
      onDeadline: approve
`;
}

/** The same config without the approval policy, as governance runs with it. */
function governedConfig(productionStages?: string) {
  const parsed = parseConfig(
    `version: 1\nroutes:\n  - slack: { channels: [C0PLATFORM1] }\n${productionStages ? `productionStages: ${productionStages}\n` : ''}`,
  );
  if (!parsed.ok) throw new Error(parsed.problems.join('\n'));
  return parsed.config;
}

const updatePipeline = (name: string) => ({
  version: '0',
  id: 'ct-1',
  'detail-type': 'AWS API Call via CloudTrail',
  source: 'aws.codepipeline',
  account: '123456789012',
  time: '2026-11-23T10:00:00Z',
  region: 'eu-west-1',
  detail: { eventSource: 'codepipeline.amazonaws.com', eventName: 'UpdatePipeline', requestParameters: { pipeline: { name } } },
});

describe('one productionStages for approvals and governance', () => {
  it.each<[string, string, string | undefined]>([
    ['a Live stage under the default list', 'Live', undefined],
    ['a LIVE stage under the default list (case-insensitive)', 'LIVE', undefined],
    ['a stage the config names', 'Release', '["release", "*prod*"]'],
  ])('%s: flagged by governance, closed by enforcement, and never auto-approved', async (_name, stage, productionStages) => {
    const approvals = parseConfig(configText(stage, productionStages));
    expect(!approvals.ok && approvals.problems).toEqual([
      `approvals.policies[0].onDeadline: approve is refused: stage "${stage}" is a production stage (productionStages). Use reject or notify, or narrow match.stages to stages that are not production`,
    ]);

    const config = governedConfig(productionStages);
    const w = governanceWorld({ config, policy: ENFORCED, pipelines: [deploysWithoutApproval(stage)], now: '2026-11-23T10:00:00Z' });
    const violations = evaluatePolicy({ pipelines: [deploysWithoutApproval(stage)] }, ENFORCED, evaluationContext(w.deps));
    expect(violations.map((v) => [v.ruleId, v.stage])).toEqual([['production-approval', stage]]);

    await runGovernance(governanceTrigger(updatePipeline('MyFirstPipeline')), w.deps);
    expect(w.calls.filter((c) => c.call === 'codepipeline.disableStageTransition').map((c) => c.input['stageName'])).toEqual([stage]);
  });

  it('a stage the config does not call production: auto-approval allowed, no violation, nothing closed', async () => {
    expect(parseConfig(configText('Delivery')).ok).toBe(true);
    const w = governanceWorld({ config: governedConfig(), policy: ENFORCED, pipelines: [deploysWithoutApproval('Delivery')], now: '2026-11-23T10:00:00Z' });
    expect(evaluatePolicy({ pipelines: [deploysWithoutApproval('Delivery')] }, ENFORCED, evaluationContext(w.deps))).toEqual([]);
    await runGovernance(governanceTrigger(updatePipeline('MyFirstPipeline')), w.deps);
    expect(w.calls.filter((c) => c.call.endsWith('StageTransition'))).toEqual([]);
  });

  it('a list of its own replaces the default for both: Live is not production under ["prod*"]', () => {
    expect(parseConfig(configText('Live', '["prod*"]')).ok).toBe(true);
    const w = governanceWorld({
      config: governedConfig('["prod*"]'),
      policy: ENFORCED,
      pipelines: [deploysWithoutApproval('Live')],
      now: '2026-11-23T10:00:00Z',
    });
    expect(evaluatePolicy({ pipelines: [deploysWithoutApproval('Live')] }, ENFORCED, evaluationContext(w.deps))).toEqual([]);
  });
});
