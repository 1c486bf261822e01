/**
 * One pipeline-warden for a whole AWS Organization, on a local multi-account AWS (moto): its own
 * moto_server (independent of the single-account stack of the global setup), where
 *
 * 1. the management account (moto's default, 123456789012) creates an organization and a member
 *    account, which gets OrganizationAccountAccessRole as in AWS;
 * 2. the central account has the central bus `pipeline-warden-test-org` with the policy the stack
 *    writes (`organizationResourcesOf`, its `Fn::Sub`s resolved here), and a rule with the stack's
 *    CodePipeline pattern (events/codepipeline.pattern.json) to an events queue;
 * 3. the member stack (infra/member.yml, unchanged) is created in the member account, as the member
 *    (OrganizationAccountAccessRole): forward rule, forward role, actor role; and in a second region
 *    of that account, where it reuses the actor role (`ActorRoleRegion`) instead of creating it;
 * 4. a CodePipeline event put on the member's default bus reaches the central bus and the events
 *    queue through the member's forward rule; alarm state changes are forwarded (the rule's `$or`),
 *    other events are not;
 * 5. the central adapters (`createActor`, `createPipelinesPort`) assume the actor role in the member
 *    account and read the member's pipeline there.
 *
 * moto 5.2.1 limitations met (each handled where it matters below):
 * - @aws-sdk/client-organizations is not a dependency: Organizations is driven with moto's JSON API
 *   directly (`organizations()` below), not through the SDK.
 * - moto stores bus and trust policies, `aws:PrincipalOrgID` included, but evaluates none of them,
 *   and the forward target's RoleArn is not assumed: who may put events or assume a role is not
 *   proven here (the policies' text is).
 * - moto's STS assumes any role ARN, existing or not ("the role does not need to exist"): the
 *   actor's PermanentError for an account without the member stack cannot happen here (it is
 *   covered with a mocked STS in test/adapters/actor.test.ts), so nothing is asserted about it.
 * - moto delivers events without `account` (its default target input omits it), and an event
 *   forwarded to another account's bus loses `account`, `resources`, `time` and `id` (moto puts a new
 *   event there, stamped with the central account). The member's account is therefore not in the
 *   queued event; it is checked only if moto ever sends it.
 * - moto accepts PutEvents with an `aws.*` source (AWS refuses it), which is how the member's
 *   "service" events are made.
 * - moto's CloudFormation AWS::Events::EventBus ignores `Policy`: the central bus is made with
 *   CreateEventBus and PutPermission from the stack's resource, not by a central stack.
 * - moto answers GetPipeline with ISO-8601 `metadata` timestamps, which SDK v3 cannot read (the
 *   service sends epoch seconds): `withEpochMetadata` rewrites moto's raw answer (below); the call
 *   itself still goes to moto, in the member account, with the actor's credentials.
 * - moto's ListStackResources lists a resource skipped by its Condition as an entry without ids.
 */
