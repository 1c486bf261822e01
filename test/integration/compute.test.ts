/**
 * What moto can prove about the stack's compute: the functions' configuration with every `Ref`
 * resolved to a real name, the state machines (definition, role), log groups and IAM roles.
 *
 * Not provable in moto 5.2.1 (checked; its CloudFormation drops or does not model them):
 * - `Architectures: [arm64]`: moto's CloudFormation ignores it, every function reports x86_64;
 * - the Lambda versions (a version's Ref resolves to its logical id, so the `…QualifiedArn` outputs
 *   are not ARNs) and EventInvokeConfig (unsupported type);
 * - that the code runs: invoking needs Docker, and the runtime nodejs24.x is only a string to moto.
 */

import { CloudWatchLogsClient, DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { GetRolePolicyCommand, IAMClient, ListRolePoliciesCommand } from '@aws-sdk/client-iam';
import { GetFunctionConfigurationCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { DescribeStateMachineCommand, ListStateMachinesCommand, SFNClient } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { motoPolicy } from '../support/moto';
import { asArray, type Json, ofType } from '../support/package';
import { ACCOUNT, deployed, onMoto, physical, physicalIds } from './stack';

const lambda = new LambdaClient(onMoto());
const sfn = new SFNClient(onMoto());
const logs = new CloudWatchLogsClient(onMoto());
const iam = new IAMClient(onMoto());
let ids: Map<string, string>;
beforeAll(async () => {
  ids = await physicalIds();
});
afterAll(() => {
  for (const client of [lambda, sfn, logs, iam]) client.destroy();
});

const roleArn = (logicalId: string) => `arn:aws:iam::${ACCOUNT}:role/${physical(ids, logicalId)}`;
/** `{ Ref: X }` → X's physical id (moto's Ref: a table's name, a queue's URL, a topic's or a state machine's ARN). */
const resolved = (value: unknown): unknown =>
  value !== null && typeof value === 'object' && 'Ref' in value ? physical(ids, String((value as Json).Ref)) : value;

describe('Lambda functions', () => {
  const functions = ofType(deployed().template, 'AWS::Lambda::Function');

  it.each(functions)('%s has the packaged configuration, its environment resolved', async (_id, props) => {
    const config = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: props.FunctionName }));
    expect(config).toMatchObject({ Runtime: 'nodejs24.x', Handler: props.Handler, Timeout: props.Timeout, MemorySize: props.MemorySize });
    expect(config.Role).toBe(roleArn(props.Role['Fn::GetAtt'][0]));
    const variables = Object.fromEntries(Object.entries(props.Environment.Variables as Json).map(([k, v]) => [k, resolved(v)]));
    expect(config.Environment?.Variables).toEqual(variables);
  });

  it('gives notify the real table, its own queue (redeliveries), the dead-letter queue and topic', async () => {
    const config = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'pipeline-warden-ci-notify' }));
    expect(config.Environment?.Variables).toMatchObject({
      TABLE_NAME: 'pipeline-warden-ci-cards',
      DEAD_LETTER_QUEUE_URL: expect.stringMatching(/\/123456789012\/pipeline-warden-ci-events-dlq$/),
      EVENTS_QUEUE_URL: expect.stringMatching(/\/123456789012\/pipeline-warden-ci-events$/),
      DEFAULT_TOPIC_ARN: 'arn:aws:sns:us-east-1:123456789012:pipeline-warden-ci-notifications',
    });
    expect(config.Timeout).toBe(60);
  });

  it('logs each function to its own group, kept 30 days', async () => {
    const { logGroups } = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/aws/lambda/pipeline-warden-ci-' }));
    const expected = functions.map(([, props]) => ({ logGroupName: `/aws/lambda/${props.FunctionName}`, retentionInDays: 30 }));
    expect(logGroups?.map(({ logGroupName, retentionInDays }) => ({ logGroupName, retentionInDays }))).toEqual(expect.arrayContaining(expected));
    expect(logGroups).toHaveLength(expected.length);
  });
});

describe('state machines', () => {
  const machines = ofType(deployed().template, 'AWS::StepFunctions::StateMachine');

  it('exist, by the packaged names', async () => {
    const { stateMachines } = await sfn.send(new ListStateMachinesCommand({}));
    expect(stateMachines?.map((m) => m.name).sort()).toEqual(machines.map(([, props]) => props.StateMachineName).sort());
  });

  it.each(machines)('%s: definition parses, fully substituted, its role and its functions real', async (id, props) => {
    const stateMachineArn = physical(ids, id);
    const machine = await sfn.send(new DescribeStateMachineCommand({ stateMachineArn }));
    expect(machine).toMatchObject({ name: props.StateMachineName, type: props.StateMachineType, roleArn: roleArn(props.RoleArn['Fn::GetAtt'][0]) });
    const definition = machine.definition ?? '';
    expect(JSON.parse(definition)).toMatchObject({ StartAt: expect.any(String), States: expect.any(Object) });
    expect(definition).not.toMatch(/\$\{|Fn::|#\{/);
    const functionArns = [...new Set(definition.match(/arn:aws:lambda:[^"]+:function:[^":]+/g) ?? [])];
    expect(functionArns.length).toBeGreaterThan(0);
    for (const FunctionName of functionArns) {
      expect((await lambda.send(new GetFunctionConfigurationCommand({ FunctionName }))).FunctionArn).toBe(FunctionName);
    }
  });
});

describe('IAM roles', () => {
  const roles = ofType(deployed().template, 'AWS::IAM::Role');

  it.each(roles)('%s has its inline policies, every intrinsic resolved', async (id, props) => {
    const RoleName = physical(ids, id);
    const { PolicyNames } = await iam.send(new ListRolePoliciesCommand({ RoleName }));
    // moto files an AWS::IAM::Policy naming the role among the role's inline policies, as IAM does.
    const attached = ofType(deployed().template, 'AWS::IAM::Policy')
      .filter(([, policy]) => asArray<Json>(policy.Roles).some((role) => role.Ref === id))
      .map(([, policy]) => policy.PolicyName);
    const inline = asArray<Json>(props.Policies).map((p) => p.PolicyName);
    expect(PolicyNames?.sort()).toEqual([...inline, ...attached].sort());
    for (const PolicyName of PolicyNames ?? []) {
      const { PolicyDocument } = await iam.send(new GetRolePolicyCommand({ RoleName, PolicyName }));
      // Unresolved would read as an intrinsic or a pseudo parameter; IAM's own ${aws:…} variables are lower case.
      expect(JSON.stringify(motoPolicy(PolicyDocument))).not.toMatch(/Fn::|"Ref"|\$\{AWS::/);
    }
  });

  it("grants notify's RunCards on the real table", async () => {
    const RoleName = physical(ids, 'NotifyRole');
    const { PolicyDocument } = await iam.send(new GetRolePolicyCommand({ RoleName, PolicyName: 'notify' }));
    const statements = asArray<Json>(motoPolicy(PolicyDocument).Statement);
    expect(statements.find((s) => s.Sid === 'RunCards')?.Resource).toBe('arn:aws:dynamodb:us-east-1:123456789012:table/pipeline-warden-ci-cards');
  });
});
