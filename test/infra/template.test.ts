/**
 * The packaged stack, read from the CloudFormation template `serverless package` writes offline:
 * EventBridge rules → encrypted SQS → notify, with one dead-letter queue for every failure path, and
 * least-privilege IAM. Also checks the rule patterns against the real sample events.
 */
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { matchesPattern } from '../../functions/core/pattern/matcher';
import { readJsonTree, SHARED_DIR } from '../support/shared';

const PROJECT_DIR = path.resolve(__dirname, '../..');
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
  alarm: 'AlarmRule',
} as const;
type Family = keyof typeof FAMILIES;
const FAMILY_NAMES = Object.keys(FAMILIES) as Family[];

/**
 * Actions allowed on Resource "*" because the API has no resource-level permissions. Read-only
 * only; empty today: every statement of the stack names its resources.
 */
const READ_ONLY_ACTIONS_ALLOWED_ON_STAR: readonly string[] = [];

type Json = Record<string, any>;
interface Template {
  Resources: Record<string, { Type: string; Properties: Json; DependsOn?: string | string[] }>;
  Outputs: Record<string, Json>;
}
interface Packaged {
  template: Template;
  dir: string;
  ms: number;
}

function pattern(family: Family): Json {
  return JSON.parse(readFileSync(path.join(PROJECT_DIR, 'events', `${family}.pattern.json`), 'utf8'));
}

/** `serverless package` offline, with osls's own bin on this Node, bounded by `timeout`. */
function serverlessPackage(extraArgs: string[]): Promise<Packaged> {
  const dir = mkdtempSync(path.join(tmpdir(), 'warden-package-'));
  const bin = path.join(PROJECT_DIR, 'node_modules/.bin/serverless');
  const args = ['120', process.execPath, bin, 'package', '--stage', 'ci', '--package', dir, ...extraArgs];
  const env = { ...process.env, SLS_TELEMETRY_DISABLED: '1', SLS_NOTIFICATIONS_MODE: 'off' };
  const started = Date.now();
  return new Promise((resolve, reject) => {
    execFile('timeout', args, { cwd: PROJECT_DIR, env, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) {
        reject(new Error(`serverless package ${extraArgs.join(' ')} failed (${error.code}):\n${stdout}\n${stderr}`));
        return;
      }
      const file = path.join(dir, 'cloudformation-template-update-stack.json');
      resolve({ template: JSON.parse(readFileSync(file, 'utf8')), dir, ms: Date.now() - started });
    });
  });
}

/** Entries of a zip archive (central directory), with a reader for stored/deflated ones. */
interface ZipEntry {
  readonly size: number;
  readonly compressed: number;
  read(): Buffer;
}

