/**
 * Organization mode (config `organization`, README "Organization"): what the central stack adds.
 *
 * - `CentralEventBus`, whose policy lets any principal of the organization (`aws:PrincipalOrgID`)
 *   and the listed outside accounts put events: one statement for the whole organization, so the
 *   policy is the same size for 2 accounts as for 1,000 (EventBridge allows 10,240 characters).
 *   Every rule of the stack listens on it (`eventBusName`).
 * - `MemberStackSet`: infra/member.yml as a service-managed StackSet on the configured OUs and
 *   regions, deployed automatically to accounts that join them.
 * - `ActorAssumePolicy`: the functions that act in member accounts may assume the actor role there,
 *   in any account (the member stack's trust decides who may, not a list here that grows).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { Config } from '../../functions/kernel/config/schema';
import { PROJECT_DIR } from './load';

type Json = Record<string, unknown>;

/** The member stack's template, as the StackSet deploys it and `warden member-template` prints it. */
export const MEMBER_TEMPLATE = path.join(PROJECT_DIR, 'infra/member.yml');

/**
 * The roles of the functions that read or act on pipelines, builds, deployments and calendars:
 * the member stack's actor role trusts them, and they may assume it.
 */
export const ACTING_ROLES = [
  'NotifyRole',
  'ApprovalEventsRole',
  'ApprovalStepsRole',
  'RollbackStartRole',
  'RollbackStepsRole',
  'GovernanceRole',
  'SlackActionsRole',
] as const;

/** The bus the stack's rules listen on: the central bus in organization mode, else the `eventBusName` param. */
export function eventBusOf(config: Config, param: unknown): unknown {
  return config.organization ? { Ref: 'CentralEventBus' } : param;
}

/** The central stack's organization resources; none without an `organization` section. */
export function organizationResourcesOf(config: Config, memberTemplate = () => readFileSync(MEMBER_TEMPLATE, 'utf8')): { Resources: Json; Outputs: Json } {
  const org = config.organization;
  if (!org) return { Resources: {}, Outputs: {} };
  const busArn = { 'Fn::GetAtt': ['CentralEventBus', 'Arn'] };
  const putEvents = (sid: string, principal: unknown, condition?: Json) => ({
    Sid: sid,
    Effect: 'Allow',
    Principal: principal,
    Action: 'events:PutEvents',
    Resource: { 'Fn::Sub': 'arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:event-bus/${AWS::StackName}-org' },
    ...(condition ? { Condition: condition } : {}),
  });
  const statements = [
    ...(org.id ? [putEvents('OrganizationMembers', '*', { StringEquals: { 'aws:PrincipalOrgID': org.id } })] : []),
    ...(org.accounts.length ? [putEvents('ListedAccounts', { AWS: org.accounts.map((a) => ({ 'Fn::Sub': `arn:\${AWS::Partition}:iam::${a}:root` })) })] : []),
  ];
  const Resources: Json = {
    CentralEventBus: {
      Type: 'AWS::Events::EventBus',
      Properties: {
        Name: { 'Fn::Sub': '${AWS::StackName}-org' },
        Description: 'pipeline-warden: events of every member account and region (organization mode)',
        Policy: { Version: '2012-10-17', Statement: statements },
      },
    },
    ActorAssumePolicy: {
      Type: 'AWS::IAM::Policy',
      Properties: {
        PolicyName: 'assume-actor-role',
        Roles: ACTING_ROLES.map((role) => ({ Ref: role })),
        PolicyDocument: {
          Version: '2012-10-17',
          Statement: [
            {
              Sid: 'ActInMemberAccounts',
              Effect: 'Allow',
              Action: 'sts:AssumeRole',
              // Any account: who may act where is decided by each member's trust policy (the
              // organization id, the central roles), not by a list here that would grow with accounts.
              Resource: { 'Fn::Sub': `arn:\${AWS::Partition}:iam::*:role/${org.actorRoleName}` },
            },
          ],
        },
      },
    },
  };
  Object.assign(Resources, governanceSweepResourcesOf(undefined, { tick: (config.governance?.freezes.length ?? 0) > 0 }));
  if (org.deployTo) {
    const parameter = (key: string, value: unknown) => ({ ParameterKey: key, ParameterValue: value });
    Resources['MemberStackSet'] = {
      Type: 'AWS::CloudFormation::StackSet',
      Properties: {
        StackSetName: { 'Fn::Sub': '${AWS::StackName}-member' },
        Description: 'pipeline-warden member stack: forwards pipeline events to the central bus; the actor role the central functions assume',
        PermissionModel: 'SERVICE_MANAGED',
        AutoDeployment: { Enabled: true, RetainStacksOnAccountRemoval: false },
        CallAs: org.delegatedAdmin ? 'DELEGATED_ADMIN' : 'SELF',
        Capabilities: ['CAPABILITY_NAMED_IAM'],
        ManagedExecution: { Active: true },
        OperationPreferences: { RegionConcurrencyType: 'PARALLEL', MaxConcurrentPercentage: 25, FailureTolerancePercentage: 10 },
        Parameters: [
          parameter('CentralEventBusArn', busArn),
          parameter('OrganizationId', org.id ?? ''),
          parameter('ActorRoleName', org.actorRoleName),
          // The actor role is global to an account: the first region creates it, every region uses it.
          parameter('ActorRoleRegion', org.deployTo.regions[0]),
          parameter('TrustedRoleArns', { 'Fn::Join': [',', ACTING_ROLES.map((role) => ({ 'Fn::GetAtt': [role, 'Arn'] }))] }),
        ],
        StackInstancesGroup: [{ DeploymentTargets: { OrganizationalUnitIds: org.deployTo.organizationalUnits }, Regions: org.deployTo.regions }],
        TemplateBody: memberTemplate(),
      },
    };
  }
  return {
    Resources,
    Outputs: {
      CentralEventBusArn: { Description: 'Member accounts forward their pipeline events here (infra/member.yml)', Value: busArn },
      ...(org.deployTo ? { MemberStackSetId: { Value: { Ref: 'MemberStackSet' } } } : {}),
    },
  };
}

