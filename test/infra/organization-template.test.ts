/**
 * Organization mode, packaged (issue 13): `serverless package --param config=config/organization.example.yml`
 * gives a stack whose rules all listen on its own central bus, a bus policy that admits the whole
 * organization in one statement, the member stack as a service-managed StackSet deployed
 * automatically to new accounts, and the acting roles allowed to assume the actor role anywhere.
 * cfn-lint checks the same template (scripts/cfn-lint.sh).
 */
import { readFileSync, rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../functions/kernel/config/parse';
import { ACTING_ROLES, organizationResourcesOf } from '../../infra/packaging/organization';
import { type Json, ofType, type Packaged, serverlessPackage, type Template } from '../support/package';

let packaged: Packaged;
let t: Template;
beforeAll(async () => {
  packaged = await serverlessPackage(['--param=config=config/organization.example.yml']);
  t = packaged.template;
}, 300_000);
afterAll(() => {
  if (packaged) rmSync(packaged.dir, { recursive: true, force: true });
});

const config = (yaml: string) => {
  const result = parseConfig(yaml);
  if (!result.ok) throw new Error(result.problems.join('\n'));
  return result.config;
};

describe('the organization stack', () => {
  it('has its own bus, open to every principal of the organization and to the listed outside accounts', () => {
    const bus = t.Resources['CentralEventBus']!;
    expect(bus.Type).toBe('AWS::Events::EventBus');
    const statements = bus.Properties['Policy'].Statement as Json[];
    expect(statements.map((s) => s.Sid)).toEqual(['OrganizationMembers', 'ListedAccounts']);
    expect(statements[0]).toMatchObject({ Principal: '*', Action: 'events:PutEvents', Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } } });
    expect(statements[1]!.Principal).toEqual({ AWS: [{ 'Fn::Sub': 'arn:${AWS::Partition}:iam::444455556666:root' }] });
  });

  it('listens on the central bus with every event rule; schedules stay on the default bus', () => {
    const rules = ofType(t, 'AWS::Events::Rule');
    const onBus = rules.filter(([, r]) => r.EventPattern);
    expect(onBus.length).toBeGreaterThanOrEqual(8);
    for (const [id, rule] of onBus) expect(rule.EventBusName, id).toEqual({ Ref: 'CentralEventBus' });
    for (const [id, rule] of rules.filter(([, r]) => r.ScheduleExpression)) expect(rule.EventBusName, id).toBeUndefined();
  });

  it('deploys the member stack to the OUs and regions as a service-managed StackSet, automatically to new accounts', () => {
    const set = t.Resources['MemberStackSet']!.Properties;
    expect(set).toMatchObject({
      PermissionModel: 'SERVICE_MANAGED',
      AutoDeployment: { Enabled: true, RetainStacksOnAccountRemoval: false },
      CallAs: 'DELEGATED_ADMIN',
      Capabilities: ['CAPABILITY_NAMED_IAM'],
      StackInstancesGroup: [
        { DeploymentTargets: { OrganizationalUnitIds: ['ou-a1b2-workloads1', 'ou-a1b2-platform01'] }, Regions: ['eu-west-1', 'us-east-1'] },
      ],
    });
    expect(set['TemplateBody']).toBe(readFileSync('infra/member.yml', 'utf8'));
    const parameters = Object.fromEntries((set['Parameters'] as Json[]).map((p) => [p.ParameterKey, p.ParameterValue]));
    expect(parameters).toEqual({
      CentralEventBusArn: { 'Fn::GetAtt': ['CentralEventBus', 'Arn'] },
      OrganizationId: 'o-a1b2c3d4e5',
      ActorRoleName: 'pipeline-warden-actor',
      ActorRoleRegion: 'eu-west-1',
      TrustedRoleArns: { 'Fn::Join': [',', ACTING_ROLES.map((role) => ({ 'Fn::GetAtt': [role, 'Arn'] }))] },
    });
    for (const role of ACTING_ROLES) expect(t.Resources[role]?.Type, role).toBe('AWS::IAM::Role');
  });

  it('lets the acting roles assume the actor role in any account, and nothing else', () => {
    const policy = t.Resources['ActorAssumePolicy']!.Properties;
    expect(policy['Roles']).toEqual(ACTING_ROLES.map((role) => ({ Ref: role })));
    expect(policy['PolicyDocument'].Statement).toEqual([
      {
        Sid: 'ActInMemberAccounts',
        Effect: 'Allow',
        Action: 'sts:AssumeRole',
        Resource: { 'Fn::Sub': 'arn:${AWS::Partition}:iam::*:role/pipeline-warden-actor' },
      },
    ]);
  });
});

