/**
 * The packaged approval stack: the rule on approval actions, the timer state machine as deployed
 * (every task bounded and caught), and permissions limited to the pipelines and approval actions
 * the config's policies name.
 */

import { rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asArray, getAtt, iamStatements, type Json, type Packaged, serverlessPackage } from '../support/package';

const serverlessConfig = createRequire(import.meta.url)('../../scripts/serverless-config.cjs') as {
  approvalResourcesOf(config: unknown): { pipelines: Json[]; actions: Json[] };
};
const sub = (suffix: string) => ({ 'Fn::Sub': `arn:\${AWS::Partition}:codepipeline:\${AWS::Region}:\${AWS::AccountId}:${suffix}` });

let packaged: Packaged;
beforeAll(async () => {
  packaged = await serverlessPackage([]);
}, 300_000);
afterAll(() => rmSync(packaged.dir, { recursive: true, force: true }));

describe('packaged approvals', () => {
  it('sends manual approval events to approvalEvents, with retries and the dead-letter queue', () => {
    const rule = packaged.template.Resources.ApprovalRule!.Properties;
    expect(rule.EventPattern).toMatchObject({ 'detail-type': ['CodePipeline Action Execution State Change'], detail: { type: { category: ['Approval'] } } });
    expect(rule.Targets).toEqual([
      {
        Id: 'approval-events',
        Arn: getAtt('ApprovalEventsLambdaFunction'),
        RetryPolicy: expect.any(Object),
        DeadLetterConfig: { Arn: getAtt('EventsDeadLetterQueue') },
      },
    ]);
    const asyncConfig = Object.values(packaged.template.Resources).find((r) => r.Type === 'AWS::Lambda::EventInvokeConfig')!.Properties;
    expect(asyncConfig).toMatchObject({ MaximumRetryAttempts: 2, DestinationConfig: { OnFailure: { Destination: getAtt('EventsDeadLetterQueue') } } });
  });

  it('deploys the timer as a Standard machine in which every task has a timeout, retries Lambda errors with jitter, and is caught', () => {
    const machine = packaged.template.Resources.ApprovalTimer!.Properties;
    expect(machine.StateMachineType ?? 'STANDARD').toBe('STANDARD');
    const [text] = machine.DefinitionString['Fn::Sub'] as [string, Json];
    const states = JSON.parse(text).States as Record<string, Json>;
    const tasks = Object.entries(states).filter(([, s]) => s.Type === 'Task');
    expect(tasks.map(([name]) => name).sort()).toEqual(['Prepare', 'ReportFailure', 'Tick']);
    for (const [name, task] of tasks) {
      expect(task.TimeoutSeconds, name).toBeGreaterThan(0);
      expect(
        task.Catch?.some((c: Json) => c.ErrorEquals.includes('States.ALL') || c.ErrorEquals.includes('States.Timeout')),
        name,
      ).toBe(true);
      const retried = task.Retry.flatMap((r: Json) => (r.JitterStrategy === 'FULL' ? r.ErrorEquals : []));
      expect(
        retried.some((e: string) => e === 'States.ALL' || e.startsWith('Lambda.')),
        name,
      ).toBe(true);
    }
  });

  it('grants codepipeline reads and PutApprovalResult only on what the approval policies name', () => {
    const bySid = Object.fromEntries(
      iamStatements(packaged.template)
        .filter(({ where }) => where.startsWith('ApprovalStepsRole/'))
        .map(({ statement }) => [statement.Sid, statement]),
    );
    // config/warden.yml: payments-* / Production, and a catch-all policy (every pipeline of the account).
    expect(bySid.DecideApprovals).toEqual({
      Sid: 'DecideApprovals',
      Effect: 'Allow',
      Action: 'codepipeline:PutApprovalResult',
      Resource: [sub('*/*/*'), sub('payments-*/Production/*')],
    });
    expect(asArray(bySid.ReadApprovalPipelines.Resource)).toEqual([sub('*'), sub('payments-*')]);
    expect(bySid.StopApprovalTimers.Resource['Fn::Sub']).toMatch(/:execution:pipeline-warden-ci-approval:\*$/);
    // The CodeCommit author counts as a starter (issue 10): read-only, one call, this account's repositories.
    expect(bySid.ReadCommitAuthors).toEqual({
      Sid: 'ReadCommitAuthors',
      Effect: 'Allow',
      Action: 'codecommit:GetCommit',
      Resource: { 'Fn::Sub': 'arn:${AWS::Partition}:codecommit:${AWS::Region}:${AWS::AccountId}:*' },
    });
  });

  it('narrows to exact names, widens globs IAM cannot express, and grants nothing real without policies', () => {
    const policies = (match: Json) => ({ approvals: { policies: [{ match }] } });
    expect(serverlessConfig.approvalResourcesOf(policies({ pipelines: ['web', 'api-{a,b}'], stages: ['Prod'], actions: ['Approve'] }))).toEqual({
      pipelines: [sub('*'), sub('web')],
      actions: [sub('*/Prod/Approve'), sub('web/Prod/Approve')],
    });
    expect(serverlessConfig.approvalResourcesOf({})).toEqual({
      pipelines: [sub('pipeline-warden-no-approval-policy')],
      actions: [sub('pipeline-warden-no-approval-policy')],
    });
  });
});
