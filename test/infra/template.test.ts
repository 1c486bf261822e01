/**
 * The packaged stack, read from the CloudFormation template `serverless package` writes offline:
 * EventBridge rules → encrypted SQS → notify, with one dead-letter queue for every failure path, and
 * least-privilege IAM. Also checks the rule patterns against the real sample events.
 */

import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { matchesPattern } from '../../tools/event-pattern/matcher';
import { AWS_DOCS_DIR, AWS_EVENTS_DIR, readJsonTree } from '../support/fixtures';
import {
  asArray,
  getAtt,
  iamStatements,
  type Json,
  ofType,
  type Packaged,
  PROJECT_DIR,
  serverlessPackage,
  type Template,
  zipEntries,
} from '../support/package';

const serverlessConfig = createRequire(import.meta.url)('../../scripts/serverless-config.cjs') as {
  loadConfig(file: string): WardenConfig;
  topicArnsOf(config: WardenConfig): string[];
};
interface WardenConfig {
  slack: { tokenParameter: string };
  routes: Array<{ slack?: { channels: string[] } }>;
}
/** The default config the stack is packaged with. */
const config = serverlessConfig.loadConfig('config/warden.yml');
/**
 * Size budgets of notify.zip. The code Lambda loads at a cold start (minified, `@aws-sdk` left to
 * the runtime) must stay within 250 KB (counted in the strict, decimal sense); the linked source map,
 * needed by --enable-source-maps, is mappings only, so the whole zip stays under twice that.
 */
const CODE_BUDGET_BYTES = 250_000;
const ZIP_BUDGET_BYTES = 2 * CODE_BUDGET_BYTES;

/** Rule logical id and pattern file of each family the notify path listens to. */
const FAMILIES = {
  codepipeline: 'CodePipelineRule',
  codebuild: 'CodeBuildRule',
  codedeploy: 'CodeDeployRule',
  codeartifact: 'CodeArtifactRule',
  codecommit: 'CodeCommitRule',
  alarm: 'AlarmRule',
} as const;
type Family = keyof typeof FAMILIES;
const FAMILY_NAMES = Object.keys(FAMILIES) as Family[];

/**
 * Actions allowed on Resource "*" because the API has no resource-level permissions. Read-only
 * only: governance lists the account's pipelines and projects.
 */
// Reads that have no resource-level permissions (the Service Authorization Reference lists none).
const READ_ONLY_ACTIONS_ALLOWED_ON_STAR: readonly string[] = ['codepipeline:ListPipelines', 'codebuild:ListProjects', 'cloudwatch:GetMetricWidgetImage'];

function pattern(family: Family): Json {
  return JSON.parse(readFileSync(path.join(PROJECT_DIR, 'events', `${family}.pattern.json`), 'utf8'));
}

