/**
 * The deployed rules route real events as the project's own matcher says they should: every
 * event is put on moto's EventBridge, and the events queue receives exactly the ones the queue
 * rules' patterns (events/*.pattern.json, through `matchesPattern`) match, once per matching rule.
 */
import {
  EventBridgeClient,
  ListTargetsByRuleCommand,
  PutEventsCommand,
  type PutEventsRequestEntry,
  RemoveTargetsCommand,
  type Target,
} from '@aws-sdk/client-eventbridge';
import { type EventSourceMappingConfiguration, LambdaClient, ListEventSourceMappingsCommand, UpdateEventSourceMappingCommand } from '@aws-sdk/client-lambda';
import { DeleteMessageCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { matchesPattern } from '../../tools/event-pattern/matcher';
import { type RealEvent, realEvents } from './real-events';
import { patternFile, RULE_PATTERNS } from './rules';
import { ACCOUNT, onMoto, physical, physicalIds, REGION } from './stack';

const QUEUE_RULES = ['AlarmRule', 'CodeArtifactRule', 'CodeBuildRule', 'CodeCommitRule', 'CodeDeployRule', 'CodePipelineRule'];
const EVENTS_QUEUE_ARN = `arn:aws:sqs:${REGION}:${ACCOUNT}:pipeline-warden-ci-events`;
const DLQ_ARN = `arn:aws:sqs:${REGION}:${ACCOUNT}:pipeline-warden-ci-events-dlq`;

const events = new EventBridgeClient(onMoto());
const lambda = new LambdaClient(onMoto());
const sqs = new SQSClient(onMoto());
afterAll(() => {
  for (const client of [events, lambda, sqs]) client.destroy();
});

let ids: Map<string, string>;
/** Every rule's targets as deployed, before this file removes the Lambda ones. */
const deployedTargets = new Map<string, Target[]>();
let notifyMapping: EventSourceMappingConfiguration | undefined;

beforeAll(async () => {
  ids = await physicalIds();
  for (const rule of Object.keys(RULE_PATTERNS)) {
    const { Targets = [] } = await events.send(new ListTargetsByRuleCommand({ Rule: physical(ids, rule) }));
    deployedTargets.set(rule, Targets);
    // moto delivers only to SQS, log-group and event-bus targets: a matching rule with a Lambda
    // (or Step Functions) target raises NotImplementedError, a 500 for the whole PutEvents. Those
    // targets are removed here (their deployed form is asserted below, the rules' patterns in
    // data.test.ts). The schedules need it most: moto treats a rule without a pattern as matching
    // every event, so their Lambda targets would fail every PutEvents.
    const unsupported = Targets.filter((t) => !/^arn:aws:(sqs|logs|events):/.test(t.Arn ?? '')).map((t) => t.Id as string);
    if (unsupported.length > 0) await events.send(new RemoveTargetsCommand({ Rule: physical(ids, rule), Ids: unsupported }));
  }
  // moto hands each message sent to a queue with an enabled mapping straight to the function
  // (a Docker invoke) and deletes it: with notify's mapping disabled, the messages stay for us.
  // (Listed unfiltered: moto's FunctionName filter matches nothing here.)
  const { EventSourceMappings = [] } = await lambda.send(new ListEventSourceMappingsCommand({}));
  notifyMapping = EventSourceMappings.find((m) => m.FunctionArn?.endsWith(':function:pipeline-warden-ci-notify'));
  for (const { UUID } of EventSourceMappings) await lambda.send(new UpdateEventSourceMappingCommand({ UUID, Enabled: false }));
});

describe('as deployed', () => {
  it('the queue rules target the events queue, with retries and the DLQ; the others a function', () => {
    for (const [rule, targets] of deployedTargets) {
      const onQueue = QUEUE_RULES.includes(rule);
      expect(targets, rule).toEqual([
        expect.objectContaining({
          Arn: onQueue ? EVENTS_QUEUE_ARN : expect.stringMatching(/^arn:aws:lambda:us-east-1:123456789012:function:pipeline-warden-ci-/),
          ...(rule.endsWith('Schedule') ? {} : { DeadLetterConfig: { Arn: DLQ_ARN } }),
          ...(onQueue ? { RetryPolicy: { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86400 } } : {}),
        }),
      ]);
    }
  });

  it('notify polls the events queue: batches of 10, 1 s window, 5 concurrent, partial batch failures', () => {
    expect(notifyMapping).toMatchObject({
      EventSourceArn: EVENTS_QUEUE_ARN,
      FunctionArn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:pipeline-warden-ci-notify`,
      BatchSize: 10,
      MaximumBatchingWindowInSeconds: 1,
      ScalingConfig: { MaximumConcurrency: 5 },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      State: 'Enabled',
    });
  });
});

describe('routing real events', () => {
  it('delivers to the events queue exactly the events the queue rules match, once per rule', async () => {
    const fixtures = realEvents();
    expect(fixtures.length).toBeGreaterThan(20);
    const names = await putAll(fixtures);
    const expected = fixtures.flatMap(([name, event]) =>
      QUEUE_RULES.filter((rule) => matchesPattern(patternFile(RULE_PATTERNS[rule] as string), event)).map(() => name),
    );
    const delivered = await drain(EVENTS_QUEUE_ARN);
    for (const body of delivered) {
      const event = fixtures.find(([name]) => name === names.get(body.id))?.[1];
      expect(body).toMatchObject({ source: event?.source, 'detail-type': event?.['detail-type'], detail: event?.detail });
    }
    expect(delivered.map((body) => names.get(body.id)).sort()).toEqual(expected.sort());
    expect(expected.length).toBeGreaterThan(0);
  });

  it('delivers an event no rule wants nowhere', async () => {
    const [name, build] = realEvents().find(([, e]) => e.source === 'aws.codebuild') ?? [];
    expect(name).toBeDefined();
    const unwanted: RealEvent = { ...structuredClone(build as RealEvent), 'detail-type': 'CodeBuild Report State Change' };
    const wanting = Object.values(RULE_PATTERNS).filter((file) => file !== null && matchesPattern(patternFile(file), unwanted));
    expect(wanting).toEqual([]);
    await putAll([['unwanted', unwanted]]);
    expect(await drain(EVENTS_QUEUE_ARN)).toEqual([]);
    expect(await drain(DLQ_ARN)).toEqual([]);
  });
});

/** PutEvents in batches of 10 (its limit); returns EventId → name. moto accepts `aws.*` sources, AWS would not. */
async function putAll(named: Array<[string, RealEvent]>): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  for (let i = 0; i < named.length; i += 10) {
    const batch = named.slice(i, i + 10);
    const result = await events.send(new PutEventsCommand({ Entries: batch.map(([, event]) => entry(event)) }));
    expect(result.FailedEntryCount, JSON.stringify(result.Entries)).toBe(0);
    result.Entries?.forEach((e, at) => {
      names.set(e.EventId as string, batch[at]?.[0] as string);
    });
  }
  return names;
}

const entry = (event: RealEvent): PutEventsRequestEntry => ({
  Source: event.source,
  DetailType: event['detail-type'],
  Detail: JSON.stringify(event.detail),
  Resources: event.resources ?? [],
  ...(event.time ? { Time: new Date(event.time) } : {}),
});

/** Every message now in the queue (moto delivers during PutEvents), deleted once read. */
async function drain(queueArn: string): Promise<Array<{ id: string } & Record<string, unknown>>> {
  const QueueUrl = physical(ids, queueArn === DLQ_ARN ? 'EventsDeadLetterQueue' : 'EventsQueue');
  const bodies: Array<{ id: string } & Record<string, unknown>> = [];
  for (;;) {
    const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
    if (Messages.length === 0) return bodies;
    for (const message of Messages) {
      bodies.push(JSON.parse(message.Body ?? '{}'));
      await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: message.ReceiptHandle }));
    }
  }
}
