/**
 * The notify Lambda end to end: SQS batches in, a real local DynamoDB (dynalite) for cards, a local
 * HTTP server speaking Slack's Web API, and a recorded SNS/DLQ edge.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import type { Context, SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { picomatchGlobs } from '../../functions/kernel/glob-picomatch';
import { notifyEvent } from '../../functions/notify/app/notify-event';
import type { BatchDeps } from '../../functions/notify/app/process-batch';
import { createHandler } from '../../functions/notify/handler';
import { createDynamoCardStore } from '../../functions/platform/dynamo-store';
import { createRecorder } from '../../functions/platform/recording';
import { createSlackPort } from '../../functions/platform/slack';
import { startLocalDynamo } from '../support/local-dynamo';
import { config, sampleWorld, scenario } from '../support/scenarios';
import { startSlackServer } from '../support/slack-server';

const CONFIG = config(`
version: 1
routes:
  - match: { pipelines: ["*"] }
    slack: { channels: [C0TEAM0001], level: all }
    email: { topics: [default] }
`);

type Dynamo = Awaited<ReturnType<typeof startLocalDynamo>>;
type Slack = Awaited<ReturnType<typeof startSlackServer>>;
let dynamo: Dynamo;
let slack: Slack;
let table = 0;

beforeAll(async () => {
  dynamo = await startLocalDynamo();
  slack = await startSlackServer();
});
afterAll(async () => {
  await slack?.close();
  await dynamo?.stop();
});

async function setup(shared?: string) {
  const tableName = shared ?? `cards-${++table}`;
  if (!shared) await dynamo.createTable(tableName);
  const recorder = createRecorder(sampleWorld());
  const notifyDeps = {
    config: CONFIG,
    globs: picomatchGlobs(),
    store: createDynamoCardStore({ client: dynamo.doc, tableName }),
    slack: createSlackPort({ token: 'xoxb-test-token', slackApiUrl: slack.url, retryConfig: { retries: 3, minTimeout: 10, maxTimeout: 20 } }),
    email: recorder.email,
    logs: recorder.logs,
    pipelines: recorder.pipelines,
    defaultTopicArn: 'arn:aws:sns:eu-west-1:123456789012:warden',
    now: () => new Date(),
  };
  const silent = new Logger({ logLevel: 'SILENT' });
  const deps: BatchDeps = { deadLetter: recorder.deadLetter, logger: silent, notify: notifyDeps };
  return { recorder, tableName, notify: (event: unknown) => notifyEvent(event, notifyDeps), handler: createHandler(async () => deps) };
}

const sqs = (bodies: readonly string[]): SQSEvent => ({
  Records: bodies.map((body, i) => ({
    messageId: `m-${i}`,
    receiptHandle: `r-${i}`,
    body,
    attributes: { ApproximateReceiveCount: '1', SentTimestamp: '0', SenderId: 'events', ApproximateFirstReceiveTimestamp: '0' },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:eu-west-1:123456789012:events',
    awsRegion: 'eu-west-1',
  })),
});
const context = { functionName: 'notify', awsRequestId: 'req', getRemainingTimeInMillis: () => 60_000 } as unknown as Context;
const events = () => scenario('01-pipeline-build-fails').map((s) => JSON.stringify(s.event));
const topLevel = () => slack.requests.filter((r) => r.method === 'chat.postMessage' && r.status === 200 && !r.error && !r.body['thread_ts']);

describe('notify handler against local DynamoDB and a local Slack API', () => {
  beforeEach(() => slack.reset());

  it("delivers a whole run in one batch: one card with the run's final state, at most one update, one thread reply, one email (issue 12)", async () => {
    const { recorder, handler } = await setup();
    const result = await handler(sqs(events()), context);
    expect(result.batchItemFailures).toEqual([]);
    expect(topLevel()).toHaveLength(1);
    const [card] = slack.messages('C0TEAM0001').filter((m) => !m.threadTs);
    expect(JSON.stringify(card?.blocks)).toContain('payments-api');
    // The batch is merged per run: the card goes out once, in its final state (failed).
    expect(card?.updates).toBeLessThanOrEqual(1);
    expect(JSON.stringify(card?.blocks)).toContain(':x: *<');
    expect(slack.messages('C0TEAM0001').filter((m) => m.threadTs)).toHaveLength(1);
    expect(recorder.calls.filter((c) => c.call === 'sns.publish')).toHaveLength(1);
  });

  it('retries a 429 after Retry-After and 500s, then delivers exactly once', async () => {
    const { handler } = await setup();
    slack.failNext(1, { kind: 'rate-limited', retryAfter: 1 });
    slack.failNext(2, { kind: 'http', status: 500 });
    const started = Date.now();
    const result = await handler(sqs(events().slice(0, 3)), context);
    expect(result.batchItemFailures).toEqual([]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(slack.requests.filter((r) => r.status === 429)).toHaveLength(1);
    expect(slack.requests.filter((r) => r.status === 500)).toHaveLength(2);
    expect(topLevel()).toHaveLength(1);
  });

  it('leaves a record for SQS (and so the DLQ) when Slack stays down, and loses nothing when it comes back', async () => {
    const { handler } = await setup();
    const bodies = events();
    await handler(sqs(bodies.slice(0, 2)), context);
    slack.failNext(Number.POSITIVE_INFINITY, { kind: 'http', status: 500 });
    const failed = await handler(sqs(bodies.slice(2, 5)), context);
    expect(failed.batchItemFailures.map((f) => f.itemIdentifier)).toEqual(['m-0', 'm-1', 'm-2']);
    slack.heal();
    // SQS redelivers the failed records (or a redrive brings them back from the DLQ).
    const retried = await handler(sqs(bodies.slice(2)), context);
    expect(retried.batchItemFailures).toEqual([]);
    expect(topLevel()).toHaveLength(1);
    const [card] = slack.messages('C0TEAM0001').filter((m) => !m.threadTs);
    expect(JSON.stringify(card?.blocks)).toContain(':x: *<');
    expect(slack.messages('C0TEAM0001').filter((m) => m.threadTs)).toHaveLength(1);
  });

  it('sends a malformed event to the dead-letter queue with its problems and processes the rest', async () => {
    const { recorder, handler } = await setup();
    const broken = JSON.parse(events()[0]!) as { detail: Record<string, unknown> };
    delete broken.detail['pipeline'];
    const result = await handler(sqs([JSON.stringify(broken), '{not json', events()[0]!]), context);
    expect(result.batchItemFailures).toEqual([]);
    const letters = recorder.calls.filter((c) => c.call === 'sqs.sendMessage');
    const problems = (l: (typeof letters)[number]) => (l.input['MessageAttributes'] as Record<string, { StringValue: string }>)['problems']?.StringValue;
    expect(letters.map(problems)).toEqual(['detail.pipeline: required', expect.stringMatching(/^body: not JSON/)]);
    expect(letters[0]?.input['MessageBody']).toBe(JSON.stringify(broken));
    expect(topLevel()).toHaveLength(1);
  });

  it('dead-letters at once, with the reason, what Slack refuses for good (the bot is not in the channel)', async () => {
    const { recorder, handler } = await setup();
    slack.failNext(1, { kind: 'error', error: 'not_in_channel' });
    const body = events()[0]!;
    const result = await handler(sqs([body]), context);
    expect(result.batchItemFailures).toEqual([]);
    const [letter] = recorder.calls.filter((c) => c.call === 'sqs.sendMessage');
    expect(letter?.input['MessageBody']).toBe(body);
    expect(JSON.stringify(letter?.input['MessageAttributes'])).toContain('not_in_channel');
    expect(slack.requests.filter((r) => r.method === 'chat.postMessage')).toHaveLength(1);
    // Once the bot is invited, a redrive of the same message posts the card.
    const redriven = await handler(sqs([body]), context);
    expect(redriven.batchItemFailures).toEqual([]);
    expect(topLevel()).toHaveLength(1);
  });

  it('posts one card when concurrent workers race on the first events of a run', async () => {
    for (let round = 0; round < 10; round += 1) {
      slack.reset();
      const a = await setup();
      // The second worker shares the first one's table, as two Lambda instances share the stack's.
      const b = await setup(a.tableName);
      const bodies = events().slice(0, 6);
      const results = await Promise.all(bodies.map((body, i) => (i % 2 === 0 ? a : b).notify(JSON.parse(body))));
      expect(results.every((r) => r === 'delivered' || r === 'unchanged')).toBe(true);
      expect(topLevel(), `round ${round}`).toHaveLength(1);
      expect(slack.messages('C0TEAM0001').filter((m) => !m.threadTs)).toHaveLength(1);
    }
  });

  it('posts the card again when someone deleted it, and carries on in the new message', async () => {
    const { handler } = await setup();
    const bodies = events();
    await handler(sqs(bodies.slice(0, 3)), context);
    const [first] = topLevel();
    slack.reset(); // the channel forgets the card, as if a person deleted it
    const result = await handler(sqs(bodies.slice(3)), context);
    expect(result.batchItemFailures).toEqual([]);
    expect(slack.requests.filter((r) => r.method === 'chat.update' && r.error === 'message_not_found')).toHaveLength(1);
    const cards = slack.messages('C0TEAM0001').filter((m) => !m.threadTs);
    expect(cards).toHaveLength(1);
    expect(cards[0]?.ts).not.toBe(first?.body['ts']);
    expect(JSON.stringify(cards[0]?.blocks)).toContain('|payments-api>* failed');
    expect(slack.messages('C0TEAM0001').filter((m) => m.threadTs === cards[0]?.ts)).toHaveLength(1);
  });

  it('answers a duplicate delivery without a second post or update', async () => {
    const { handler } = await setup();
    const bodies = events();
    await handler(sqs(bodies), context);
    const before = slack.requests.length;
    await handler(sqs([...bodies, ...bodies]), context);
    expect(slack.requests.length).toBe(before);
  });
});