describe('packaged stack', () => {
  let packaged: Packaged;
  let orgBus: Packaged;
  let t: Template;

  beforeAll(async () => {
    packaged = await serverlessPackage([]);
    orgBus = await serverlessPackage(['--param=eventBusName=org-bus']);
    t = packaged.template;
    console.info(`serverless package: ${packaged.ms} ms (default bus), ${orgBus.ms} ms (org-bus)`);
  }, 300_000);

  afterAll(() => {
    for (const run of [packaged, orgBus]) if (run) rmSync(run.dir, { recursive: true, force: true });
  });

  it('has one notify rule per family, each with its events/*.pattern.json pattern, on the chosen bus', () => {
    const rules = ofType(t, 'AWS::Events::Rule').filter(([, rule]) => rule.Targets?.some((target: Json) => target.Id === 'events-queue'));
    expect(rules.map(([id]) => id).sort()).toEqual(Object.values(FAMILIES).sort());
    for (const family of FAMILY_NAMES) {
      const rule = t.Resources[FAMILIES[family]]!.Properties;
      expect(rule.EventPattern, family).toEqual(pattern(family));
      expect(rule.State).toBe('ENABLED');
      expect(rule.EventBusName).toBe('default');
      expect(orgBus.template.Resources[FAMILIES[family]]!.Properties.EventBusName).toBe('org-bus');
    }
  });

  it('gives every rule target a retry policy and the dead-letter queue, and notify rules the events queue', () => {
    for (const [id, rule] of ofType(t, 'AWS::Events::Rule')) {
      expect(rule.Targets, id).toHaveLength(1);
      for (const target of rule.Targets) {
        if (Object.values(FAMILIES).includes(id as never)) expect(target.Arn, id).toEqual(getAtt('EventsQueue'));
        expect(target.RetryPolicy, id).toEqual({
          MaximumRetryAttempts: expect.any(Number),
          MaximumEventAgeInSeconds: expect.any(Number),
        });
        expect(target.DeadLetterConfig, id).toEqual({ Arn: getAtt('EventsDeadLetterQueue') });
      }
    }
  });

  it('encrypts both queues and redrives the events queue to the dead-letter queue', () => {
    const queue = t.Resources.EventsQueue!.Properties;
    const dlq = t.Resources.EventsDeadLetterQueue!.Properties;
    expect(queue.SqsManagedSseEnabled).toBe(true);
    expect(dlq.SqsManagedSseEnabled).toBe(true);
    expect(queue.RedrivePolicy).toEqual({ deadLetterTargetArn: getAtt('EventsDeadLetterQueue'), maxReceiveCount: 5 });
    expect(dlq.MessageRetentionPeriod).toBe(14 * 24 * 3600);
    const fn = t.Resources.NotifyLambdaFunction!.Properties;
    const mapping = t.Resources.NotifyEventSourceMappingSQSEventsQueue!.Properties;
    expect(queue.VisibilityTimeout).toBeGreaterThanOrEqual(6 * fn.Timeout + mapping.MaximumBatchingWindowInSeconds);
  });

  it("lets only the stack's rules send to the queues", () => {
    const policies = ofType(t, 'AWS::SQS::QueuePolicy');
    expect(policies).toHaveLength(1);
    const [, policy] = policies[0]!;
    expect(policy.Queues).toEqual([{ Ref: 'EventsQueue' }, { Ref: 'EventsDeadLetterQueue' }]);
    const allows = asArray<Json>(policy.PolicyDocument.Statement).filter((s) => s.Effect === 'Allow');
    expect(allows).toHaveLength(1);
    const [allow] = allows;
    expect(allow!.Principal).toEqual({ Service: 'events.amazonaws.com' });
    expect(asArray(allow!.Action)).toEqual(['sqs:SendMessage']);
    // Notify rules send to the events queue; every rule may dead-letter.
    const rules = ofType(t, 'AWS::Events::Rule').map(([id]) => getAtt(id));
    expect(allow!.Condition.ArnEquals['aws:SourceArn']).toEqual(expect.arrayContaining(Object.values(FAMILIES).map((id) => getAtt(id))));
    expect(allow!.Condition.ArnEquals['aws:SourceArn']).toHaveLength(rules.length);
    expect(allow!.Condition.ArnEquals['aws:SourceArn']).toEqual(expect.arrayContaining(rules));
  });

  it('alarms on a non-empty dead-letter queue to the notifications topic', () => {
    const alarms = ofType(t, 'AWS::CloudWatch::Alarm').map(([, a]) => a);
    const dlqAlarm = alarms.find((a) => a.Dimensions?.[0]?.Value?.['Fn::GetAtt']?.[0] === 'EventsDeadLetterQueue');
    expect(dlqAlarm).toMatchObject({
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: getAtt('EventsDeadLetterQueue', 'QueueName') }],
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      AlarmActions: [{ Ref: 'NotificationsTopic' }],
    });
  });

  it('encrypts the topic with a key CloudWatch alarms may use, and keeps cards in a safe table', () => {
    const topic = t.Resources.NotificationsTopic!.Properties;
    expect(topic.KmsMasterKeyId).toEqual(getAtt('NotificationsKey'));
    const keyPolicy = t.Resources.NotificationsKey!.Properties.KeyPolicy;
    const cloudwatch = asArray<Json>(keyPolicy.Statement).find((s) => s.Principal?.Service === 'cloudwatch.amazonaws.com');
    expect(cloudwatch?.Action).toEqual(expect.arrayContaining(['kms:Decrypt', 'kms:GenerateDataKey*']));

    const table = t.Resources.CardsTable!.Properties;
    expect(table).toMatchObject({
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true },
    });
  });

  it('grants no write or wildcard action on Resource "*"', () => {
    const statements = iamStatements(t);
    expect(statements.length).toBeGreaterThan(0);
    for (const { where, statement } of statements) {
      const actions = asArray<string>(statement.Action);
      expect(statement.NotAction, where).toBeUndefined();
      expect(statement.NotResource, where).toBeUndefined();
      for (const action of actions) expect(action, where).not.toMatch(/^(\*|[a-z0-9-]+:\*)$/);
      if (statement.Effect !== 'Allow' || !asArray(statement.Resource).includes('*')) continue;
      for (const action of actions) expect(READ_ONLY_ACTIONS_ALLOWED_ON_STAR, `${where}: ${action} on *`).toContain(action);
    }
  });

  it('gives notify its own role with exactly the statements it needs', () => {
    const fn = t.Resources.NotifyLambdaFunction!.Properties;
    expect(fn.Role).toEqual(getAtt('NotifyRole'));
    expect(t.Resources.IamRoleLambdaExecution).toBeUndefined();
    const role = t.Resources.NotifyRole!.Properties;
    expect(role.AssumeRolePolicyDocument.Statement).toEqual([{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }]);
    const bySid = Object.fromEntries(
      iamStatements(t)
        .filter(({ where }) => where.startsWith('NotifyRole/'))
        .map(({ statement }) => [statement.Sid, statement]),
    );
    expect(Object.keys(bySid).sort()).toEqual([
      'ConsumeEventsQueue',
      'EncryptEmail',
      'OwnLogGroup',
      'PublishEmail',
      'ReadCodeBuildLogs',
      'ReadCommits',
      'ReadDeployFailures',
      'ReadPipelines',
      'ReadServiceEvents',
      'ReadSlackToken',
      'ReadStackEvents',
      'ReadStackSetOperations',
      'RunCards',
      'ScheduleRedeliveries',
      'SendPermanentFailuresToDeadLetterQueue',
    ]);
    expect(bySid.OwnLogGroup.Resource).toEqual(getAtt('NotifyLogGroup'));
    expect(bySid.ConsumeEventsQueue.Resource).toEqual(getAtt('EventsQueue'));
    expect(bySid.SendPermanentFailuresToDeadLetterQueue).toMatchObject({ Action: 'sqs:SendMessage', Resource: getAtt('EventsDeadLetterQueue') });
    // Redeliveries go to notify's own queue; it may send nothing else anywhere.
    expect(bySid.ScheduleRedeliveries).toMatchObject({ Action: 'sqs:SendMessage', Resource: getAtt('EventsQueue') });
    expect(bySid.RunCards.Resource).toEqual(getAtt('CardsTable'));
    expect(bySid.PublishEmail.Resource).toEqual([{ Ref: 'NotificationsTopic' }, ...serverlessConfig.topicArnsOf(config)]);
    expect(config.slack.tokenParameter).toMatch(/^\//); // an SSM parameter name
    expect(bySid.ReadSlackToken).toMatchObject({
      Action: ['ssm:GetParameter'],
      Resource: { 'Fn::Sub': `arn:\${AWS::Partition}:ssm:\${AWS::Region}:\${AWS::AccountId}:parameter${config.slack.tokenParameter}` },
    });
    expect(bySid.ReadPipelines).toMatchObject({
      Action: ['codepipeline:GetPipeline', 'codepipeline:ListTagsForResource'],
      Resource: { 'Fn::Sub': 'arn:${AWS::Partition}:codepipeline:${AWS::Region}:${AWS::AccountId}:*' },
    });
    expect(bySid.ReadCommits).toMatchObject({
      Action: ['codecommit:GetCommit', 'codecommit:GetComment'],
      Resource: { 'Fn::Sub': 'arn:${AWS::Partition}:codecommit:${AWS::Region}:${AWS::AccountId}:*' },
    });
    expect(bySid.ReadStackSetOperations).toMatchObject({
      Action: ['cloudformation:ListStackSetOperations', 'cloudformation:ListStackSetOperationResults'],
      Resource: { 'Fn::Sub': 'arn:${AWS::Partition}:cloudformation:${AWS::Region}:${AWS::AccountId}:stackset/*' },
    });
    for (const resource of asArray<Json>(bySid.ReadCodeBuildLogs.Resource)) {
      expect(resource['Fn::Sub']).toMatch(/^arn:\$\{AWS::Partition\}:logs:\$\{AWS::Region\}:\$\{AWS::AccountId\}:log-group:\/aws\/codebuild\//);
    }
  });

  it('runs notify on nodejs24.x arm64, fed by the queue in partial batches with bounded concurrency', () => {
    const fn = t.Resources.NotifyLambdaFunction!.Properties;
    expect(fn).toMatchObject({ Runtime: 'nodejs24.x', Architectures: ['arm64'], Timeout: 60, MemorySize: 512 });
    expect(fn.Handler).toBe('functions/notify/handler.handler');
    expect(fn.Environment.Variables).toMatchObject({
      POWERTOOLS_SERVICE_NAME: 'pipeline-warden',
      NODE_OPTIONS: '--enable-source-maps',
      POWERTOOLS_LOG_LEVEL: 'INFO',
      TABLE_NAME: { Ref: 'CardsTable' },
      DEAD_LETTER_QUEUE_URL: { Ref: 'EventsDeadLetterQueue' },
      EVENTS_QUEUE_URL: { Ref: 'EventsQueue' },
      DEFAULT_TOPIC_ARN: { Ref: 'NotificationsTopic' },
    });
    const mapping = t.Resources.NotifyEventSourceMappingSQSEventsQueue!;
    expect(mapping.DependsOn).toContain('NotifyRole');
    expect(mapping.Properties).toMatchObject({
      EventSourceArn: getAtt('EventsQueue'),
      BatchSize: 10,
      MaximumBatchingWindowInSeconds: 1,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: 5 },
    });
    expect(t.Resources.NotifyLogGroup!.Properties.RetentionInDays).toBe(30);
  });

  it('exports the queue, dead-letter queue, topic and table', () => {
    expect(Object.keys(t.Outputs)).toEqual(
      expect.arrayContaining([
        'EventsQueueArn',
        'EventsQueueUrl',
        'EventsDeadLetterQueueArn',
        'EventsDeadLetterQueueUrl',
        'NotificationsTopicArn',
        'CardsTableName',
      ]),
    );
  });

  it('ships notify as one small minified bundle with its source map and the embedded config', () => {
    const zip = path.join(packaged.dir, 'notify.zip');
    expect(existsSync(zip)).toBe(true);
    const entries = zipEntries(zip);
    expect([...entries.keys()].sort()).toEqual(['functions/notify/handler.js', 'functions/notify/handler.js.map']);
    const code = entries.get('functions/notify/handler.js')!;
    const map = entries.get('functions/notify/handler.js.map')!;
    const size = statSync(zip).size;
    console.info(`notify.zip: ${size} bytes; notify.js ${code.size} bytes (${code.compressed} deflated); map ${map.size} bytes (${map.compressed} deflated)`);
    expect(code.size).toBeLessThanOrEqual(CODE_BUDGET_BYTES);
    expect(size).toBeLessThan(ZIP_BUDGET_BYTES);
    // Mappings only: the sources themselves would double the map again.
    expect(Object.keys(JSON.parse(map.read().toString('utf8')))).not.toContain('sourcesContent');
    const bundle = code.read().toString('utf8');
    // The SDK comes from the nodejs24.x runtime: referenced, never bundled.
    expect(bundle).toMatch(/require\("@aws-sdk\/client-[a-z-]+"\)/);
    expect(bundle).not.toContain('@aws-sdk/client-sqs/dist-cjs');
    expect(bundle.trimEnd().endsWith('//# sourceMappingURL=handler.js.map')).toBe(true);
    expect(bundle).not.toContain('WARDEN_EMBEDDED_CONFIG');
    expect(bundle).not.toContain('WARDEN_EMBEDDED_GLOBS');
    // Every channel of config/warden.yml is in the bundle: `define` embedded the validated config.
    for (const channel of config.routes.flatMap((route) => route.slack?.channels ?? [])) expect(bundle).toContain(channel);
    // The routes' globs arrive compiled; picomatch's parser (and its POSIX class table) does not.
    expect(bundle).toContain('"payments-*":{"source":');
    expect(bundle).not.toMatch(/xdigit|POSIX_REGEX_SOURCE/);
  });
});

