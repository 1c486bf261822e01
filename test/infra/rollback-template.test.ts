/**
 * The packaged rollback stack: the rule on alarms going to ALARM (retries, DLQ, allowed to send
 * there), the state machine as deployed (every task bounded, retried with jitter and caught; a
 * bounded poll), and permissions naming exactly the deployment groups and pipelines the config guards.
 */

import { readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asArray, getAtt, iamStatements, type Json, ofType, type Packaged, serverlessPackage } from '../support/package';

const serverlessConfig = createRequire(import.meta.url)('../../scripts/serverless-config.cjs') as {
  rollbackResourcesOf(config: unknown): { deploymentGroups: Json[]; applications: Json[]; pipelines: Json[] };
};
const sub = (suffix: string) => ({ 'Fn::Sub': `arn:\${AWS::Partition}:${suffix}` });
const group = (name: string) => sub(`codedeploy:\${AWS::Region}:\${AWS::AccountId}:deploymentgroup:${name}`);
const pipeline = (name: string) => sub(`codepipeline:\${AWS::Region}:\${AWS::AccountId}:${name}`);

let packaged: Packaged;
beforeAll(async () => {
  packaged = await serverlessPackage([]);
}, 300_000);
afterAll(() => rmSync(packaged.dir, { recursive: true, force: true }));

const statesOf = (machine: Json) => JSON.parse((machine.DefinitionString['Fn::Sub'] as [string, Json])[0]).States as Record<string, Json>;
/** serverless-step-functions writes intrinsics as `${placeholder}` variables of the definition's Fn::Sub. */
const resolved = (machine: Json, value: string) => (machine.DefinitionString['Fn::Sub'] as [string, Json])[1][value.slice(2, -1)];

