/**
 * The built-in pipeline rules on get-pipeline output (test/fixtures/governance/pipelines), each
 * with passing and failing definitions: the fixtures as AWS prints them, and variants of them.
 */
import { describe, expect, it } from 'vitest';
import type { PipelineDefinition, PipelineStage } from '../../../functions/governance/domain/definitions';
import { findings, pipeline } from './support';

/** A copy of a fixture pipeline, changed by `edit`. */
const variant = (name: string, edit: (p: PipelineDefinition) => void): PipelineDefinition => {
  const p = pipeline(name);
  edit(p);
  return p;
};
const stage = (p: PipelineDefinition, name: string): PipelineStage => {
  const found = p.stages.find((s) => s.name === name);
  if (!found) throw new Error(`no stage ${name}`);
  return found;
};
const action = (s: PipelineStage, name: string) => {
  const found = s.actions.find((a) => a.name === name);
  if (!found) throw new Error(`no action ${name}`);
  return found;
};

describe('production-approval', () => {
  it.each<[string, PipelineDefinition, Record<string, unknown>, string[]]>([
    ['approval before the deploy in the production stage', pipeline('payments-api'), {}, []],
    ['approval as the last action of the stage before production', pipeline('orders-service'), {}, []],
    [
      'no approval anywhere (the AWS CLI example with a Prod stage)',
      pipeline('MyFirstPipeline'),
      {},
      [
        '[Prod] production stage Prod: deploy action(s) CodePipelineProdFleet run without a manual approval before them; add a Manual approval action (category Approval, provider Manual) to Prod with runOrder 1 and move its deploy actions to runOrder 2, or make a manual approval the last action of stage Beta',
      ],
    ],
    [
      'approval in parallel with the deploy (same runOrder)',
      variant('payments-api', (p) => (action(stage(p, 'Production'), 'ApproveRelease').runOrder = 2)),
      {},
      [
        '[Production] production stage Production: its manual approval ApproveRelease (runOrder 2) does not run before deploy action(s) DeployProduction (runOrder 2); give a Manual approval action (category Approval, provider Manual) in Production a runOrder lower than 2, or make a manual approval the last action of stage Staging',
      ],
    ],
    [
      'approval in the stage before, but tests run after it',
      variant('orders-service', (p) => (action(stage(p, 'ApproveRelease'), 'IntegrationTests').runOrder = 3)),
      {},
      [expect.stringMatching(/^\[Prod-eu-west-1\] production stage Prod-eu-west-1: deploy action\(s\) DeployStack run without a manual approval/)],
    ],
    [
      'approval two stages before production does not count',
      variant('payments-api', (p) => {
        const production = stage(p, 'Production');
        stage(p, 'Build').actions.push(action(production, 'ApproveRelease'));
        production.actions = production.actions.filter((a) => a.name !== 'ApproveRelease');
      }),
      {},
      [expect.stringContaining('[Production] production stage Production: deploy action(s) DeployProduction run without a manual approval')],
    ],
    [
      'a production stage without deploy actions has nothing to guard',
      variant('MyFirstPipeline', (p) => (action(stage(p, 'Prod'), 'CodePipelineProdFleet').actionTypeId.category = 'Invoke')),
      {},
      [],
    ],
    [
      'unless the policy counts its category as deploying',
      variant('MyFirstPipeline', (p) => (action(stage(p, 'Prod'), 'CodePipelineProdFleet').actionTypeId.category = 'Invoke')),
      { deployCategories: ['Deploy', 'Invoke'] },
      [expect.stringContaining('[Prod] production stage Prod:')],
    ],
    ['a stage the config does not call production', variant('MyFirstPipeline', (p) => (stage(p, 'Prod').name = 'Delivery')), {}, []],
    [
      'a Live stage: production by the default',
      variant('MyFirstPipeline', (p) => (stage(p, 'Prod').name = 'Live')),
      {},
      [expect.stringMatching(/^\[Live\] production stage Live: /)],
    ],
  ])('%s', (_name, subject, params, expected) => {
    expect(findings({ id: 'production-approval', params }, { pipelines: [subject] })).toEqual(expected);
  });

  it('uses the config’s productionStages', () => {
    const live = variant('MyFirstPipeline', (p) => (stage(p, 'Prod').name = 'Live'));
    expect(findings({ id: 'production-approval' }, { pipelines: [live] }, { productionStages: ['Live', 'Beta'] })).toEqual([
      expect.stringMatching(
        /^\[Beta\] production stage Beta: .*; add a Manual approval action .* to Beta with runOrder 1 and move its deploy actions to runOrder 2, or make a manual approval the last action of stage Source$/,
      ),
      expect.stringMatching(/^\[Live\] production stage Live: /),
    ]);
  });
});

