/**
 * The weekly digest as packaged (infra/digest.yml, infra/packaging/digest.ts) with the sample
 * config (config/warden.yml: Monday 09:00 UTC): its EventBridge Scheduler schedule with a retry
 * policy and the dead-letter queue, the schedule's role (invoke the digest function, dead-letter,
 * nothing else), the digest function's table access; and `digestScheduleOf` on other configs.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { digestScheduleOf } from '../../infra/packaging/digest';
import { asArray, getAtt, type Json, type Packaged, PROJECT_DIR, serverlessPackage, type Template } from '../support/package';
import { config } from '../support/scenarios';

let packaged: Packaged;
let t: Template;
beforeAll(async () => {
  packaged = await serverlessPackage([]);
  t = packaged.template;
}, 300_000);
afterAll(() => {
  if (packaged) rmSync(packaged.dir, { recursive: true, force: true });
});

const resource = (id: string) => {
  const r = t.Resources[id];
  if (!r) throw new Error(`no resource ${id}`);
  return r;
};
const statementsOf = (roleId: string): Json[] =>
  asArray<Json>(resource(roleId).Properties['Policies']).flatMap((p) => asArray<Json>(p['PolicyDocument']['Statement']));

describe('the packaged digest schedule', () => {
  it('is an EventBridge Scheduler schedule, Monday 09:00 UTC, enabled, with no flexible window', () => {
    const schedule = resource('DigestSchedule');
    expect(schedule.Type).toBe('AWS::Scheduler::Schedule');
    expect(schedule.Properties).toMatchObject({
      ScheduleExpression: 'cron(0 9 ? * MON *)',
      ScheduleExpressionTimezone: 'UTC',
      State: 'ENABLED',
      FlexibleTimeWindow: { Mode: 'OFF' },
    });
  });

  it('invokes the digest function as its own role, with a retry policy and the dead-letter queue', () => {
    const target = resource('DigestSchedule').Properties['Target'] as Json;
    expect(target['Arn']).toEqual(getAtt('DigestLambdaFunction'));
    expect(target['RoleArn']).toEqual(getAtt('DigestSchedulerRole'));
    expect(target['RetryPolicy']).toEqual({ MaximumRetryAttempts: 10, MaximumEventAgeInSeconds: 3600 });
    expect(target['DeadLetterConfig']).toEqual({ Arn: getAtt('EventsDeadLetterQueue') });
    expect(resource('DigestLambdaFunction').Type).toBe('AWS::Lambda::Function');
    expect(resource('EventsDeadLetterQueue').Type).toBe('AWS::SQS::Queue');
  });

  it('has a role only EventBridge Scheduler of this account assumes, allowed to invoke the digest function and dead-letter, nothing more', () => {
    const role = resource('DigestSchedulerRole');
    expect(role.Type).toBe('AWS::IAM::Role');
    const trust = asArray<Json>(role.Properties['AssumeRolePolicyDocument']['Statement']);
    expect(trust).toEqual([
      {
        Effect: 'Allow',
        Principal: { Service: 'scheduler.amazonaws.com' },
        Action: 'sts:AssumeRole',
        Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
      },
    ]);
    expect(role.Properties['ManagedPolicyArns']).toBeUndefined();
    const allowed = statementsOf('DigestSchedulerRole').map((s) => ({ effect: s['Effect'], action: asArray(s['Action']), resource: asArray(s['Resource']) }));
    expect(allowed).toEqual([
      { effect: 'Allow', action: ['lambda:InvokeFunction'], resource: [getAtt('DigestLambdaFunction')] },
      { effect: 'Allow', action: ['sqs:SendMessage'], resource: [getAtt('EventsDeadLetterQueue')] },
    ]);
    // No other policy of the template is attached to it.
    const attached = Object.values(t.Resources).filter(
      (r) => ['AWS::IAM::Policy', 'AWS::IAM::ManagedPolicy'].includes(r.Type) && JSON.stringify(r.Properties['Roles'] ?? []).includes('DigestSchedulerRole'),
    );
    expect(attached).toEqual([]);
  });

  it("limits the digest function's table access to delivery facts and once-claims", () => {
    const dynamo = statementsOf('DigestRole').filter((s) => asArray<string>(s['Action']).some((a) => a.startsWith('dynamodb:')));
    expect(dynamo).toHaveLength(1);
    const [statement] = dynamo as [Json];
    expect(statement['Resource']).toEqual(getAtt('CardsTable'));
    expect(asArray<string>(statement['Action']).sort()).toEqual(['dynamodb:DeleteItem', 'dynamodb:PutItem', 'dynamodb:Query']);
    expect(statement['Condition']).toEqual({ 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['DELIVERY#*', 'ONCE#*'] } });
    expect(resource('DigestLambdaFunction').Properties['Role']).toEqual(getAtt('DigestRole'));
  });
});

describe('digestScheduleOf', () => {
  const digest = (yaml: string) =>
    config(`version: 1
routes:
  - match: { pipelines: ["*"] }
    slack: { channels: [C0TEAM0001] }
insights:
  digest: ${yaml}
`);

  it.each([
    ['the defaults', '{}', { expression: 'cron(0 9 ? * MON *)', timezone: 'UTC', state: 'ENABLED' }],
    [
      'friday 17:30 Berlin',
      '{ day: friday, time: "17:30", timezone: Europe/Berlin }',
      { expression: 'cron(30 17 ? * FRI *)', timezone: 'Europe/Berlin', state: 'ENABLED' },
    ],
    [
      'leading zeros dropped',
      '{ day: sunday, time: "07:05", timezone: America/New_York }',
      { expression: 'cron(5 7 ? * SUN *)', timezone: 'America/New_York', state: 'ENABLED' },
    ],
    ['midnight', '{ day: wednesday, time: "00:00" }', { expression: 'cron(0 0 ? * WED *)', timezone: 'UTC', state: 'ENABLED' }],
    ['disabled', '{ enabled: false }', { expression: 'cron(0 9 ? * MON *)', timezone: 'UTC', state: 'DISABLED' }],
  ])('%s', (_, yaml, expected) => {
    expect(digestScheduleOf(digest(yaml))).toEqual(expected);
  });

  it('a time zone that does not exist fails `warden validate` with its path', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'warden-digest-'));
    try {
      const file = path.join(dir, 'warden.yml');
      writeFileSync(
        file,
        [
          'version: 1',
          'routes:',
          '  - match: { pipelines: ["*"] }',
          '    slack: { channels: [C0TEAM0001] }',
          'insights:',
          '  digest:',
          '    timezone: Mars/Olympus',
          '',
        ].join('\n'),
      );
      const out = spawnSync(process.execPath, [path.join(PROJECT_DIR, 'bin/warden.cjs'), 'validate', file], {
        cwd: PROJECT_DIR,
        encoding: 'utf8',
        env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
      });
      expect(out.status).toBe(1);
      expect(`${out.stdout}${out.stderr}`).toContain('insights.digest.timezone: must be an IANA time zone');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