describe('the organization governance sweep (issue 13 item 5)', () => {
  it('ticks every 5 minutes across the organization only when a freeze needs it', () => {
    // The example has no freezes: its tick rule is off, the audit still runs daily.
    expect(t.Resources['GovernanceFreezeSchedule']!.Properties['State']).toBe('DISABLED');
    expect(t.Resources['GovernanceAuditSchedule']!.Properties['State']).toBe('ENABLED');
    const withFreeze = config(
      `version: 1\norganization:\n  id: o-a1b2c3d4e5\n  deployTo: { organizationalUnits: [r-a1b2], regions: [eu-west-1] }\nroutes:\n  - match: {}\n    slack: { channels: [C0DEPLOYS01] }\ngovernance:\n  freezes:\n    - name: year-end\n      timezone: Europe/Berlin\n      from: '2026-12-21T00:00'\n      to: '2027-01-04T08:00'\n`,
    );
    const tick = (organizationResourcesOf(withFreeze, () => 'template').Resources as Record<string, { Properties: Json }>)['GovernanceFreezeSchedule'];
    expect(tick?.Properties['State']).toBeUndefined();
  });

  it('the audit and the freeze tick start the sweep state machine, with a role that may start it, keeping their input, retries and DLQ', () => {
    const audit = t.Resources['GovernanceAuditSchedule']!.Properties;
    const tick = t.Resources['GovernanceFreezeSchedule']!.Properties;
    for (const rule of [audit, tick]) {
      const targets = rule['Targets'] as Json[];
      expect(targets).toHaveLength(1);
      expect(targets[0]).toMatchObject({
        Id: 'governance-sweep',
        Arn: { 'Fn::GetAtt': ['GovernanceSweepStateMachine', 'Arn'] },
        RoleArn: { 'Fn::GetAtt': ['GovernanceSweepStartRole', 'Arn'] },
        RetryPolicy: { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86400 },
        DeadLetterConfig: { Arn: { 'Fn::GetAtt': ['EventsDeadLetterQueue', 'Arn'] } },
      });
      expect(JSON.stringify(targets[0])).not.toContain('GovernanceLambdaFunction');
    }
    expect((audit['Targets'] as Json[])[0]!.InputTransformer).toEqual({ InputPathsMap: { id: '$.id' }, InputTemplate: '{"warden":"audit","id":<id>}' });
    expect((tick['Targets'] as Json[])[0]!.Input).toBe('{"warden":"tick"}');
    const start = t.Resources['GovernanceSweepStartRole']!.Properties;
    expect(start['AssumeRolePolicyDocument'].Statement[0].Principal).toEqual({ Service: 'events.amazonaws.com' });
    expect(start['Policies'][0].PolicyDocument.Statement).toEqual([
      { Sid: 'StartSweep', Effect: 'Allow', Action: 'states:StartExecution', Resource: { Ref: 'GovernanceSweepStateMachine' } },
    ]);
  });

  it('declares the sweep machine from statemachines/governance-sweep.asl.yaml, its tasks calling the governance function', () => {
    const machine = t.Resources['GovernanceSweepStateMachine']!.Properties;
    expect(machine['StateMachineType']).toBe('STANDARD');
    const sub = machine['DefinitionString']['Fn::Sub'] as string;
    const definition = JSON.parse(sub) as { States: Record<string, Json> };
    expect(Object.keys(definition.States)).toEqual(['Places', 'Sweep', 'Report']);
    expect(definition.States['Sweep']!.MaxConcurrency).toBe(40);
    expect(definition.States['Places']!.Parameters.FunctionName).toBe('${GovernanceLambdaFunction.Arn}');
    expect(sub).not.toContain('${GovernanceFunctionArn}');
    const role = t.Resources['GovernanceSweepRole']!.Properties;
    expect(role['Policies'][0].PolicyDocument.Statement[0]).toMatchObject({ Action: 'lambda:InvokeFunction' });
  });

  it("lets the governance role list the organization's accounts and OUs", () => {
    const policy = t.Resources['GovernanceOrganizationsPolicy']!.Properties;
    expect(policy['Roles']).toEqual([{ Ref: 'GovernanceRole' }]);
    expect(policy['PolicyDocument'].Statement).toEqual([
      {
        Sid: 'ListOrganizationAccounts',
        Effect: 'Allow',
        Action: ['organizations:ListAccountsForParent', 'organizations:ListOrganizationalUnitsForParent'],
        Resource: '*',
      },
    ]);
  });
});

describe('organization resources at scale', () => {
  const org = (extra = '') =>
    config(
      `version: 1\norganization:\n  id: o-a1b2c3d4e5\n  deployTo: { organizationalUnits: [r-a1b2], regions: [eu-west-1] }\n${extra}routes:\n  - match: {}\n    slack: { channels: [C0DEPLOYS01] }\n`,
    );

  it('are the same for an organization of 2 accounts as of 1,000: no policy or rule lists member accounts', () => {
    // Members are admitted by the organization id; nothing in the template is per member account.
    const resources = organizationResourcesOf(org(), () => 'template');
    expect(JSON.stringify(resources)).not.toMatch(/\d{12}/);
    const policy = JSON.stringify((resources.Resources['CentralEventBus'] as Json).Properties.Policy);
    expect(policy.length).toBeLessThan(10_240);
  });

  it('none without an organization section', () => {
    expect(organizationResourcesOf(config('version: 1\nroutes:\n  - match: {}\n    slack: { channels: [C0DEPLOYS01] }\n'))).toEqual({
      Resources: {},
      Outputs: {},
    });
  });
});