describe('approval-timeout', () => {
  const unguardedBuildApproval = variant('payments-api', (p) =>
    stage(p, 'Build').actions.push({ name: 'SignOff', actionTypeId: { category: 'Approval', owner: 'AWS', provider: 'Manual', version: '1' }, runOrder: 2 }),
  );
  it.each<[string, PipelineDefinition, Record<string, unknown>, string[]]>([
    ['a 1-day timeout under the default 3d limit', pipeline('payments-api'), {}, []],
    [
      'a 1-day timeout over a 12h limit',
      pipeline('payments-api'),
      { max: '12h' },
      [
        '[Production] approval action ApproveRelease in stage Production waits up to 1d (timeoutInMinutes 1440), more than 12h; set its timeoutInMinutes to at most 720',
      ],
    ],
    [
      'no timeoutInMinutes: CodePipeline waits 7 days',
      pipeline('orders-service'),
      {},
      [
        "[ApproveRelease] approval action ReleaseManager in stage ApproveRelease waits up to 7d (CodePipeline's default: timeoutInMinutes is not set), more than 3d; set its timeoutInMinutes to at most 4320",
      ],
    ],
    ['no timeoutInMinutes under a 7d limit', pipeline('orders-service'), { max: '7d' }, []],
    [
      'an approval far from production, all approvals checked',
      unguardedBuildApproval,
      {},
      [expect.stringMatching(/^\[Build\] approval action SignOff in stage Build waits up to 7d/)],
    ],
    ['an approval far from production, productionOnly', unguardedBuildApproval, { productionOnly: true }, []],
    ['a pipeline without approvals', pipeline('MyFirstPipeline'), {}, []],
  ])('%s', (_name, subject, params, expected) => {
    expect(findings({ id: 'approval-timeout', params }, { pipelines: [subject] })).toEqual(expected);
  });
});

describe('production-alarm', () => {
  const noAlarm = (p: PipelineDefinition) => delete stage(p, 'Production').onSuccess;
  it.each<[string, PipelineDefinition, Record<string, unknown>, string[]]>([
    ['onSuccess condition with a CloudWatchAlarm rule', pipeline('payments-api'), {}, []],
    ['beforeEntry condition with a CloudWatchAlarm rule', pipeline('orders-service'), {}, []],
    [
      'beforeEntry does not count when the policy only takes onSuccess / onFailure',
      pipeline('orders-service'),
      { conditions: ['onSuccess', 'onFailure'] },
      [
        expect.stringMatching(
          /^\[Prod-eu-west-1\] production stage Prod-eu-west-1 is not guarded by an alarm; add a CloudWatchAlarm rule to its onSuccess \/ onFailure conditions/,
        ),
      ],
    ],
    [
      'automatic rollback on failure without an alarm rule',
      variant('payments-api', noAlarm),
      {},
      [expect.stringContaining('[Production] production stage Production is not guarded by an alarm')],
    ],
    [
      'a condition whose rule is not an alarm',
      variant('payments-api', (p) => {
        const rule = stage(p, 'Production').onSuccess?.conditions?.[0]?.rules?.[0];
        if (rule) rule.ruleTypeId.provider = 'LambdaInvoke';
      }),
      {},
      [expect.stringContaining('[Production] production stage Production is not guarded')],
    ],
    [
      'no conditions at all (V1)',
      pipeline('MyFirstPipeline'),
      {},
      [
        '[Prod] production stage Prod is not guarded by an alarm; add a CloudWatchAlarm rule to its beforeEntry / onSuccess / onFailure conditions (e.g. onSuccess with result ROLLBACK), or add a rollback.guards entry for this stage in config/warden.yml',
      ],
    ],
  ])('%s', (_name, subject, params, expected) => {
    expect(findings({ id: 'production-alarm', params }, { pipelines: [subject] })).toEqual(expected);
  });

  it('accepts a stage the config guards with a rollback alarm', () => {
    const guarded: Array<[string, string]> = [];
    const isGuardedByRollback = (p: string, s: string) => {
      guarded.push([p, s]);
      return p === 'MyFirstPipeline' && s === 'Prod';
    };
    expect(findings({ id: 'production-alarm' }, { pipelines: [pipeline('MyFirstPipeline')] }, { isGuardedByRollback })).toEqual([]);
    expect(guarded).toEqual([['MyFirstPipeline', 'Prod']]);
  });
});

