/**
 * What moto can prove about the stack's queues, table, topic and key, and that the deployed rules
 * carry exactly the patterns in `events/` (the files `warden replay` and the tests route with).
 *
 * Not provable in moto 5.2.1 (checked; its CloudFormation drops them): the table's TTL attribute
 * and point-in-time recovery (both report disabled), the queue policy (unsupported type), the DLQ
 * alarm (unsupported type). moto's CloudFormation keeps a key's KeyPolicy as a dict, not JSON text:
 * DescribeKey then fails inside moto (HTTP 500, TypeError in its key-policy check), so the key is
 * read through GetKeyRotationStatus, GetKeyPolicy (which returns that dict) and ListAliases.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DescribeRuleCommand, EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { GetKeyPolicyCommand, GetKeyRotationStatusCommand, KMSClient, ListAliasesCommand } from '@aws-sdk/client-kms';
import { GetTopicAttributesCommand, SNSClient } from '@aws-sdk/client-sns';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { motoPolicy } from '../support/moto';
import { PROJECT_DIR } from '../support/package';
import { patternFile, RULE_PATTERNS } from './rules';
import { ACCOUNT, onMoto, physical, physicalIds, REGION } from './stack';

const sqs = new SQSClient(onMoto());
const dynamo = new DynamoDBClient(onMoto());
const sns = new SNSClient(onMoto());
const kms = new KMSClient(onMoto());
const events = new EventBridgeClient(onMoto());
let ids: Map<string, string>;
beforeAll(async () => {
  ids = await physicalIds();
});
afterAll(() => {
  for (const client of [sqs, dynamo, sns, kms, events]) client.destroy();
});

const queueArn = (name: string) => `arn:aws:sqs:${REGION}:${ACCOUNT}:${name}`;
const attributes = async (logicalId: string) =>
  (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: physical(ids, logicalId), AttributeNames: ['All'] }))).Attributes ?? {};

describe('queues', () => {
  it('redrives the events queue to the DLQ after 5 receives', async () => {
    const queue = await attributes('EventsQueue');
    expect(JSON.parse(queue.RedrivePolicy ?? '{}')).toEqual({ deadLetterTargetArn: queueArn('pipeline-warden-ci-events-dlq'), maxReceiveCount: 5 });
    expect(queue).toMatchObject({ VisibilityTimeout: '370', MessageRetentionPeriod: '345600', SqsManagedSseEnabled: 'true' });
  });

  it('keeps dead letters 14 days, encrypted', async () => {
    expect(await attributes('EventsDeadLetterQueue')).toMatchObject({ MessageRetentionPeriod: '1209600', SqsManagedSseEnabled: 'true' });
  });
});

it('keys the cards table by pk (hash) and sk (range), on demand', async () => {
  const { Table } = await dynamo.send(new DescribeTableCommand({ TableName: physical(ids, 'CardsTable') }));
  expect(Table?.KeySchema).toEqual([
    { AttributeName: 'pk', KeyType: 'HASH' },
    { AttributeName: 'sk', KeyType: 'RANGE' },
  ]);
  expect(Table?.AttributeDefinitions).toEqual([
    { AttributeName: 'pk', AttributeType: 'S' },
    { AttributeName: 'sk', AttributeType: 'S' },
  ]);
  expect(Table?.BillingModeSummary?.BillingMode).toBe('PAY_PER_REQUEST');
});

describe('notifications topic and key', () => {
  it("encrypts the topic with the stack's own key, which rotates and has its alias", async () => {
    const keyId = physical(ids, 'NotificationsKey');
    const { Attributes } = await sns.send(new GetTopicAttributesCommand({ TopicArn: physical(ids, 'NotificationsTopic') }));
    expect(Attributes?.KmsMasterKeyId).toBe(`arn:aws:kms:${REGION}:${ACCOUNT}:key/${keyId}`);
    expect((await kms.send(new GetKeyRotationStatusCommand({ KeyId: keyId }))).KeyRotationEnabled).toBe(true);
    const { Aliases } = await kms.send(new ListAliasesCommand({ KeyId: keyId }));
    expect(Aliases?.map((a) => a.AliasName)).toContain('alias/pipeline-warden-ci-notifications');
  });

  it('lets CloudWatch alarms publish through the key (the DLQ alarm needs it)', async () => {
    const { Policy } = await kms.send(new GetKeyPolicyCommand({ KeyId: physical(ids, 'NotificationsKey'), PolicyName: 'default' }));
    const statements: Array<Record<string, unknown>> = motoPolicy(Policy).Statement;
    expect(statements.find((s) => s.Sid === 'CloudWatchAlarmsPublish')).toMatchObject({
      Principal: { Service: 'cloudwatch.amazonaws.com' },
      Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
    });
  });
});

describe('rules', () => {
  it('use every pattern file in events/', () => {
    const files = readdirSync(path.join(PROJECT_DIR, 'events')).filter((f) => f.endsWith('.pattern.json'));
    expect(files.map((f) => f.replace('.pattern.json', '')).sort()).toEqual(Object.values(RULE_PATTERNS).filter(Boolean).sort());
  });

  it.each(Object.entries(RULE_PATTERNS))('%s is deployed, enabled, with the pattern events/%s.pattern.json', async (logicalId, file) => {
    const rule = await events.send(new DescribeRuleCommand({ Name: physical(ids, logicalId) }));
    expect(rule.State).toBe('ENABLED');
    if (file === null) expect(rule.ScheduleExpression).toMatch(/^(cron|rate)\(/);
    else expect(JSON.parse(rule.EventPattern ?? 'null')).toEqual(patternFile(file));
  });
});
