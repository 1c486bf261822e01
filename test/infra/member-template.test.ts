/**
 * The member stack (infra/member.yml) each account and region of the organization gets, and
 * `warden member-template`, which prints it with the config's defaults: cfn-lint passes on both, the
 * events the central stack reads are forwarded (and nothing else of CloudWatch), the forward role
 * serves this account's rule only, and the actor role trusts only the central roles and may do
 * exactly what the central functions do in a member account.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { collectEventFiles, loadRulePatterns } from '../../cli/files';
import { MEMBER_TEMPLATE_FILE, memberTemplate, parseCloudFormation, withDefaults } from '../../cli/member-template';
import { parseConfig } from '../../functions/kernel/config/parse';
import type { Config } from '../../functions/kernel/config/schema';
import { type EventPattern, matchesPattern, validatePattern } from '../../tools/event-pattern/matcher';
import { asArray, getAtt, type Json, PROJECT_DIR, type Template } from '../support/package';

const TEXT = readFileSync(MEMBER_TEMPLATE_FILE, 'utf8');
const template = parseCloudFormation(TEXT) as Template & { Parameters: Record<string, Json> };
const resource = (id: string) => template.Resources[id]!;
const sub = (arn: string) => ({ 'Fn::Sub': `arn:\${AWS::Partition}:${arn}` });

const work = mkdtempSync(path.join(tmpdir(), 'warden-member-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** cfn-lint from the repository root (its .cfnlintrc): exit code and everything it said. */
function cfnLint(file: string): { status: number | null; output: string } {
  const run = spawnSync('cfn-lint', ['--format', 'parseable', '--', file], { cwd: PROJECT_DIR, encoding: 'utf8', timeout: 120_000 });
  if (run.error) throw run.error;
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

const warden = (...args: string[]) => {
  const env = { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };
  const run = spawnSync(process.execPath, [path.join(PROJECT_DIR, 'bin/warden.cjs'), ...args], { cwd: PROJECT_DIR, encoding: 'utf8', env });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
};

const ORG_CONFIG = `version: 1
routes:
  - slack: { channels: [C0PLATFORM1] }
organization:
  id: o-a1b2c3d4e5
  actorRoleName: acme-warden-actor
  deployTo: { organizationalUnits: [ou-ab12-cdef3456], regions: [eu-west-1, us-east-1] }
`;

function config(text: string): Config {
  const result = parseConfig(text);
  if (!result.ok) throw new Error(result.problems.join('\n'));
  return result.config;
}

/** Fn::Or / Fn::And / Fn::Not / Fn::Equals / Condition over Ref parameters, as CloudFormation decides a condition. */
function decide(condition: unknown, params: Record<string, string>): boolean {
  const value = (v: unknown): unknown => (v && typeof v === 'object' && 'Ref' in v ? params[(v as { Ref: string }).Ref] : v);
  const c = condition as Json;
  if ('Fn::Or' in c) return (c['Fn::Or'] as unknown[]).some((x) => decide(x, params));
  if ('Fn::And' in c) return (c['Fn::And'] as unknown[]).every((x) => decide(x, params));
  if ('Fn::Not' in c) return !decide((c['Fn::Not'] as unknown[])[0], params);
  if ('Condition' in c) return decide(template.Conditions![c['Condition'] as string], params);
  if ('Fn::Equals' in c) return value(c['Fn::Equals'][0]) === value(c['Fn::Equals'][1]);
  throw new Error(`cannot decide ${JSON.stringify(c)}`);
}

describe('infra/member.yml', () => {
  it('passes cfn-lint: no error, no warning', () => {
    expect(cfnLint(MEMBER_TEMPLATE_FILE)).toEqual({ status: 0, output: '' });
  }, 120_000);

  it('fits in a StackSet TemplateBody (51,200 bytes), with the parameters the central stack passes', () => {
    expect(Buffer.byteLength(TEXT)).toBeLessThan(51_200);
    expect(template).toMatchObject({ AWSTemplateFormatVersion: '2010-09-09', Description: expect.any(String) });
    expect(Object.keys(template.Parameters).sort()).toEqual(['ActorRoleName', 'ActorRoleRegion', 'CentralEventBusArn', 'OrganizationId', 'TrustedRoleArns']);
    expect(template.Parameters['CentralEventBusArn']).not.toHaveProperty('Default');
    expect(template.Parameters['TrustedRoleArns']).toMatchObject({ Type: 'CommaDelimitedList' });
    expect(template.Parameters['TrustedRoleArns']).not.toHaveProperty('Default');
    expect(template.Parameters).toMatchObject({
      OrganizationId: { Type: 'String', Default: '' },
      ActorRoleName: { Type: 'String', Default: 'pipeline-warden-actor' },
      ActorRoleRegion: { Type: 'String', Default: '' },
    });
    const allowed = (name: string) => new RegExp(template.Parameters[name]!.AllowedPattern);
    expect(allowed('CentralEventBusArn').test('arn:aws:events:eu-west-1:123456789012:event-bus/pipeline-warden-prod')).toBe(true);
    expect(allowed('CentralEventBusArn').test('arn:aws-us-gov:events:us-gov-west-1:123456789012:event-bus/central')).toBe(true);
    expect(allowed('CentralEventBusArn').test('arn:aws:sqs:eu-west-1:123456789012:queue')).toBe(false);
    expect(['', 'o-a1b2c3d4e5'].every((id) => allowed('OrganizationId').test(id))).toBe(true);
    expect(allowed('OrganizationId').test('o-short')).toBe(false);
  });

  it('forwards, from the default bus to the central bus with the forward role, every event the central stack reads', () => {
    const rule = resource('ForwardRule');
    expect(rule.Type).toBe('AWS::Events::Rule');
    expect(rule.Properties).toMatchObject({ Name: 'pipeline-warden-forward', State: 'ENABLED', EventBusName: 'default' });
    expect(rule.Properties['Targets']).toEqual([{ Id: 'central-bus', Arn: { Ref: 'CentralEventBusArn' }, RoleArn: getAtt('ForwardRole') }]);
    expect(Object.values(template.Resources).filter((r) => r.Type === 'AWS::Events::Rule')).toHaveLength(1);

    const forward = rule.Properties['EventPattern'] as EventPattern;
    expect(validatePattern(forward)).toEqual([]);
    // Every sample event a central rule takes is forwarded.
    const central = loadRulePatterns().map((p) => p.pattern);
    const taken = collectEventFiles([path.join(PROJECT_DIR, 'events/samples')]).filter((f) => central.some((p) => matchesPattern(p, f.event)));
    expect(new Set(taken.map((f) => (f.event as Json)['detail-type'])).size).toBeGreaterThanOrEqual(8);
    for (const file of taken) expect(matchesPattern(forward, file.event), file.name).toBe(true);
    // And every source a central rule reads, CloudTrail API calls of the CI/CD services included.
    const event = (source: string, detailType: string) => ({ source, 'detail-type': detailType, account: '123456789012', region: 'eu-west-1', detail: {} });
    for (const source of ['aws.codepipeline', 'aws.codebuild', 'aws.codedeploy', 'aws.codeartifact', 'aws.codecommit']) {
      expect(matchesPattern(forward, event(source, 'AWS API Call via CloudTrail')), source).toBe(true);
    }
    for (const p of central) {
      for (const source of asArray(p['source'] as string[])) {
        for (const detailType of asArray(p['detail-type'] as string[]))
          expect(matchesPattern(forward, event(source, detailType)), `${source} ${detailType}`).toBe(true);
      }
    }
    expect(matchesPattern(forward, event('aws.cloudwatch', 'CloudWatch Alarm State Change'))).toBe(true);
    // Not the rest of CloudWatch, nor other services.
    expect(matchesPattern(forward, event('aws.cloudwatch', 'AWS API Call via CloudTrail'))).toBe(false);
    expect(matchesPattern(forward, event('aws.ec2', 'EC2 Instance State-change Notification'))).toBe(false);
  });

  it("lets EventBridge assume the forward role for this account's forward rule only, to put events on the central bus only", () => {
    const role = resource('ForwardRole');
    expect(role.Type).toBe('AWS::IAM::Role');
    expect(role.Properties['AssumeRolePolicyDocument'].Statement).toEqual([
      {
        Effect: 'Allow',
        Principal: { Service: 'events.amazonaws.com' },
        Action: 'sts:AssumeRole',
        Condition: {
          StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
          ArnEquals: { 'aws:SourceArn': sub('events:${AWS::Region}:${AWS::AccountId}:rule/pipeline-warden-forward') },
        },
      },
    ]);
    expect(role.Properties['AssumeRolePolicyDocument'].Statement[0].Condition.ArnEquals['aws:SourceArn']['Fn::Sub']).toContain(
      `rule/${resource('ForwardRule').Properties['Name']}`,
    );
    const policies = role.Properties['Policies'] as Json[];
    expect(policies).toHaveLength(1);
    expect(policies[0]!.PolicyDocument.Statement).toEqual([{ Effect: 'Allow', Action: 'events:PutEvents', Resource: { Ref: 'CentralEventBusArn' } }]);
  });

  it('trusts only the listed central role ARNs (of the central bus account), and requires the organization when its id is given', () => {
    const role = resource('ActorRole') as Template['Resources'][string] & { Condition?: string };
    expect(role.Properties).toMatchObject({ RoleName: { Ref: 'ActorRoleName' }, MaxSessionDuration: 3600 });
    expect(role.Properties['AssumeRolePolicyDocument'].Statement).toEqual([
      {
        Effect: 'Allow',
        Principal: {
          AWS: {
            'Fn::Sub': [
              'arn:${AWS::Partition}:iam::${CentralAccount}:root',
              { CentralAccount: { 'Fn::Select': [4, { 'Fn::Split': [':', { Ref: 'CentralEventBusArn' }] }] } },
            ],
          },
        },
        Action: 'sts:AssumeRole',
        Condition: {
          ArnEquals: { 'aws:PrincipalArn': { Ref: 'TrustedRoleArns' } },
          StringEquals: { 'Fn::If': ['HasOrganization', { 'aws:PrincipalOrgID': { Ref: 'OrganizationId' } }, { Ref: 'AWS::NoValue' }] },
        },
      },
    ]);
    const hasOrganization = template.Conditions!['HasOrganization'];
    expect(decide(hasOrganization, { OrganizationId: '' })).toBe(false);
    expect(decide(hasOrganization, { OrganizationId: 'o-a1b2c3d4e5' })).toBe(true);
  });

  it('creates the actor role in one region of the account only (ActorRoleRegion, or the stack region when empty)', () => {
    const role = resource('ActorRole') as Template['Resources'][string] & { Condition?: string };
    expect(role.Condition).toBe('CreatesActorRole');
    expect(template.Outputs['ActorRoleArn']).toEqual({ Condition: 'CreatesActorRole', Description: expect.any(String), Value: getAtt('ActorRole') });
    expect(template.Outputs['ForwardRuleArn']).toMatchObject({ Value: getAtt('ForwardRule') });
    const creates = template.Conditions!['CreatesActorRole'];
    const pseudo = { 'AWS::Region': 'eu-west-1' };
    expect(decide(creates, { ...pseudo, ActorRoleRegion: '' })).toBe(true);
    expect(decide(creates, { ...pseudo, ActorRoleRegion: 'eu-west-1' })).toBe(true);
    expect(decide(creates, { ...pseudo, ActorRoleRegion: 'us-east-1' })).toBe(false);
    // Nothing else is named account-wide: the other resources are per stack (and so per region).
    const named = Object.entries(template.Resources).filter(([, r]) => r.Type === 'AWS::IAM::Role' && r.Properties['RoleName'] !== undefined);
    expect(named.map(([id]) => id)).toEqual(['ActorRole']);
  });

  it('lets the actor role do exactly what the central functions do in a member account, on this account and region', () => {
    const policies = resource('ActorRole').Properties['Policies'] as Json[];
    expect(policies).toHaveLength(1);
    const statements = asArray<Json>(policies[0]!.PolicyDocument.Statement);
    expect(statements.every((s) => s.Effect === 'Allow' && typeof s.Sid === 'string' && s.Condition === undefined && s.NotAction === undefined)).toBe(true);
    const expected = [
      // Approvals
      ...['PutApprovalResult', 'GetPipelineState', 'GetPipelineExecution', 'GetPipeline', 'ListActionExecutions'].map((a) => `codepipeline:${a}`),
      // Rollback
      ...['GetDeployment', 'BatchGetDeployments', 'ListDeployments', 'GetDeploymentGroup', 'GetDeploymentConfig']
        .concat(['GetApplicationRevision', 'RegisterApplicationRevision', 'CreateDeployment', 'StopDeployment'])
        .map((a) => `codedeploy:${a}`),
      ...['RollbackStage', 'StopPipelineExecution', 'ListPipelineExecutions'].map((a) => `codepipeline:${a}`),
      // Governance
      ...['ListPipelines', 'GetPipeline', 'ListTagsForResource', 'DisableStageTransition', 'EnableStageTransition', 'StartPipelineExecution'].map(
        (a) => `codepipeline:${a}`,
      ),
      'codebuild:ListProjects',
      'codebuild:BatchGetProjects',
      'ssm:GetCalendarState',
      'codecommit:GetCommit',
      'codecommit:GetComment',
      // Build log tails, deploy failures explained, tags
      'logs:GetLogEvents',
      'codedeploy:ListDeploymentTargets',
      'codedeploy:BatchGetDeploymentTargets',
      'cloudformation:DescribeStackEvents',
      'cloudformation:ListStackSetOperations',
      'cloudformation:ListStackSetOperationResults',
      'ecs:DescribeServices',
      'tag:GetResources',
    ];
    const granted = statements.flatMap((s) => asArray<string>(s.Action));
    expect(new Set(granted)).toEqual(new Set(expected));

    // `*` only for the actions without resource-level permissions; the rest on this account and region.
    const anywhere = statements.filter((s) => asArray(s.Resource).includes('*')).flatMap((s) => asArray<string>(s.Action));
    expect(new Set(anywhere)).toEqual(new Set(['codepipeline:ListPipelines', 'codebuild:ListProjects', 'tag:GetResources']));
    const scoped = statements.filter((s) => !asArray(s.Resource).includes('*'));
    for (const statement of scoped) {
      for (const r of asArray<Json>(statement.Resource)) {
        expect(r['Fn::Sub'], statement.Sid).toMatch(/^arn:\$\{AWS::Partition\}:[a-z]+:\$\{AWS::Region\}:(\$\{AWS::AccountId\}|\*):./);
        const service = asArray<string>(statement.Action).map((a) => a.split(':')[0]);
        expect(new Set(service), statement.Sid).toEqual(new Set([/^arn:\$\{AWS::Partition\}:([a-z]+):/.exec(r['Fn::Sub'])?.[1]]));
        // Another account's resources only for SSM change calendars, which may be shared.
        if ((r['Fn::Sub'] as string).includes(':*:')) expect(r).toEqual(sub('ssm:${AWS::Region}:*:document/*'));
      }
    }
    const resourcesOf = (action: string) => statements.filter((s) => asArray(s.Action).includes(action)).flatMap((s) => asArray(s.Resource));
    expect(resourcesOf('logs:GetLogEvents')).toEqual([
      sub('logs:${AWS::Region}:${AWS::AccountId}:log-group:/aws/codebuild/*'),
      sub('logs:${AWS::Region}:${AWS::AccountId}:log-group:/aws/codebuild/*:log-stream:*'),
    ]);
    expect(resourcesOf('codedeploy:ListDeploymentTargets')).toEqual([sub('codedeploy:${AWS::Region}:${AWS::AccountId}:deploymentgroup:*')]);
    expect(resourcesOf('cloudformation:DescribeStackEvents')).toEqual([sub('cloudformation:${AWS::Region}:${AWS::AccountId}:stack/*')]);
    expect(resourcesOf('cloudformation:ListStackSetOperationResults')).toEqual([sub('cloudformation:${AWS::Region}:${AWS::AccountId}:stackset/*')]);
    expect(resourcesOf('ecs:DescribeServices')).toEqual([sub('ecs:${AWS::Region}:${AWS::AccountId}:service/*')]);
    expect(resourcesOf('codebuild:BatchGetProjects')).toEqual([sub('codebuild:${AWS::Region}:${AWS::AccountId}:project/*')]);
    expect(resourcesOf('codedeploy:GetDeploymentConfig')).toEqual([sub('codedeploy:${AWS::Region}:${AWS::AccountId}:deploymentconfig:*')]);
    expect(resourcesOf('codepipeline:PutApprovalResult')).toEqual([sub('codepipeline:${AWS::Region}:${AWS::AccountId}:*')]);
  });
});

describe('warden member-template', () => {
  it('prints infra/member.yml as it is without a config, and with a config that has no organization', () => {
    expect(memberTemplate({})).toBe(TEXT);
    expect(memberTemplate({ config: config('version: 1\nroutes:\n  - slack: { channels: [C0PLATFORM1] }\n') })).toBe(TEXT);
    const { code, stdout, stderr } = warden('member-template');
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout).toBe(TEXT);
  });

  it("fills the defaults from the config's organization section and the region flag, and changes nothing else", () => {
    const text = memberTemplate({ config: config(ORG_CONFIG), actorRoleRegion: 'eu-west-1' });
    const printed = parseCloudFormation(text) as typeof template;
    expect(printed.Parameters).toMatchObject({
      ActorRoleName: { Default: 'acme-warden-actor' },
      OrganizationId: { Default: 'o-a1b2c3d4e5' },
      ActorRoleRegion: { Default: 'eu-west-1' },
    });
    // The same template otherwise, short-form tags, comments and all.
    const parameters = (t: typeof template) => Object.fromEntries(Object.entries(t.Parameters).map(([k, { Default: _, ...rest }]) => [k, rest]));
    expect({ ...printed, Parameters: parameters(printed) }).toEqual({ ...template, Parameters: parameters(template) });
    const changed = text.split('\n').filter((line, i) => line !== TEXT.split('\n')[i]);
    expect(changed).toEqual(["    Default: 'o-a1b2c3d4e5'", "    Default: 'acme-warden-actor'", "    Default: 'eu-west-1'"]);
    expect(text).toContain('Resource: !Sub arn:${AWS::Partition}:codepipeline:${AWS::Region}:${AWS::AccountId}:*');
  });

  it('keeps the default role name and an empty organization id when the organization section leaves them out', () => {
    const text = memberTemplate({
      config: config('version: 1\nroutes:\n  - slack: { channels: [C0PLATFORM1] }\norganization:\n  accounts: ["111122223333"]\n'),
    });
    expect((parseCloudFormation(text) as typeof template).Parameters).toMatchObject({
      ActorRoleName: { Default: 'pipeline-warden-actor' },
      OrganizationId: { Default: '' },
      ActorRoleRegion: { Default: '' },
    });
  });

  it("quotes every value, and refuses one the parameter's AllowedPattern would", () => {
    // `@` cannot start a plain YAML scalar; every value is printed single-quoted.
    const text = withDefaults(TEXT, { ActorRoleName: '@actor', ActorRoleRegion: 'us-gov-west-1' });
    expect((parseCloudFormation(text) as typeof template).Parameters).toMatchObject({
      ActorRoleName: { Default: '@actor' },
      ActorRoleRegion: { Default: 'us-gov-west-1' },
    });
    expect(() => withDefaults(TEXT, { ActorRoleName: 'no spaces allowed' })).toThrow(/AllowedPattern/);
    expect(() => withDefaults(TEXT, { NoSuchParameter: 'x' })).toThrow(/has no Default/);
  });

  it('prints a template cfn-lint passes, for a config with an organization', () => {
    const configFile = path.join(work, 'warden.yml');
    writeFileSync(configFile, ORG_CONFIG);
    const { code, stdout, stderr } = warden('member-template', '--config', configFile, '--actor-role-region', 'us-east-1');
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout).toContain("    Default: 'acme-warden-actor'");
    const out = path.join(work, 'member.yml');
    writeFileSync(out, stdout);
    expect(cfnLint(out)).toEqual({ status: 0, output: '' });
  }, 120_000);

  it('is listed by warden --help, has its own --help, and names a wrong region or config', () => {
    expect(warden('--help').stdout).toContain('warden member-template [--config FILE] [--actor-role-region REGION]');
    const help = warden('member-template', '--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^usage: warden member-template /);
    expect(help.stdout).toContain('--actor-role-region REGION');

    const region = warden('member-template', '--actor-role-region', 'europe');
    expect(region.code).toBe(2);
    expect(region.stdout).toBe('');
    expect(region.stderr).toContain('warden member-template: --actor-role-region: not an AWS region: "europe"');
    const missing = warden('member-template', '--config', path.join(work, 'none.yml'));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('none.yml: invalid configuration');
  });
});