describe('packaged rollback', () => {
  it('sends alarms that went to ALARM to rollbackStart, with retries and the dead-letter queue, which accepts them', () => {
    const rule = packaged.template.Resources.RollbackRule!.Properties;
    expect(rule.EventPattern).toEqual(JSON.parse(readFileSync('events/rollback.pattern.json', 'utf8')));
    expect(rule.Targets).toEqual([
      {
        Id: 'rollback-start',
        Arn: getAtt('RollbackStartLambdaFunction'),
        RetryPolicy: { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86400 },
        DeadLetterConfig: { Arn: getAtt('EventsDeadLetterQueue') },
      },
    ]);
    const queuePolicy = packaged.template.Resources.EventsQueuePolicy!.Properties.PolicyDocument.Statement.find((s: Json) => s.Sid === 'EventBridgeRulesOnly');
    expect(queuePolicy.Condition.ArnEquals['aws:SourceArn']).toContainEqual(getAtt('RollbackRule'));
    const asyncConfig = packaged.template.Resources.RollbackStartLambdaEvConf!.Properties;
    expect(asyncConfig).toMatchObject({ MaximumRetryAttempts: 2, DestinationConfig: { OnFailure: { Destination: getAtt('EventsDeadLetterQueue') } } });
  });

  it('deploys a Standard machine whose tasks are bounded, retry Lambda errors with jitter, and are caught; the poll is bounded', () => {
    const machine = packaged.template.Resources.RollbackStateMachine!.Properties;
    expect(machine.StateMachineType ?? 'STANDARD').toBe('STANDARD');
    const states = statesOf(machine);
    const tasks = Object.entries(states).filter(([, s]) => s.Type === 'Task');
    expect(tasks.map(([name]) => name).sort()).toEqual(['Act', 'Check', 'Decide', 'Report']);
    for (const [name, task] of tasks) {
      expect(task.Resource, name).toBe('arn:aws:states:::lambda:invoke');
      expect(resolved(machine, task.Parameters.FunctionName), name).toEqual(getAtt('RollbackStepsLambdaFunction'));
      expect(task.TimeoutSeconds, name).toBeGreaterThan(0);
      expect(
        task.Catch.some((c: Json) => c.ErrorEquals.includes('States.Timeout')),
        name,
      ).toBe(true);
      const jittered = task.Retry.flatMap((r: Json) => (r.JitterStrategy === 'FULL' ? r.ErrorEquals : []));
      expect(
        jittered.includes('States.ALL') ||
          ['Lambda.ServiceException', 'Lambda.AWSLambdaException', 'Lambda.SdkClientException', 'Lambda.TooManyRequestsException'].every((e) =>
            jittered.includes(e),
          ),
        name,
      ).toBe(true);
    }
    // Every failure before Report ends in Report.
    for (const name of ['Decide', 'Act', 'Check']) expect(states[name]!.Catch.map((c: Json) => c.Next)).toEqual(['Report', 'Report']);
    expect(states.Pause).toMatchObject({ Type: 'Wait', Seconds: 30, Next: 'Check' });
    expect(states['Ended?']!.Choices).toContainEqual({ Variable: '$.progress.polls', NumericGreaterThanEquals: 120, Next: 'Report' });
  });

  it("names the guarded deployment groups and pipelines in the steps' permissions; the starter and the machine get only their own", () => {
    const statements = iamStatements(packaged.template);
    const bySid = Object.fromEntries(
      statements.filter(({ where }) => where.startsWith('RollbackStepsRole/')).map(({ statement }) => [statement.Sid, statement]),
    );
    // config/warden.yml guards web-frontend/web-frontend-prod (CodeDeploy) and web-frontend › Deploy (pipeline).
    expect(asArray(bySid.GuardedDeploymentGroups.Resource)).toEqual([group('web-frontend/web-frontend-prod')]);
    expect(bySid.GuardedDeploymentGroups.Action).toEqual(expect.arrayContaining(['codedeploy:StopDeployment', 'codedeploy:CreateDeployment']));
    expect(asArray(bySid.GuardedPipelines.Resource)).toEqual([pipeline('web-frontend'), pipeline('web-frontend/Deploy')]);
    expect(bySid.GuardedPipelines.Action).toEqual(expect.arrayContaining(['codepipeline:RollbackStage', 'codepipeline:StopPipelineExecution']));
    const wildcards = (Object.values(bySid) as Json[]).filter((s) => JSON.stringify(s.Resource).includes('*'));
    expect(wildcards.map((s) => s.Sid)).toEqual(['DeploymentConfigs']);

    const start = statements.filter(({ where }) => where.startsWith('RollbackStartRole/')).map(({ statement }) => statement);
    expect(start.find((s) => s.Sid === 'StartRollbacks')).toEqual({
      Sid: 'StartRollbacks',
      Effect: 'Allow',
      Action: 'states:StartExecution',
      Resource: { Ref: 'RollbackStateMachine' },
    });
    const machineRole = ofType(packaged.template, 'AWS::IAM::Role').find(([id]) => id === 'RollbackStateMachineRole')![1];
    const invokes = machineRole.Policies.flatMap((p: Json) => asArray<Json>(p.PolicyDocument.Statement)).filter((s: Json) =>
      asArray(s.Action).includes('lambda:InvokeFunction'),
    );
    expect(JSON.stringify(invokes)).not.toMatch(/Approval|Notify|SlackActions|RollbackStart/);
  });

  it('derives the ARNs from the guards: exact names, and a name nobody has when nothing is guarded', () => {
    const config = {
      rollback: {
        guards: [
          { codedeploy: { application: 'api', deploymentGroup: 'prod' } },
          { pipeline: { name: 'api', stage: 'Prod' } },
          { pipeline: { name: 'web', stage: 'Deploy' } },
        ],
      },
    };
    expect(serverlessConfig.rollbackResourcesOf(config)).toEqual({
      deploymentGroups: [group('api/prod')],
      applications: [sub('codedeploy:${AWS::Region}:${AWS::AccountId}:application:api')],
      pipelines: [pipeline('api'), pipeline('api/Prod'), pipeline('web'), pipeline('web/Deploy')],
    });
    expect(serverlessConfig.rollbackResourcesOf({}).deploymentGroups).toEqual([group('pipeline-warden-no-rollback-guard/pipeline-warden-no-rollback-guard')]);
  });
});