import { readFileSync } from 'node:fs';
import { CloudFormationClient, CreateStackCommand, DescribeStacksCommand, ListStackResourcesCommand, type Parameter } from '@aws-sdk/client-cloudformation';
import { CodePipelineClient, CreatePipelineCommand, type ServiceInputTypes, type ServiceOutputTypes } from '@aws-sdk/client-codepipeline';
import {
  CreateEventBusCommand,
  DescribeEventBusCommand,
  EventBridgeClient,
  ListTargetsByRuleCommand,
  PutEventsCommand,
  type PutEventsRequestEntry,
  PutPermissionCommand,
  PutRuleCommand,
  PutTargetsCommand,
} from '@aws-sdk/client-eventbridge';
import { CreateRoleCommand, GetRoleCommand, GetRolePolicyCommand, IAMClient } from '@aws-sdk/client-iam';
import { CreateQueueCommand, DeleteMessageCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import type { DeserializeMiddleware } from '@aws-sdk/types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../functions/kernel/config/parse';
import { createActor } from '../../functions/platform/actor';
import { createPipelinesPort } from '../../functions/platform/codepipeline';
import { ACTING_ROLES, MEMBER_TEMPLATE, organizationResourcesOf } from '../../infra/packaging/organization';
import { awsClientConfig, type Moto, motoPolicy, startMoto } from '../support/moto';
import { PROJECT_DIR } from '../support/package';

const CENTRAL = '123456789012';
const REGION = 'us-east-1';
/** A second region of the member account, whose member stack must not create the actor role again. */
const OTHER_REGION = 'us-west-2';
/** The central stack's name: the bus is `${AWS::StackName}-org`. */
const STACK = 'pipeline-warden-test';
const BUS_ARN = `arn:aws:events:${REGION}:${CENTRAL}:event-bus/${STACK}-org`;
const OUTSIDE_ACCOUNT = '444455556666';
const ACTOR_ROLE = 'pipeline-warden-actor';
const MEMBER_STACK = 'pipeline-warden-member';
/** The central functions' roles (the StackSet passes their ARNs as TrustedRoleArns). */
const TRUSTED_ROLE_ARNS = ACTING_ROLES.map((role) => `arn:aws:iam::${CENTRAL}:role/${STACK}-${role}`);

type Json = Record<string, any>;
type ClientConfig = ReturnType<typeof awsClientConfig>;

let moto: Moto;
let central: ClientConfig;
let orgId: string;
let member: string;
/** Client settings acting as the member account (its OrganizationAccountAccessRole), in a region. */
let asMember: (region?: string) => ClientConfig;
/** The stack's central bus policy, as put on the bus. */
let busPolicy: Json;
let eventsQueue: string;
/** Every event on the central bus (catch-all rule): what the member's forward rule let through. */
let busQueue: string;
/** CreateStack's outcome per region, read back, not thrown: a failure fails a test with moto's reason. */
const memberStacks = new Map<string, { status?: string; reason?: string; outputs: Json; resources: Json }>();
const destroyable: Array<{ destroy(): void }> = [];
const client = <C extends { destroy(): void }>(made: C): C => {
  destroyable.push(made);
  return made;
};

beforeAll(async () => {
  moto = await startMoto();
  central = awsClientConfig(moto.endpoint);

  // 1. The organization and a member account, from the management account.
  const { Organization } = await organizations<{ Organization: { Id: string } }>('CreateOrganization', { FeatureSet: 'ALL' });
  orgId = Organization.Id;
  member = await createAccount('payments', 'aws-payments@example.com');
  const sts = client(new STSClient(central));
  const { Credentials } = await sts.send(
    new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${member}:role/OrganizationAccountAccessRole`, RoleSessionName: 'pipeline-warden-test' }),
  );
  const credentials = {
    accessKeyId: Credentials?.AccessKeyId ?? '',
    secretAccessKey: Credentials?.SecretAccessKey ?? '',
    sessionToken: Credentials?.SessionToken ?? '',
  };
  asMember = (region = REGION) => ({ ...central, region, credentials });

  // 2. The central side: the acting roles, the bus with the stack's policy, its CodePipeline rule to the events queue.
  const iam = client(new IAMClient(central));
  const lambdaTrust = JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
  });
  for (const arn of TRUSTED_ROLE_ARNS) await iam.send(new CreateRoleCommand({ RoleName: arn.split('/')[1], AssumeRolePolicyDocument: lambdaTrust }));
  const org = organizationResourcesOf(configWith(orgId, [OUTSIDE_ACCOUNT]));
  const bus = resolveSub((org.Resources['CentralEventBus'] as Json)['Properties'], { 'AWS::StackName': STACK }) as Json;
  busPolicy = bus['Policy'];
  const events = client(new EventBridgeClient(central));
  await events.send(new CreateEventBusCommand({ Name: bus['Name'], Description: bus['Description'] }));
  await events.send(new PutPermissionCommand({ EventBusName: bus['Name'], Policy: JSON.stringify(busPolicy) }));
  eventsQueue = await queueWithRule(events, 'events', 'CodePipelineRule', readFileSync(`${PROJECT_DIR}/events/codepipeline.pattern.json`, 'utf8'));
  busQueue = await queueWithRule(events, 'bus-all', 'EverythingRule', JSON.stringify({ source: [{ exists: true }] }));

  // 3. The member stack, as the member, in the actor role's region and in a second one.
  const template = readFileSync(MEMBER_TEMPLATE, 'utf8');
  for (const region of [REGION, OTHER_REGION]) {
    const cfn = client(new CloudFormationClient(asMember(region)));
    const Parameters: Parameter[] = Object.entries({
      CentralEventBusArn: BUS_ARN,
      OrganizationId: orgId,
      ActorRoleName: ACTOR_ROLE,
      ActorRoleRegion: REGION,
      TrustedRoleArns: TRUSTED_ROLE_ARNS.join(','),
    }).map(([ParameterKey, ParameterValue]) => ({ ParameterKey, ParameterValue }));
    await cfn.send(new CreateStackCommand({ StackName: MEMBER_STACK, TemplateBody: template, Parameters, Capabilities: ['CAPABILITY_NAMED_IAM'] }));
    const { Stacks: [stack] = [] } = await cfn.send(new DescribeStacksCommand({ StackName: MEMBER_STACK }));
    const { StackResourceSummaries = [] } = await cfn.send(new ListStackResourcesCommand({ StackName: MEMBER_STACK }));
    memberStacks.set(region, {
      status: stack?.StackStatus,
      reason: stack?.StackStatusReason,
      outputs: Object.fromEntries((stack?.Outputs ?? []).map((o) => [o.OutputKey, o.OutputValue])),
      // moto lists a resource its Condition skipped as an entry with empty ids.
      resources: Object.fromEntries(StackResourceSummaries.filter((r) => r.LogicalResourceId).map((r) => [r.LogicalResourceId, r])),
    });
  }
}, 60_000);

afterAll(async () => {
  for (const made of destroyable) made.destroy();
  await moto?.stop();
});

describe('the organization', () => {
  it('is managed from the central account and has the member account, which the management account may enter', async () => {
    const { Organization } = await organizations<Json>('DescribeOrganization', {});
    expect(Organization).toMatchObject({ Id: orgId, FeatureSet: 'ALL', MasterAccountId: CENTRAL });
    const { Accounts } = await organizations<{ Accounts: Json[] }>('ListAccounts', {});
    // moto draws the member's id at random: compare as sets, not in the order the ids happen to sort.
    expect(Accounts.map((a) => [a['Id'], a['Status']]).sort()).toEqual(
      [
        [CENTRAL, 'ACTIVE'],
        [member, 'ACTIVE'],
      ].sort(),
    );
    const identity = await client(new STSClient(asMember())).send(new GetCallerIdentityCommand({}));
    expect(identity).toMatchObject({ Account: member, Arn: `arn:aws:sts::${member}:assumed-role/OrganizationAccountAccessRole/pipeline-warden-test` });
  });
});

describe('the central bus', () => {
  it("is the stack's bus, open to the whole organization by aws:PrincipalOrgID and to the listed outside account", async () => {
    expect(busPolicy['Statement']).toEqual([
      {
        Sid: 'OrganizationMembers',
        Effect: 'Allow',
        Principal: '*',
        Action: 'events:PutEvents',
        Resource: BUS_ARN,
        Condition: { StringEquals: { 'aws:PrincipalOrgID': orgId } },
      },
      { Sid: 'ListedAccounts', Effect: 'Allow', Principal: { AWS: [`arn:aws:iam::${OUTSIDE_ACCOUNT}:root`] }, Action: 'events:PutEvents', Resource: BUS_ARN },
    ]);
    // moto keeps the policy as put (condition included), and enforces none of it.
    const described = await client(new EventBridgeClient(central)).send(new DescribeEventBusCommand({ Name: `${STACK}-org` }));
    expect(described.Arn).toBe(BUS_ARN);
    expect(JSON.parse(described.Policy ?? '{}')).toEqual(busPolicy);
  });
});

describe('the member stack (infra/member.yml) in a member account', () => {
  it('is created: the forward rule, the forward role and the actor role', () => {
    const stack = memberStacks.get(REGION);
    expect(stack?.status, stack?.reason).toBe('CREATE_COMPLETE');
    expect(Object.keys(stack?.resources ?? {}).sort()).toEqual(['ActorRole', 'ForwardRole', 'ForwardRule']);
    for (const [id, resource] of Object.entries(stack?.resources ?? {})) expect(resource['ResourceStatus'], id).toBe('CREATE_COMPLETE');
    expect(stack?.outputs).toEqual({
      ActorRoleArn: `arn:aws:iam::${member}:role/${ACTOR_ROLE}`,
      ForwardRuleArn: `arn:aws:events:${REGION}:${member}:rule/pipeline-warden-forward`,
    });
  });

  it("forwards the default bus's CI/CD events to the central bus as the forward role, which only this rule's EventBridge may assume", async () => {
    const forwardRole = memberStacks.get(REGION)?.resources['ForwardRole']?.PhysicalResourceId as string;
    const { Targets } = await client(new EventBridgeClient(asMember())).send(new ListTargetsByRuleCommand({ Rule: 'pipeline-warden-forward' }));
    expect(Targets).toEqual([{ Id: 'central-bus', Arn: BUS_ARN, RoleArn: `arn:aws:iam::${member}:role/${forwardRole}` }]);
    const iam = client(new IAMClient(asMember()));
    const { Role } = await iam.send(new GetRoleCommand({ RoleName: forwardRole }));
    expect(motoPolicy(Role?.AssumeRolePolicyDocument).Statement).toEqual([
      {
        Effect: 'Allow',
        Principal: { Service: 'events.amazonaws.com' },
        Action: 'sts:AssumeRole',
        Condition: {
          StringEquals: { 'aws:SourceAccount': member },
          ArnEquals: { 'aws:SourceArn': `arn:aws:events:${REGION}:${member}:rule/pipeline-warden-forward` },
        },
      },
    ]);
    const { PolicyDocument } = await iam.send(new GetRolePolicyCommand({ RoleName: forwardRole, PolicyName: 'put-events-on-central-bus' }));
    expect(motoPolicy(PolicyDocument).Statement).toEqual([{ Effect: 'Allow', Action: 'events:PutEvents', Resource: BUS_ARN }]);
  });

  it("creates the actor role for the central functions' roles, narrowed to the organization, allowed to read this account's pipelines", async () => {
    const iam = client(new IAMClient(asMember()));
    const { Role } = await iam.send(new GetRoleCommand({ RoleName: ACTOR_ROLE }));
    expect(Role?.MaxSessionDuration).toBe(3600);
    expect(motoPolicy(Role?.AssumeRolePolicyDocument).Statement).toEqual([
      {
        Effect: 'Allow',
        Principal: { AWS: `arn:aws:iam::${CENTRAL}:root` },
        Action: 'sts:AssumeRole',
        Condition: { ArnEquals: { 'aws:PrincipalArn': TRUSTED_ROLE_ARNS }, StringEquals: { 'aws:PrincipalOrgID': orgId } },
      },
    ]);
    const { PolicyDocument } = await iam.send(new GetRolePolicyCommand({ RoleName: ACTOR_ROLE, PolicyName: ACTOR_ROLE }));
    const approvals = (motoPolicy(PolicyDocument).Statement as Json[]).find((s) => s['Sid'] === 'Approvals');
    expect(approvals).toMatchObject({ Effect: 'Allow', Resource: `arn:aws:codepipeline:${REGION}:${member}:*` });
    expect(approvals?.['Action']).toContain('codepipeline:GetPipeline');
  });

  it("in another region of the account forwards too, and leaves the actor role to the ActorRoleRegion's stack", () => {
    const stack = memberStacks.get(OTHER_REGION);
    expect(stack?.status, stack?.reason).toBe('CREATE_COMPLETE');
    expect(Object.keys(stack?.resources ?? {}).sort()).toEqual(['ForwardRole', 'ForwardRule']);
    expect(stack?.outputs).toEqual({ ForwardRuleArn: `arn:aws:events:${OTHER_REGION}:${member}:rule/pipeline-warden-forward` });
  });
});

describe("a member's events", () => {
  it("reach the central bus and the events queue from the member's default bus", async () => {
    const started = memberEvent('events/samples/01-pipeline-build-fails/01-pipeline-started.json');
    await putAsMember([started]);
    const [queued] = await receiveUntil(eventsQueue, (bodies) => bodies.some(isSame(started)));
    await receiveUntil(busQueue, (bodies) => bodies.some(isSame(started)));
    expect(queued).toMatchObject({ source: 'aws.codepipeline', 'detail-type': started['detail-type'], detail: started['detail'] });
    // moto drops `account` on delivery (see the header); when it is there, it must be the member's.
    if (queued && 'account' in queued) expect(queued['account']).toBe(member);
  });

  it('are forwarded when they are CI/CD events or alarm state changes (the rule has `$or`), and only then', async () => {
    const alarm = memberEvent('events/samples/06-rollback-pipeline/04-alarm-5xx.json');
    const otherAlarm = { ...alarm, 'detail-type': 'CloudWatch Alarm Configuration Change' };
    const instance = {
      ...alarm,
      source: 'aws.ec2',
      'detail-type': 'EC2 Instance State-change Notification',
      detail: { 'instance-id': 'i-0abc', state: 'stopped' },
    };
    await putAsMember([otherAlarm, instance, alarm]);
    // moto delivers during PutEvents: once the alarm is in, anything forwarded with it is too.
    const onBus = await receiveUntil(busQueue, (bodies) => bodies.some(isSame(alarm)));
    onBus.push(...(await receiveUntil(busQueue, () => false, 1_000)));
    expect(onBus.map((e) => [e['source'], e['detail-type']])).toEqual([['aws.cloudwatch', 'CloudWatch Alarm State Change']]);
    // Not a CodePipeline event: the central CodePipeline rule keeps it from the events queue.
    expect(await receiveUntil(eventsQueue, () => false, 1_000)).toEqual([]);
  });
});

describe('the central adapters in a member account', () => {
  it("assume the actor role there and read the member's pipeline", async () => {
    const action = { stage: 'Deploy', action: 'DeployToProd' };
    await createMemberPipeline('payments-api', action, { ApplicationName: 'payments-api', DeploymentGroupName: 'payments-api-prod' });

    const sts = client(new STSClient(central));
    const assumed: string[] = [];
    const recording = {
      send: (command: AssumeRoleCommand) => {
        assumed.push(command.input.RoleArn ?? '');
        return sts.send(command);
      },
    };
    const actor = createActor({ roleName: ACTOR_ROLE, sts: recording });
    const pipelines = createPipelinesPort(actor.clients((c) => withEpochMetadata(client(new CodePipelineClient({ ...awsClientConfig(moto.endpoint), ...c })))));
    const place = { account: member, region: REGION };

    expect(await pipelines.deployTarget({ place, pipeline: 'payments-api', ...action })).toEqual({
      application: 'payments-api',
      deploymentGroup: 'payments-api-prod',
    });
    // The actor's other clients in the account share its credentials: one AssumeRole, of the member's actor role.
    const identity = await actor
      .clients((c) => client(new STSClient({ ...awsClientConfig(moto.endpoint), ...c })))(place)
      .send(new GetCallerIdentityCommand({}));
    expect(identity).toMatchObject({ Account: member, Arn: `arn:aws:sts::${member}:assumed-role/${ACTOR_ROLE}/pipeline-warden` });
    expect(assumed).toEqual([`arn:aws:iam::${member}:role/${ACTOR_ROLE}`]);
    // The pipeline is the member's alone: the central account's own client does not find it.
    expect(
      await createPipelinesPort(withEpochMetadata(client(new CodePipelineClient(central)))).deployTarget({ pipeline: 'payments-api', ...action }),
    ).toBeUndefined();
  });
});

/** The configuration of an organization stack: the organization id and an outside account. */
function configWith(id: string, accounts: string[]) {
  const yaml = `version: 1
organization:
  id: ${id}
  accounts: [${accounts.map((a) => `'${a}'`).join(', ')}]
routes:
  - match: { pipelines: ['*'] }
    slack: { channels: [C0DEPLOYS01], level: failures }
`;
  const result = parseConfig(yaml);
  if (!result.ok) throw new Error(result.problems.join('\n'));
  return result.config;
}

/** `{ "Fn::Sub": … }` resolved as CloudFormation would in the central stack (us-east-1, the central account). */
function resolveSub(value: unknown, vars: Record<string, string>): unknown {
  const all: Record<string, string> = { 'AWS::Partition': 'aws', 'AWS::Region': REGION, 'AWS::AccountId': CENTRAL, ...vars };
  if (Array.isArray(value)) return value.map((v) => resolveSub(v, vars));
  if (typeof value !== 'object' || value === null) return value;
  const sub = (value as Json)['Fn::Sub'];
  if (typeof sub === 'string' && Object.keys(value).length === 1) {
    return sub.replace(/\$\{([^}]+)\}/g, (_, name: string) => {
      const resolved = all[name];
      if (resolved === undefined) throw new Error(`no value for \${${name}} in ${sub}`);
      return resolved;
    });
  }
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveSub(v, vars)]));
}

/**
 * An Organizations call to moto, as the management account. @aws-sdk/client-organizations is not a
 * dependency, so this speaks its JSON protocol; moto checks no signature, and reads the service and
 * the caller (`testing`: its default account) from the Authorization header's credential scope.
 */
async function organizations<T>(action: string, input: Json): Promise<T> {
  const response = await fetch(`${moto.endpoint}/`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-amz-json-1.1',
      'X-Amz-Target': `AWSOrganizationsV20161128.${action}`,
      Authorization: `AWS4-HMAC-SHA256 Credential=testing/20260101/${REGION}/organizations/aws4_request, SignedHeaders=host, Signature=unsigned`,
    },
    body: JSON.stringify(input),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`Organizations ${action}: HTTP ${response.status} ${text}`);
  return JSON.parse(text) as T;
}

/** CreateAccount, then DescribeCreateAccountStatus until it succeeds (moto: at once); the new account's id. */
async function createAccount(name: string, email: string): Promise<string> {
  type Status = { CreateAccountStatus: { Id: string; State: string; AccountId?: string; FailureReason?: string } };
  let { CreateAccountStatus: status } = await organizations<Status>('CreateAccount', { AccountName: name, Email: email });
  for (let tries = 0; status.State === 'IN_PROGRESS' && tries < 20; tries++) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    ({ CreateAccountStatus: status } = await organizations<Status>('DescribeCreateAccountStatus', { CreateAccountRequestId: status.Id }));
  }
  if (status.State !== 'SUCCEEDED' || !status.AccountId) throw new Error(`CreateAccount ${name}: ${status.State} ${status.FailureReason ?? ''}`);
  return status.AccountId;
}

/** A central queue (EventBridge may send to it) and a rule on the central bus that sends it what `pattern` matches. */
async function queueWithRule(events: EventBridgeClient, queue: string, rule: string, pattern: string): Promise<string> {
  const sqs = client(new SQSClient(central));
  const QueueName = `${STACK}-${queue}`;
  const queueArn = `arn:aws:sqs:${REGION}:${CENTRAL}:${QueueName}`;
  const Policy = JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { Service: 'events.amazonaws.com' }, Action: 'sqs:SendMessage', Resource: queueArn }],
  });
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName, Attributes: { Policy } }));
  const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
  expect(Attributes?.['QueueArn']).toBe(queueArn);
  const EventBusName = `${STACK}-org`;
  await events.send(new PutRuleCommand({ Name: `${STACK}-${rule}`, EventBusName, EventPattern: pattern, State: 'ENABLED' }));
  await events.send(new PutTargetsCommand({ Rule: `${STACK}-${rule}`, EventBusName, Targets: [{ Id: queue, Arn: queueArn }] }));
  return QueueUrl as string;
}

/** A sample event as it would be in the member account: its account, region and resources. */
function memberEvent(file: string): Json {
  const event = JSON.parse(readFileSync(`${PROJECT_DIR}/${file}`, 'utf8')) as Json;
  const resources = (event['resources'] as string[]).map((arn) => arn.replace(/^(arn:aws:[a-z-]+):[a-z0-9-]+:\d{12}:/, `$1:${REGION}:${member}:`));
  return { ...event, account: member, region: REGION, resources };
}

/** PutEvents on the member's default bus, as the member. */
async function putAsMember(events: Json[]): Promise<void> {
  const Entries: PutEventsRequestEntry[] = events.map((e) => ({
    Source: e['source'],
    DetailType: e['detail-type'],
    Detail: JSON.stringify(e['detail']),
    Resources: e['resources'],
    Time: new Date(e['time']),
  }));
  const result = await client(new EventBridgeClient(asMember())).send(new PutEventsCommand({ Entries }));
  expect(result.FailedEntryCount, JSON.stringify(result.Entries)).toBe(0);
}

const isSame = (event: Json) => (body: Json) =>
  body['detail-type'] === event['detail-type'] && JSON.stringify(body['detail']) === JSON.stringify(event['detail']);

/** The queue's messages (read, then deleted), long-polled until `done` says enough or `withinMs` passed. */
async function receiveUntil(QueueUrl: string, done: (bodies: Json[]) => boolean, withinMs = 10_000): Promise<Json[]> {
  const sqs = client(new SQSClient(central));
  const bodies: Json[] = [];
  const deadline = Date.now() + withinMs;
  while (!done(bodies) && Date.now() < deadline) {
    const WaitTimeSeconds = Math.max(0, Math.min(2, Math.ceil((deadline - Date.now()) / 1000)));
    const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds }));
    for (const message of Messages) {
      bodies.push(JSON.parse(message.Body ?? '{}'));
      await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: message.ReceiptHandle }));
    }
  }
  return bodies;
}

/** A minimal valid pipeline in the member account: a source stage, and a deploy stage whose CodeDeploy action is `ref.action`. */
async function createMemberPipeline(name: string, ref: { stage: string; action: string }, deploy: Record<string, string>): Promise<void> {
  // moto checks that the pipeline's role exists in the account and trusts CodePipeline, and that there are 2 stages.
  const { Role } = await client(new IAMClient(asMember())).send(
    new CreateRoleCommand({
      RoleName: `${name}-pipeline`,
      AssumeRolePolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { Service: 'codepipeline.amazonaws.com' }, Action: 'sts:AssumeRole' }],
      }),
    }),
  );
  const codepipeline = client(new CodePipelineClient(asMember()));
  await codepipeline.send(
    new CreatePipelineCommand({
      pipeline: {
        name,
        roleArn: Role?.Arn,
        artifactStore: { type: 'S3', location: `${name}-artifacts-${member}` },
        stages: [
          {
            name: 'Source',
            actions: [
              {
                name: 'Source',
                actionTypeId: { category: 'Source', owner: 'AWS', provider: 'S3', version: '1' },
                configuration: { S3Bucket: `${name}-source-${member}`, S3ObjectKey: 'source.zip' },
                outputArtifacts: [{ name: 'SourceOutput' }],
              },
            ],
          },
          {
            name: ref.stage,
            actions: [
              {
                name: ref.action,
                actionTypeId: { category: 'Deploy', owner: 'AWS', provider: 'CodeDeploy', version: '1' },
                configuration: deploy,
                inputArtifacts: [{ name: 'SourceOutput' }],
              },
            ],
          },
        ],
      },
    }),
  );
}

/**
 * moto answers GetPipeline with `metadata.created`/`updated` as ISO-8601 text; the service (JSON
 * 1.1) sends epoch seconds, and SDK v3 refuses anything else ("Expected real number, got implicit
 * NaN"). This rewrites those fields of moto's raw answer to epoch seconds before the SDK reads it;
 * the request itself goes to moto unchanged (same account, same credentials).
 */
function withEpochMetadata(codepipeline: CodePipelineClient): CodePipelineClient {
  const rewrite: DeserializeMiddleware<ServiceInputTypes, ServiceOutputTypes> = (next) => async (args) => {
    const out = await next(args);
    const response = out.response as { statusCode?: number; body?: AsyncIterable<Uint8Array> | Uint8Array };
    if (response.statusCode !== 200 || !response.body || response.body instanceof Uint8Array) return out;
    const chunks: Uint8Array[] = [];
    for await (const chunk of response.body) chunks.push(chunk);
    const answer = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Json;
    for (const [key, value] of Object.entries(answer['metadata'] ?? {})) {
      if (typeof value === 'string' && /^\d{4}-\d\d-\d\dT/.test(value)) answer['metadata'][key] = Date.parse(value) / 1000;
    }
    response.body = new TextEncoder().encode(JSON.stringify(answer));
    return out;
  };
  codepipeline.middlewareStack.addRelativeTo(rewrite, { relation: 'after', toMiddleware: 'deserializerMiddleware', name: 'motoEpochMetadata' });
  return codepipeline;
}
