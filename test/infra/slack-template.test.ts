/**
 * The Slack interactivity endpoint in the packaged stack (infra/slack.yml): the HTTP API route to
 * slackActions, the function's settings, its least-privilege role, and the URL output for the app.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { asArray, getAtt, iamStatements, type Json, ofType, type Packaged, serverlessPackage, type Template, zipEntries } from '../support/package';

const serverlessConfig = createRequire(import.meta.url)('../../scripts/serverless-config.cjs') as {
  signingSecretIamStatement(ctx: { resolveVariable(v: string): Promise<unknown> }): Promise<Json>;
  breakGlassResourcesOf(config: Json): { pipelines: Json[]; stages: Json[] } | undefined;
};

/** Actions that change something (a statement granting one must name its resources). */
const WRITE_ACTION = /:(Put|Update|Delete|Create|Start|Stop|Send|Publish|Invoke|Disable|Enable|Retry|Rollback|Override)/;

describe('packaged Slack interactivity endpoint', () => {
  let packaged: Packaged;
  let t: Template;
  let statements: Json[];

  beforeAll(async () => {
    packaged = await serverlessPackage([]);
    t = packaged.template;
    // The role's own policy, and the break-glass policy attached to it.
    statements = iamStatements(t)
      .filter((s) => /^SlackActions(Role\/|BreakGlassPolicy$)/.test(s.where))
      .map((s) => s.statement);
  });

  it('routes POST /slack/actions of an HTTP API to slackActions with payload format 2.0', () => {
    const routes = ofType(t, 'AWS::ApiGatewayV2::Route').filter(([, p]) => p.RouteKey === 'POST /slack/actions');
    expect(routes).toHaveLength(1);
    const [, route] = routes[0]!;
    const integrationId = (route.Target['Fn::Join'] as [string, [string, { Ref: string }]])[1][1].Ref;
    const integration = t.Resources[integrationId]!.Properties;
    expect(integration).toMatchObject({ IntegrationType: 'AWS_PROXY', PayloadFormatVersion: '2.0', IntegrationUri: getAtt('SlackActionsLambdaFunction') });
    expect(route.ApiId).toEqual({ Ref: 'HttpApi' });
    expect(t.Resources.HttpApi!.Properties.ProtocolType).toBe('HTTP');
    // No authorizer: Slack cannot send one; the function checks Slack's signature itself.
    expect(route.AuthorizationType ?? 'NONE').toBe('NONE');
  });

  it('throttles the public endpoint and caps its concurrency, so a flood cannot starve the other functions', () => {
    expect(t.Resources.HttpApiStage!.Properties.DefaultRouteSettings).toEqual({ ThrottlingRateLimit: 10, ThrottlingBurstLimit: 20 });
    expect(t.Resources.SlackActionsLambdaFunction!.Properties.ReservedConcurrentExecutions).toBe(5);
    // No other function reserves concurrency: they share the rest of the account's pool.
    const reserved = ofType(t, 'AWS::Lambda::Function').filter(([, fn]) => fn.ReservedConcurrentExecutions !== undefined);
    expect(reserved.map(([id]) => id)).toEqual(['SlackActionsLambdaFunction']);
  });

  it('runs slackActions on nodejs24.x arm64 with a short timeout, its own role and the table', () => {
    const fn = t.Resources.SlackActionsLambdaFunction!.Properties;
    expect(fn).toMatchObject({ Runtime: 'nodejs24.x', Architectures: ['arm64'], Timeout: 10, MemorySize: 512, Role: getAtt('SlackActionsRole') });
    expect(fn.Environment.Variables.TABLE_NAME).toEqual({ Ref: 'CardsTable' });
    expect(fn.Environment.Variables.DEFAULT_TOPIC_ARN).toEqual({ Ref: 'NotificationsTopic' });
  });

  it('gives the role exactly: own logs, the replay-protection put on its own keys, the signing secret, the bot token, and what the approval route needs', () => {
    const bySid = Object.fromEntries(statements.map((s) => [s.Sid, s]));
    expect(Object.keys(bySid).sort()).toEqual([
      'Approvals',
      'BreakGlassChangeCalendars',
      'BreakGlassPipelines',
      'BreakGlassRecords',
      'BreakGlassStages',
      'DecideApprovals',
      'OwnLogGroup',
      'ReadApprovalPipelines',
      'ReadSlackSigningSecret',
      'ReadSlackToken',
      'SlackRequestReplayProtection',
      'StopApprovalTimers',
    ]);
    expect(bySid.BreakGlassRecords.Condition).toEqual({ 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['GOVERNANCE#*', 'AUDIT#*'] } });
    // Approvals and their audit trail only: not the run cards, not the replay-protection keys.
    expect(bySid.Approvals.Condition).toEqual({ 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['APPROVAL#*', 'AUDIT#*'] } });
    const sub = (suffix: string) => ({ 'Fn::Sub': `arn:\${AWS::Partition}:codepipeline:\${AWS::Region}:\${AWS::AccountId}:${suffix}` });
    expect(bySid.DecideApprovals.Resource).toEqual([sub('*/*/*'), sub('payments-*/Production/*')]);
    expect(bySid.StopApprovalTimers.Resource['Fn::Sub']).toMatch(/:execution:pipeline-warden-ci-approval:\*$/);
    expect(bySid.OwnLogGroup.Resource).toEqual(getAtt('SlackActionsLogGroup'));
    expect(bySid.SlackRequestReplayProtection).toEqual({
      Sid: 'SlackRequestReplayProtection',
      Effect: 'Allow',
      Action: 'dynamodb:PutItem',
      Resource: getAtt('CardsTable'),
      Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['SLACK-REQUEST#*'] } },
    });
    expect(bySid.ReadSlackSigningSecret).toEqual({
      Sid: 'ReadSlackSigningSecret',
      Effect: 'Allow',
      Action: ['ssm:GetParameter'],
      Resource: { 'Fn::Sub': 'arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter/pipeline-warden/slack-signing-secret' },
    });
    expect(bySid.ReadSlackToken.Action).toEqual(['ssm:GetParameter']);
  });

  it('grants break-glass only when a freeze has break-glass approvers, on its pipelines and their production stages', () => {
    expect(t.Conditions?.SlackBreakGlass).toEqual({ 'Fn::Equals': ['true', 'true'] });
    const policy = t.Resources.SlackActionsBreakGlassPolicy as Json;
    expect(policy.Condition).toBe('SlackBreakGlass');
    expect(policy.Properties.Roles).toEqual([{ Ref: 'SlackActionsRole' }]);
    const bySid = Object.fromEntries(asArray<Json>(policy.Properties.PolicyDocument.Statement).map((s) => [s.Sid, s]));
    const sub = (suffix: string) => ({ 'Fn::Sub': `arn:\${AWS::Partition}:codepipeline:\${AWS::Region}:\${AWS::AccountId}:${suffix}` });
    // config/warden.yml: year-end (every pipeline) and payments-weekend (payments-*) have break-glass approvers.
    expect(bySid.BreakGlassPipelines.Resource).toEqual([sub('*'), sub('payments-*')]);
    const stages = asArray<Json>(bySid.BreakGlassStages.Resource).map((r) => r['Fn::Sub'].split(':').pop());
    expect(stages).toContain('payments-*/*Prod*');
    expect(stages).toContain('*/LIVE*');
    expect(stages.every((stage: string) => /^(\*|payments-\*)\/./.test(stage) && stage.split('/')[1] !== '*')).toBe(true);
    // No statement of the role itself touches stage transitions.
    const own = iamStatements(t)
      .filter((s) => s.where.startsWith('SlackActionsRole/'))
      .flatMap((s) => asArray<string>(s.statement.Action));
    expect(own.filter((a) => /StageTransition|GetPipeline$/.test(a))).toEqual([]);
  });

  it('names no break-glass resource without a freeze that has approvers, and widens production-stage globs only as IAM must', () => {
    expect(serverlessConfig.breakGlassResourcesOf({ productionStages: ['*prod*'], governance: { freezes: [{ name: 'f' }] } })).toBeUndefined();
    expect(serverlessConfig.breakGlassResourcesOf({ productionStages: ['*prod*'] })).toBeUndefined();
    const granted = serverlessConfig.breakGlassResourcesOf({
      productionStages: ['*[-_.]live', 'release-{eu,us}', '!*pre-prod*'],
      governance: { freezes: [{ pipelines: ['web', 'api-{a,b}'], breakGlass: { approvers: ['U0LEAD0001'] } }] },
    })!;
    const last = (r: Json) => r['Fn::Sub'].split(':').pop();
    expect(granted.pipelines.map(last)).toEqual(['*', 'web']);
    expect(granted.stages.map(last)).toEqual([
      '*/*?live',
      '*/*?Live',
      '*/*?LIVE',
      '*/release-*',
      '*/Release-*',
      '*/RELEASE-*',
      'web/*?live',
      'web/*?Live',
      'web/*?LIVE',
      'web/release-*',
      'web/Release-*',
      'web/RELEASE-*',
    ]);
  });

  it('grants no write on "*", and writes to the table only under a leading-key condition', () => {
    for (const s of statements) {
      const writes = asArray<string>(s.Action).filter((action) => WRITE_ACTION.test(action));
      if (writes.length > 0) expect(asArray(s.Resource), `${s.Sid}: ${writes.join(', ')}`).not.toContain('*');
      if (JSON.stringify(s.Resource).includes('CardsTable')) expect(s.Condition?.['ForAllValues:StringLike']?.['dynamodb:LeadingKeys'], s.Sid).toBeDefined();
    }
    expect(
      statements
        .flatMap((s) => asArray<string>(s.Action))
        .filter((action) => WRITE_ACTION.test(action))
        .sort(),
    ).toEqual([
      'codepipeline:DisableStageTransition',
      'codepipeline:EnableStageTransition',
      'codepipeline:PutApprovalResult',
      'dynamodb:DeleteItem',
      'dynamodb:PutItem',
      'dynamodb:PutItem',
      'dynamodb:PutItem',
      'logs:CreateLogStream',
      'logs:PutLogEvents',
      'states:StopExecution',
    ]);
  });

  it('reads the signing secret from Secrets Manager when the config names a secret', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'warden-slack-config-'));
    const file = path.join(dir, 'warden.yml');
    writeFileSync(
      file,
      'version: 1\nslack: { signingSecretParameter: "secretsmanager:pipeline-warden/slack" }\nroutes:\n  - slack: { channels: [C0TEAM0001] }\n',
    );
    try {
      expect(await serverlessConfig.signingSecretIamStatement({ resolveVariable: async (v: string) => (v === 'sls:stage' ? 'ci' : file) })).toEqual({
        Sid: 'ReadSlackSigningSecret',
        Effect: 'Allow',
        Action: ['secretsmanager:GetSecretValue'],
        Resource: { 'Fn::Sub': 'arn:${AWS::Partition}:secretsmanager:${AWS::Region}:${AWS::AccountId}:secret:pipeline-warden/slack-??????' },
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('outputs the Request URL to paste into the Slack app, beside osls’s HttpApiUrl', () => {
    expect(t.Outputs.HttpApiUrl).toBeDefined();
    expect(t.Outputs.SlackInteractivityUrl!.Value).toEqual({ 'Fn::Sub': 'https://${HttpApi}.execute-api.${AWS::Region}.${AWS::URLSuffix}/slack/actions' });
  });

  it('ships slackActions as its own bundle, within 300 kB with both routes', () => {
    // The approval and break-glass routes (policy rules, freezes) are bundled and load on first use;
    // `npm run bench` measures the cold start. notify's stricter 250 kB is for the hot path.
    const zip = zipEntries(path.join(packaged.dir, 'slackActions.zip'));
    const code = zip.get('functions/slack-actions/handler.js');
    expect(code).toBeDefined();
    expect(code!.size).toBeLessThan(300_000);
  });
});