describe('rule patterns and the real sample events (test/fixtures/aws-events)', () => {
  /** Family each sample directory belongs to; samples listed in NO_FAMILY must match no rule. */
  const FAMILY_OF_DIR: Record<string, Family | undefined> = {
    codepipeline: 'codepipeline',
    codebuild: 'codebuild',
    codedeploy: 'codedeploy',
    cloudwatch: 'alarm',
    cloudtrail: undefined,
    notifications: undefined,
  };
  const NO_FAMILY = new Set([
    'cloudwatch/cw-guide-config-change-update-metric-alarm.json', // alarm configuration change: governance, not notify
    'cloudtrail/devops-dashboard-codecommit-gitpush.json',
    'notifications/codepipeline-guide-manual-approval-sns-message.json', // an SNS message, not an event
  ]);
  const samples = readJsonTree(AWS_EVENTS_DIR);

  it('finds the samples', () => {
    expect(samples.length).toBeGreaterThanOrEqual(17);
    for (const [file] of samples) expect(Object.keys(FAMILY_OF_DIR), file).toContain(file.split(path.sep)[0]);
  });

  it.each(samples)('%s matches exactly its family pattern', (file, event) => {
    const expected = NO_FAMILY.has(file.split(path.sep).join('/')) ? [] : [FAMILY_OF_DIR[file.split(path.sep)[0]!]];
    const matched = FAMILY_NAMES.filter((family) => matchesPattern(pattern(family), event));
    expect(matched).toEqual(expected.filter((f) => f !== undefined));
  });

  it("has a sample for every family but CodeArtifact and CodeCommit; the CodeArtifact guide's example matches only its rule", () => {
    const covered = new Set(samples.map(([file]) => FAMILY_OF_DIR[file.split(path.sep)[0]!]));
    // CodeCommit's events are written from its user guide's examples in test/fixtures/codecommit (test/core/events/codecommit.test.ts).
    expect(FAMILY_NAMES.filter((f) => !covered.has(f))).toEqual(['codeartifact', 'codecommit']);
    // No real CodeArtifact event is in test/fixtures/aws-events: the user guide's example, copied in test/fixtures/aws-docs.
    const guide = JSON.parse(readFileSync(path.join(AWS_DOCS_DIR, 'codeartifact-guide-package-published.json'), 'utf8')) as unknown;
    expect(FAMILY_NAMES.filter((family) => matchesPattern(pattern(family), guide))).toEqual(['codeartifact']);
  });
});