describe('pipeline-type-v2', () => {
  it.each<[string, PipelineDefinition, string[]]>([
    ['V2', pipeline('payments-api'), []],
    [
      'no pipelineType (created before V2)',
      pipeline('MyFirstPipeline'),
      ['pipeline type is V1 (no pipelineType); set pipelineType to V2 (stage conditions, rollback and triggers need it; check V2 pricing first)'],
    ],
    ['V1', variant('payments-api', (p) => (p.pipelineType = 'V1')), [expect.stringMatching(/^pipeline type is V1; set pipelineType to V2/)]],
  ])('%s', (_name, subject, expected) => {
    expect(findings({ id: 'pipeline-type-v2' }, { pipelines: [subject] })).toEqual(expected);
  });
});

describe('artifact-encryption', () => {
  it.each<[string, PipelineDefinition, Record<string, unknown>, string[]]>([
    ['a customer managed key by ARN', pipeline('payments-api'), {}, []],
    [
      'no encryptionKey: the default aws/s3 key',
      pipeline('MyFirstPipeline'),
      {},
      [
        'artifact store codepipeline-us-east-1-11EXAMPLE11 uses the default AWS managed key aws/s3; set artifactStore.encryptionKey to a customer managed KMS key',
      ],
    ],
    [
      'per-region stores, one on alias/aws/s3',
      pipeline('orders-service'),
      {},
      [
        'artifact store orders-pipeline-artifacts-eu-west-1 (eu-west-1) uses the AWS managed key arn:aws:kms:eu-west-1:111122223333:alias/aws/s3; set artifactStores["eu-west-1"].encryptionKey to a customer managed KMS key',
      ],
    ],
    [
      'a bare alias/aws/s3 id',
      variant('payments-api', (p) => {
        if (p.artifactStore) p.artifactStore.encryptionKey = { id: 'alias/aws/s3', type: 'KMS' };
      }),
      {},
      [expect.stringContaining('uses the AWS managed key alias/aws/s3')],
    ],
    ['a key the policy allows', pipeline('payments-api'), { keys: ['arn:aws:kms:us-east-1:111122223333:key/*'] }, []],
    [
      'a key the policy does not allow',
      pipeline('payments-api'),
      { keys: ['arn:aws:kms:*:999999999999:*'] },
      [
        expect.stringMatching(
          /^artifact store codepipeline-us-east-1-payments-artifacts uses KMS key arn:aws:kms:us-east-1:111122223333:key\/1234abcd-.* which is not one of the keys the policy allows \(arn:aws:kms:\*:999999999999:\*\)/,
        ),
      ],
    ],
  ])('%s', (_name, subject, params, expected) => {
    expect(findings({ id: 'artifact-encryption', params }, { pipelines: [subject] })).toEqual(expected);
  });
});