function zipEntries(file: string): Map<string, ZipEntry> {
  const zip = readFileSync(file);
  const eocd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (eocd < 0) throw new Error(`${file}: not a zip`);
  const count = zip.readUInt16LE(eocd + 10);
  let at = zip.readUInt32LE(eocd + 16);
  const entries = new Map<string, ZipEntry>();
  for (let i = 0; i < count; i += 1) {
    const method = zip.readUInt16LE(at + 10);
    const compressed = zip.readUInt32LE(at + 20);
    const size = zip.readUInt32LE(at + 24);
    const nameLength = zip.readUInt16LE(at + 28);
    const extraLength = zip.readUInt16LE(at + 30);
    const commentLength = zip.readUInt16LE(at + 32);
    const local = zip.readUInt32LE(at + 42);
    const name = zip.toString('utf8', at + 46, at + 46 + nameLength);
    const read = (): Buffer => {
      const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
      const data = zip.subarray(start, start + compressed);
      return method === 8 ? inflateRawSync(data) : Buffer.from(data);
    };
    entries.set(name, { size, compressed, read });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

const getAtt = (logicalId: string, attribute = 'Arn') => ({ 'Fn::GetAtt': [logicalId, attribute] });
const asArray = <T>(value: T | T[] | undefined): T[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

function ofType(template: Template, type: string): Array<[string, Json]> {
  return Object.entries(template.Resources)
    .filter(([, resource]) => resource.Type === type)
    .map(([id, resource]) => [id, resource.Properties]);
}

/** Every statement of every identity policy in the template (roles, policies, managed policies). */
function iamStatements(template: Template): Array<{ where: string; statement: Json }> {
  const out: Array<{ where: string; statement: Json }> = [];
  for (const [id, resource] of Object.entries(template.Resources)) {
    const props = resource.Properties ?? {};
    const documents: Array<[string, Json]> =
      resource.Type === 'AWS::IAM::Role'
        ? asArray<Json>(props.Policies).map((p) => [`${id}/${p.PolicyName}`, p.PolicyDocument])
        : ['AWS::IAM::Policy', 'AWS::IAM::ManagedPolicy'].includes(resource.Type)
          ? [[id, props.PolicyDocument]]
          : [];
    for (const [where, document] of documents) {
      for (const statement of asArray<Json>(document.Statement)) out.push({ where, statement });
    }
  }
  return out;
}

describe('packaged stack', () => {
  let packaged: Packaged;
  let orgBus: Packaged;
  let t: Template;

  beforeAll(async () => {
    // One after the other: serverless-esbuild builds in the project's .esbuild/ folder.
    packaged = await serverlessPackage([]);
    orgBus = await serverlessPackage(['--param=eventBusName=org-bus']);
    t = packaged.template;
    console.info(`serverless package: ${packaged.ms} ms (default bus), ${orgBus.ms} ms (org-bus)`);
  }, 300_000);

  afterAll(() => {
    for (const run of [packaged, orgBus]) if (run) rmSync(run.dir, { recursive: true, force: true });
  });

  it('has one rule per family, each with its events/*.pattern.json pattern, on the chosen bus', () => {
    const rules = ofType(t, 'AWS::Events::Rule');
    expect(rules.map(([id]) => id).sort()).toEqual(Object.values(FAMILIES).sort());
    for (const family of FAMILY_NAMES) {
      const rule = t.Resources[FAMILIES[family]]!.Properties;
      expect(rule.EventPattern, family).toEqual(pattern(family));
      expect(rule.State).toBe('ENABLED');
      expect(rule.EventBusName).toBe('default');
      expect(orgBus.template.Resources[FAMILIES[family]]!.Properties.EventBusName).toBe('org-bus');
    }
  });

  it('gives every rule target the events queue, a retry policy and the dead-letter queue', () => {
    for (const [id, rule] of ofType(t, 'AWS::Events::Rule')) {
      expect(rule.Targets, id).toHaveLength(1);
      for (const target of rule.Targets) {
        expect(target.Arn, id).toEqual(getAtt('EventsQueue'));
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

  it('lets only the five rules send to the queues', () => {
    const policies = ofType(t, 'AWS::SQS::QueuePolicy');
    expect(policies).toHaveLength(1);
    const [, policy] = policies[0]!;
    expect(policy.Queues).toEqual([{ Ref: 'EventsQueue' }, { Ref: 'EventsDeadLetterQueue' }]);
    const allows = asArray<Json>(policy.PolicyDocument.Statement).filter((s) => s.Effect === 'Allow');
    expect(allows).toHaveLength(1);
    const [allow] = allows;
    expect(allow!.Principal).toEqual({ Service: 'events.amazonaws.com' });
    expect(asArray(allow!.Action)).toEqual(['sqs:SendMessage']);
    expect(allow!.Condition.ArnEquals['aws:SourceArn']).toEqual(Object.values(FAMILIES).map((id) => getAtt(id)));
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
    expect(role.AssumeRolePolicyDocument.Statement).toEqual([
      { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' },
    ]);
    const bySid = Object.fromEntries(iamStatements(t).map(({ statement }) => [statement.Sid, statement]));
    expect(Object.keys(bySid).sort()).toEqual(
      [
        'ConsumeEventsQueue',
        'EncryptEmail',
        'OwnLogGroup',
        'PublishEmail',
        'ReadCodeBuildLogs',
        'ReadPipelines',
        'ReadSlackToken',
        'RunCards',
        'SendPermanentFailuresToDeadLetterQueue',
      ],
    );
    expect(bySid.OwnLogGroup.Resource).toEqual(getAtt('NotifyLogGroup'));
    expect(bySid.ConsumeEventsQueue.Resource).toEqual(getAtt('EventsQueue'));
    expect(bySid.SendPermanentFailuresToDeadLetterQueue).toMatchObject({ Action: 'sqs:SendMessage', Resource: getAtt('EventsDeadLetterQueue') });
    expect(bySid.RunCards.Resource).toEqual(getAtt('CardsTable'));
    expect(bySid.PublishEmail.Resource).toEqual([{ Ref: 'NotificationsTopic' }, ...serverlessConfig.topicArnsOf(config)]);
    expect(config.slack.tokenParameter).toMatch(/^\//); // an SSM parameter name
    expect(bySid.ReadSlackToken).toMatchObject({
      Action: ['ssm:GetParameter'],
      Resource: { 'Fn::Sub': `arn:\${AWS::Partition}:ssm:\${AWS::Region}:\${AWS::AccountId}:parameter${config.slack.tokenParameter}` },
    });
    expect(bySid.ReadPipelines).toMatchObject({
      Action: 'codepipeline:GetPipeline',
      Resource: { 'Fn::Sub': 'arn:${AWS::Partition}:codepipeline:${AWS::Region}:${AWS::AccountId}:*' },
    });
    for (const resource of asArray<Json>(bySid.ReadCodeBuildLogs.Resource)) {
      expect(resource['Fn::Sub']).toMatch(/^arn:\$\{AWS::Partition\}:logs:\$\{AWS::Region\}:\$\{AWS::AccountId\}:log-group:\/aws\/codebuild\//);
    }
  });

  it('runs notify on nodejs24.x arm64, fed by the queue in partial batches with bounded concurrency', () => {
    const fn = t.Resources.NotifyLambdaFunction!.Properties;
    expect(fn).toMatchObject({ Runtime: 'nodejs24.x', Architectures: ['arm64'], Timeout: 60, MemorySize: 512 });
    expect(fn.Handler).toBe('functions/handlers/notify.handler');
    expect(fn.Environment.Variables).toMatchObject({
      POWERTOOLS_SERVICE_NAME: 'pipeline-warden',
      NODE_OPTIONS: '--enable-source-maps',
      POWERTOOLS_LOG_LEVEL: 'INFO',
      TABLE_NAME: { Ref: 'CardsTable' },
      DEAD_LETTER_QUEUE_URL: { Ref: 'EventsDeadLetterQueue' },
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
      expect.arrayContaining(['EventsQueueArn', 'EventsQueueUrl', 'EventsDeadLetterQueueArn', 'EventsDeadLetterQueueUrl', 'NotificationsTopicArn', 'CardsTableName']),
    );
  });

  it('ships notify as one small minified bundle with its source map and the embedded config', () => {
    const zip = path.join(packaged.dir, 'notify.zip');
    expect(existsSync(zip)).toBe(true);
    const entries = zipEntries(zip);
    expect([...entries.keys()].sort()).toEqual(['functions/handlers/notify.js', 'functions/handlers/notify.js.map']);
    const code = entries.get('functions/handlers/notify.js')!;
    const map = entries.get('functions/handlers/notify.js.map')!;
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
    expect(bundle.trimEnd().endsWith('//# sourceMappingURL=notify.js.map')).toBe(true);
    expect(bundle).not.toContain('WARDEN_EMBEDDED_CONFIG');
    expect(bundle).not.toContain('WARDEN_EMBEDDED_GLOBS');
    // Every channel of config/warden.yml is in the bundle: `define` embedded the validated config.
    for (const channel of config.routes.flatMap((route) => route.slack?.channels ?? [])) expect(bundle).toContain(channel);
    // The routes' globs arrive compiled; picomatch's parser (and its POSIX class table) does not.
    expect(bundle).toContain('"payments-*":{"source":');
    expect(bundle).not.toMatch(/xdigit|POSIX_REGEX_SOURCE/);
  });
});

describe('rule patterns and the real sample events (../shared/events)', () => {
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
  const samples = readJsonTree(path.join(SHARED_DIR, 'events'));

  it('finds the samples', () => {
    expect(samples.length).toBeGreaterThanOrEqual(17);
    for (const [file] of samples) expect(Object.keys(FAMILY_OF_DIR), file).toContain(file.split(path.sep)[0]);
  });

  it.each(samples)('%s matches exactly its family pattern', (file, event) => {
    const expected = NO_FAMILY.has(file.split(path.sep).join('/')) ? [] : [FAMILY_OF_DIR[file.split(path.sep)[0]!]];
    const matched = FAMILY_NAMES.filter((family) => matchesPattern(pattern(family), event));
    expect(matched).toEqual(expected.filter((f) => f !== undefined));
  });

  it('has a sample for every family but CodeArtifact; the CodeArtifact guide\'s example matches only its rule', () => {
    const covered = new Set(samples.map(([file]) => FAMILY_OF_DIR[file.split(path.sep)[0]!]));
    expect(FAMILY_NAMES.filter((f) => !covered.has(f))).toEqual(['codeartifact']);
    // No real CodeArtifact event is in ../shared/events: the user guide's example, copied in test/fixtures/aws-docs.
    const guide = JSON.parse(readFileSync(path.resolve(__dirname, '../fixtures/aws-docs/codeartifact-guide-package-published.json'), 'utf8')) as unknown;
    expect(FAMILY_NAMES.filter((family) => matchesPattern(pattern(family), guide))).toEqual(['codeartifact']);
  });
});
