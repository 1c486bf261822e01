/**
 * The packaged governance stack: its rules (patterns from events/), the daily audit and the freeze
 * tick, each target with retries and the dead-letter queue; a role that writes nothing on `*`; the
 * policy embedded in the bundle (validated at package time), without a YAML parser.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { customRules } from '../../config/custom-rules';
import { parsePolicy } from '../../functions/governance/domain/policy-schema';
import { governanceTrigger } from '../../functions/governance/domain/trigger';
import { asArray, getAtt, iamStatements, type Json, type Packaged, serverlessPackage, zipEntries } from '../support/package';

const { loadPolicy, changeCalendarResourcesOf } = createRequire(import.meta.url)('../../scripts/serverless-config.cjs') as {
  loadPolicy(file: string): unknown;
  changeCalendarResourcesOf(config: unknown): Json[];
};

let packaged: Packaged;
beforeAll(async () => {
  packaged = await serverlessPackage([]);
}, 300_000);
afterAll(() => rmSync(packaged.dir, { recursive: true, force: true }));

const resource = (id: string) => packaged.template.Resources[id]!.Properties;
const pattern = (file: string) => JSON.parse(readFileSync(path.join('events', file), 'utf8')) as Json;

describe('packaged governance', () => {
  it('sends pipeline/project changes, published packages, the daily audit and the freeze tick to governance, with retries and the DLQ', () => {
    expect(resource('GovernanceChangeRule').EventPattern).toEqual(pattern('governance-cloudtrail.pattern.json'));
    expect(resource('PackageTriggerRule').EventPattern).toEqual(pattern('package-trigger.pattern.json'));
    expect(resource('GovernanceAuditSchedule')).toMatchObject({
      ScheduleExpression: 'cron(0 6 * * ? *)',
      Targets: [{ InputTransformer: { InputPathsMap: { id: '$.id' } } }],
    });
    // EventBridge fills a JSON template's placeholders with JSON values: the scheduled event's id as a string.
    const { InputTemplate } = (resource('GovernanceAuditSchedule').Targets as Json[])[0]!.InputTransformer;
    const input = JSON.parse(InputTemplate.replace('<id>', JSON.stringify('89bd6d1f-1e9d-4d62-a9b2-5ae6a4b1c1d2')));
    expect(governanceTrigger(input)).toEqual({ kind: 'audit', eventId: '89bd6d1f-1e9d-4d62-a9b2-5ae6a4b1c1d2' });
    expect(resource('GovernanceFreezeSchedule')).toMatchObject({ ScheduleExpression: 'rate(5 minutes)', Targets: [{ Input: '{"warden":"tick"}' }] });
    const queuePolicy = asArray<Json>(resource('EventsQueuePolicy').PolicyDocument.Statement).find((s) => s.Sid === 'EventBridgeRulesOnly')!;
    expect(resource('GovernanceStageStartedRule').EventPattern).toEqual(pattern('governance-stage-started.pattern.json'));
    for (const id of ['GovernanceChangeRule', 'PackageTriggerRule', 'GovernanceAuditSchedule', 'GovernanceFreezeSchedule', 'GovernanceStageStartedRule']) {
      const [target] = resource(id).Targets as Json[];
      expect(target, id).toMatchObject({
        Arn: getAtt('GovernanceLambdaFunction'),
        RetryPolicy: { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86400 },
        DeadLetterConfig: { Arn: getAtt('EventsDeadLetterQueue') },
      });
      expect(queuePolicy.Condition.ArnEquals['aws:SourceArn'], id).toContainEqual(getAtt(id));
      const permission = Object.values(packaged.template.Resources).find(
        (r) => r.Type === 'AWS::Lambda::Permission' && JSON.stringify(r.Properties.SourceArn) === JSON.stringify(getAtt(id)),
      );
      expect(permission?.Properties, id).toMatchObject({ Principal: 'events.amazonaws.com', FunctionName: getAtt('GovernanceLambdaFunction') });
    }
  });

  it('grants `*` only to the List actions that have no resource-level permissions, and writes only on named resources', () => {
    const statements = iamStatements(packaged.template)
      .filter(({ where }) => where.startsWith('GovernanceRole/'))
      .map(({ statement }) => statement);
    const star = statements.filter((s) => asArray(s.Resource).includes('*'));
    expect(star.flatMap((s) => asArray<string>(s.Action)).sort()).toEqual(['codebuild:ListProjects', 'codepipeline:ListPipelines']);
    const bySid = Object.fromEntries(statements.map((s) => [s.Sid, s]));
    expect(bySid.GovernPipelines.Resource).toEqual({ 'Fn::Sub': 'arn:${AWS::Partition}:codepipeline:${AWS::Region}:${AWS::AccountId}:*' });
    expect(bySid.GovernanceRecords.Condition).toEqual({ 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['GOVERNANCE#*', 'AUDIT#*'] } });
    // config/warden.yml names no change calendar: a document nobody can have, not document/*.
    expect(bySid.ReadChangeCalendars.Resource).toEqual([
      { 'Fn::Sub': 'arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:document/pipeline-warden-no-change-calendar' },
    ]);
  });

  it('embeds the validated policy in the bundle, without a YAML parser', () => {
    const code = zipEntries(path.join(packaged.dir, 'governance.zip')).get('functions/governance/handler.js')!.read().toString('utf8');
    expect(code).not.toContain('WARDEN_EMBEDDED_POLICY');
    expect(code).toContain('codebuild-plaintext-secrets');
    expect(code).toContain('no-github-v1-source'); // the custom rules ship with it
    expect(code).not.toContain('YAMLParseError');
    expect(code.length).toBeLessThan(300_000);
    // The rule ids are in the rule registry anyway: the whole validated policy proves the embedding.
    expect(code).toContain(JSON.stringify(loadPolicy('config/policy.yml')));
    // One `define` serves every function; only governance reads it, so the others do not carry it.
    const notify = zipEntries(path.join(packaged.dir, 'notify.zip')).get('functions/notify/handler.js')!.read().toString('utf8');
    expect(notify).not.toContain('A person approves every production deploy.');
  });

  it('runs governance for up to 5 minutes with 512 MB, its own role, the table and default topic, and async retries to the DLQ', () => {
    const fn = resource('GovernanceLambdaFunction');
    expect(fn).toMatchObject({
      Timeout: 300,
      MemorySize: 512,
      Role: getAtt('GovernanceRole'),
      Environment: { Variables: { TABLE_NAME: { Ref: 'CardsTable' }, DEFAULT_TOPIC_ARN: { Ref: 'NotificationsTopic' } } },
    });
    const asyncConfig = Object.values(packaged.template.Resources).find(
      (r) => r.Type === 'AWS::Lambda::EventInvokeConfig' && r.Properties.FunctionName?.Ref === 'GovernanceLambdaFunction',
    )?.Properties;
    expect(asyncConfig).toMatchObject({ MaximumRetryAttempts: 2, DestinationConfig: { OnFailure: { Destination: getAtt('EventsDeadLetterQueue') } } });
    const statements = iamStatements(packaged.template)
      .filter(({ where }) => where.startsWith('GovernanceRole/'))
      .map(({ statement }) => statement);
    expect(statements.find((s) => s.Sid === 'OwnLogGroup')?.Resource).toEqual(getAtt('GovernanceLogGroup'));
  });
});

describe('change calendar resources', () => {
  it('are the calendars the config names: a name in this account and region, an ARN as it is', () => {
    expect(
      changeCalendarResourcesOf({
        governance: { changeCalendars: ['release-calendar', 'arn:aws:ssm:eu-west-1:111122223333:document/org-freeze', 'release-calendar'] },
      }),
    ).toEqual([
      'arn:aws:ssm:eu-west-1:111122223333:document/org-freeze',
      { 'Fn::Sub': 'arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:document/release-calendar' },
    ]);
  });
});

describe('serverless package with an invalid policy', () => {
  it('fails and prints every problem, as `warden policy check` would', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'warden-policy-'));
    const file = path.join(dir, 'policy.yml');
    const text = 'version: 1\nrules:\n  - id: prod-aproval\n  - id: approval-timeout\n    mode: sometimes\n';
    writeFileSync(file, text);
    const expected = parsePolicy(text, { customRules });
    expect(expected.ok ? [] : expected.problems).toHaveLength(2);
    try {
      const failure = await serverlessPackage([`--param=policy=${file}`]).then(
        () => undefined,
        (error: Error) => error.message,
      );
      expect(failure).toContain('Invalid pipeline-warden policy');
      for (const problem of expected.ok ? [] : expected.problems) expect(failure).toContain(problem);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 300_000);
});