/** The organization sweep's definition: its tasks call the governance function (`${GovernanceFunctionArn}`). */
export const GOVERNANCE_SWEEP_ASL = path.join(PROJECT_DIR, 'statemachines/governance-sweep.asl.yaml');

/**
 * Organization mode's governance sweep (statemachines/governance-sweep.asl.yaml): the daily audit
 * and the freeze tick over every account and region. The schedules start an execution of it
 * instead of invoking the governance function (their Target is merged over infra/governance.yml's:
 * osls merges the `resources` list in order, so the same Id keeps its input, retry policy and
 * dead-letter queue and gets the state machine and a role that may start it). The governance role
 * may list the organization's accounts and OUs. Declared here, not with serverless-step-functions,
 * so a single-account stack has neither the machine nor its roles.
 */
export function governanceSweepResourcesOf(
  definition = () => readFileSync(GOVERNANCE_SWEEP_ASL, 'utf8'),
  options: { readonly tick: boolean } = { tick: true },
): Json {
  const machine = parseYaml(definition()) as unknown;
  const functionArn = { 'Fn::GetAtt': ['GovernanceLambdaFunction', 'Arn'] };
  const machineArn = { 'Fn::GetAtt': ['GovernanceSweepStateMachine', 'Arn'] };
  const trust = (service: string) => ({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Service: service },
        Action: 'sts:AssumeRole',
        Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
      },
    ],
  });
  const target = (input: Json) => ({
    Type: 'AWS::Events::Rule',
    Properties: {
      Targets: [{ Id: 'governance-sweep', Arn: machineArn, RoleArn: { 'Fn::GetAtt': ['GovernanceSweepStartRole', 'Arn'] }, ...input }],
    },
  });
  return {
    GovernanceSweepStateMachine: {
      Type: 'AWS::StepFunctions::StateMachine',
      Properties: {
        StateMachineName: { 'Fn::Sub': '${AWS::StackName}-governance-sweep' },
        StateMachineType: 'STANDARD',
        // The Sub's `${GovernanceLambdaFunction.Arn}`: the definition's one placeholder.
        DefinitionString: { 'Fn::Sub': JSON.stringify(machine, null, 2).replaceAll('${GovernanceFunctionArn}', '${GovernanceLambdaFunction.Arn}') },
        RoleArn: { 'Fn::GetAtt': ['GovernanceSweepRole', 'Arn'] },
      },
    },
    GovernanceSweepRole: {
      Type: 'AWS::IAM::Role',
      Properties: {
        AssumeRolePolicyDocument: trust('states.amazonaws.com'),
        Policies: [
          {
            PolicyName: 'governance-sweep',
            PolicyDocument: {
              Version: '2012-10-17',
              Statement: [
                {
                  Sid: 'InvokeGovernance',
                  Effect: 'Allow',
                  Action: 'lambda:InvokeFunction',
                  Resource: [functionArn, { 'Fn::Join': [':', [functionArn, '*']] }],
                },
              ],
            },
          },
        ],
      },
    },
    GovernanceSweepStartRole: {
      Type: 'AWS::IAM::Role',
      Properties: {
        AssumeRolePolicyDocument: trust('events.amazonaws.com'),
        Policies: [
          {
            PolicyName: 'start-governance-sweep',
            PolicyDocument: {
              Version: '2012-10-17',
              Statement: [{ Sid: 'StartSweep', Effect: 'Allow', Action: 'states:StartExecution', Resource: { Ref: 'GovernanceSweepStateMachine' } }],
            },
          },
        ],
      },
    },
    // Merged over infra/governance.yml's schedules: the same target, now the sweep.
    GovernanceAuditSchedule: target({}),
    // The tick sweeps every account-region every 5 minutes (about 4.3 million state transitions a day
    // at 3,000 of them): only when a freeze needs it. Without freezes, enforced rules are still checked
    // on every pipeline change and by the daily audit.
    GovernanceFreezeSchedule: options.tick ? target({}) : { ...target({}), Properties: { ...target({}).Properties, State: 'DISABLED' } },
    GovernanceOrganizationsPolicy: {
      Type: 'AWS::IAM::Policy',
      Properties: {
        PolicyName: 'list-organization-accounts',
        Roles: [{ Ref: 'GovernanceRole' }],
        PolicyDocument: {
          Version: '2012-10-17',
          Statement: [
            {
              Sid: 'ListOrganizationAccounts',
              Effect: 'Allow',
              Action: ['organizations:ListAccountsForParent', 'organizations:ListOrganizationalUnitsForParent'],
              // Both take the parent (root or OU) as resource; the organization's ids are not known here.
              Resource: '*',
            },
          ],
        },
      },
    },
  };
}
