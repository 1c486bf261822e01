/**
 * The packaged governance stack: its rules (patterns from events/), the daily audit and the freeze
 * tick, each target with retries and the dead-letter queue; a role that writes nothing on `*`; the
 * policy embedded in the bundle (validated at package time), without a YAML parser.
 */
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asArray, getAtt, iamStatements, serverlessPackage, zipEntries, type Json, type Packaged } from '../support/package';

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
    expect(resource('GovernanceAuditSchedule')).toMatchObject({ ScheduleExpression: 'cron(0 6 * * ? *)', Targets: [{ Input: '{"warden":"audit"}' }] });
    expect(resource('GovernanceFreezeSchedule')).toMatchObject({ ScheduleExpression: 'rate(5 minutes)', Targets: [{ Input: '{"warden":"tick"}' }] });
    const queuePolicy = asArray<Json>(resource('EventsQueuePolicy').PolicyDocument.Statement).find((s) => s.Sid === 'EventBridgeRulesOnly')!;
    for (const id of ['GovernanceChangeRule', 'PackageTriggerRule', 'GovernanceAuditSchedule', 'GovernanceFreezeSchedule']) {
      const [target] = resource(id).Targets as Json[];
      expect(target, id).toMatchObject({ Arn: getAtt('GovernanceLambdaFunction'), RetryPolicy: { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86400 }, DeadLetterConfig: { Arn: getAtt('EventsDeadLetterQueue') } });
      expect(queuePolicy.Condition.ArnEquals['aws:SourceArn'], id).toContainEqual(getAtt(id));
      const permission = Object.values(packaged.template.Resources).find((r) => r.Type === 'AWS::Lambda::Permission' && JSON.stringify(r.Properties.SourceArn) === JSON.stringify(getAtt(id)));
      expect(permission?.Properties, id).toMatchObject({ Principal: 'events.amazonaws.com', FunctionName: getAtt('GovernanceLambdaFunction') });
    }
  });

  it('grants `*` only to the List actions that have no resource-level permissions, and writes only on named resources', () => {
    const statements = iamStatements(packaged.template).filter(({ where }) => where.startsWith('GovernanceRole/')).map(({ statement }) => statement);
    const star = statements.filter((s) => asArray(s.Resource).includes('*'));
    expect(star.flatMap((s) => asArray<string>(s.Action)).sort()).toEqual(['codebuild:ListProjects', 'codepipeline:ListPipelines']);
    const bySid = Object.fromEntries(statements.map((s) => [s.Sid, s]));
    expect(bySid.GovernPipelines.Resource).toEqual({ 'Fn::Sub': 'arn:${AWS::Partition}:codepipeline:${AWS::Region}:${AWS::AccountId}:*' });
    expect(bySid.GovernanceRecords.Condition).toEqual({ 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['GOVERNANCE#*', 'AUDIT#*'] } });
  });

  it('embeds the validated policy in the bundle, without a YAML parser', () => {
    const code = zipEntries(path.join(packaged.dir, 'governance.zip')).get('functions/handlers/governance.js')!.read().toString('utf8');
    expect(code).not.toContain('WARDEN_EMBEDDED_POLICY');
    expect(code).toContain('codebuild-plaintext-secrets');
    expect(code).toContain('no-github-v1-source'); // the custom rules ship with it
    expect(code).not.toContain('YAMLParseError');
    expect(code.length).toBeLessThan(300_000);
  });
});
