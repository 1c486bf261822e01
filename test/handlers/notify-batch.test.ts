/**
 * A batch merged per run (issue 12): on the common path, a run's events in one SQS batch cost one
 * read and one conditional write of its card and one chat.update, whatever their number, plus one
 * take of Slack's budget for the whole batch (the cards of several runs are read in one request); a run that fails reports only its own records. Real
 * local DynamoDB (dynalite), local Slack API server.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Context, SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { picomatchGlobs } from '../../functions/kernel/glob-picomatch';
import { createHandler } from '../../functions/notify/handler';
import { createDynamoCardStore } from '../../functions/platform/dynamo-store';
import { createRecorder } from '../../functions/platform/recording';
import { createSlackPort } from '../../functions/platform/slack';
import { createDynamoSlackBudget } from '../../functions/platform/slack-budget-dynamo';
import { startLocalDynamo } from '../support/local-dynamo';
import { config, sampleWorld, scenario } from '../support/scenarios';
import { startSlackServer } from '../support/slack-server';

const CONFIG = config('version: 1\nroutes:\n  - match: { pipelines: ["*"] }\n    slack: { channels: [C0TEAM0001], level: all }\n');

let dynamo: Awaited<ReturnType<typeof startLocalDynamo>>;
let slack: Awaited<ReturnType<typeof startSlackServer>>;
let table = 0;
beforeAll(async () => {
  dynamo = await startLocalDynamo();
  slack = await startSlackServer();
});
afterAll(async () => {
  await slack?.close();
  await dynamo?.stop();
});
beforeEach(() => slack.reset());

/** The handler on a fresh table, counting every DynamoDB command it sends. */
async function setup() {
  const tableName = `batch-${++table}`;
  await dynamo.createTable(tableName);
  const commands: string[] = [];
  const counted = {
    send: (command: { constructor: { name: string } }) => {
      commands.push(command.constructor.name);
      return dynamo.doc.send(command as never);
    },
  } as unknown as DynamoDBDocumentClient;
  const recorder = createRecorder(sampleWorld());
  const notify = {
    config: CONFIG,
    globs: picomatchGlobs(),
    store: createDynamoCardStore({ client: counted, tableName }),
    slack: createSlackPort({ token: 'xoxb-test-token', slackApiUrl: slack.url, retryConfig: { retries: 0 } }),
    email: recorder.email,
    logs: recorder.logs,
    pipelines: recorder.pipelines,
    defaultTopicArn: 'arn:aws:sns:eu-west-1:123456789012:warden',
    now: () => new Date(),
    // As production wires it: the budget in the same table, redeliveries recorded.
    pacing: { budget: createDynamoSlackBudget({ client: counted, tableName }), redelivery: { schedule: async () => undefined } },
  };
  const handler = createHandler(async () => ({ deadLetter: recorder.deadLetter, logger: new Logger({ logLevel: 'SILENT' }), notify }));
  return { handler, commands };
}

const sqs = (bodies: readonly string[], from = 0): SQSEvent =>
  ({ Records: bodies.map((body, i) => ({ messageId: `m-${from + i}`, body })) }) as unknown as SQSEvent;
const context = { functionName: 'notify', awsRequestId: 'req', getRemainingTimeInMillis: () => 60_000 } as unknown as Context;
const byFile = (name: string) => new Map(scenario(name).map((s) => [s.file, JSON.stringify(s.event)]));

describe('a batch merged per run', () => {
  it('the common path: 7 events of a posted run cost 1 read and 1 write of its card, 1 take of the budget, and 1 chat.update', async () => {
    const run = byFile('01-pipeline-build-fails');
    const { handler, commands } = await setup();
    await handler(sqs([run.get('01-pipeline-started.json')!]), context);
    commands.length = 0;
    const before = slack.requests.length;
    const pipelineOnly = [
      '02-stage-source-started.json',
      '03-action-source-started.json',
      '05-stage-source-succeeded.json',
      '06-stage-build-started.json',
      '07-action-build-started.json',
      '12-stage-build-failed.json',
      '13-pipeline-failed.json',
    ];
    const result = await handler(
      sqs(
        pipelineOnly.map((file) => run.get(file)!),
        1,
      ),
      context,
    );
    expect(result.batchItemFailures).toEqual([]);
    // The card read, the budget's atomic ADD (chat.update's counter), the card's conditional write.
    expect(commands).toEqual(['GetCommand', 'UpdateCommand', 'PutCommand']);
    // One update of the card, in its final state (the run failed).
    const calls = slack.requests.slice(before);
    expect(calls.map((r) => r.method)).toEqual(['chat.update']);
    expect(JSON.stringify(calls[0]?.body['blocks'])).toContain('failed');
  });

  it('three posted runs in one batch: one read of the three cards, a write of each, one take of the budget for all three', async () => {
    const runs = ['01-pipeline-build-fails', '02-pipeline-deploys'].map(byFile);
    const third = [...byFile('02-pipeline-deploys')].map(([file, body]) => [file, body.replaceAll('web-frontend', 'web-backend')] as const);
    const bodies = [...runs.map((r) => [...r]), third];
    const { handler, commands } = await setup();
    await handler(sqs(bodies.map((r) => new Map(r).get('01-pipeline-started.json')!)), context);
    commands.length = 0;
    const before = slack.requests.length;
    const next = bodies.flatMap((r) => ['02-stage-source-started.json', '06-stage-build-started.json'].map((file) => new Map(r).get(file)!));
    expect((await handler(sqs(next, 10), context)).batchItemFailures).toEqual([]);
    // 5 requests for 3 runs: under 2 a run.
    expect(commands.filter((c) => c !== 'PutCommand')).toEqual(['BatchGetCommand', 'UpdateCommand']);
    expect(commands.filter((c) => c === 'PutCommand')).toHaveLength(3);
    expect(slack.requests.slice(before).map((r) => r.method)).toEqual(['chat.update', 'chat.update', 'chat.update']);
  });

  it('a build whose pipeline action names it in the same batch goes onto the run card in the same pass: no link read, one read of both cards, one card write', async () => {
    const run = byFile('01-pipeline-build-fails');
    const { handler, commands } = await setup();
    const head = ['01-pipeline-started.json', '02-stage-source-started.json', '06-stage-build-started.json', '07-action-build-started.json'];
    await handler(sqs(head.map((file) => run.get(file)!)), context);
    commands.length = 0;
    const before = slack.requests.length;
    const tail = ['08-build-in-progress.json', '09-build-phase-failed.json', '10-build-failed.json', '11-action-build-failed.json'];
    expect((await handler(sqs(tail.map((file) => run.get(file)!)), context)).batchItemFailures).toEqual([]);
    // The action's link written; then the run's card and the build's own card (a build parked by an
    // earlier batch joins here) read together; the budget; the card written once.
    expect(commands).toEqual(['PutCommand', 'BatchGetCommand', 'UpdateCommand', 'PutCommand']);
    const calls = slack.requests.slice(before);
    expect(calls.map((r) => r.method)).toEqual(['chat.update', 'chat.postMessage']);
    // The failure reply carries what only the build's events said: its failed phase.
    expect(JSON.stringify(calls[1]?.body['blocks'])).toMatch(/(phase|in) BUILD/);
  });

  it('a duplicate batch reads the card once and writes nothing, sends nothing', async () => {
    const run = byFile('01-pipeline-build-fails');
    const bodies = ['01-pipeline-started.json', '02-stage-source-started.json', '06-stage-build-started.json'].map((file) => run.get(file)!);
    const { handler, commands } = await setup();
    await handler(sqs(bodies), context);
    commands.length = 0;
    const before = slack.requests.length;
    expect((await handler(sqs([...bodies, ...bodies]), context)).batchItemFailures).toEqual([]);
    expect(commands).toEqual(['GetCommand']);
    expect(slack.requests.slice(before)).toEqual([]);
  });

  it('two runs in one batch: the one whose delivery fails reports exactly its own records; the other is delivered', async () => {
    const first = byFile('01-pipeline-build-fails');
    const second = byFile('02-pipeline-deploys');
    const { handler } = await setup();
    await handler(sqs([first.get('01-pipeline-started.json')!]), context);
    const before = slack.requests.length;
    // The first Slack call of the batch (the first run's card update) fails; the client does not retry here.
    slack.failNext(1, { kind: 'http', status: 500 });
    const bodies = [first.get('02-stage-source-started.json')!, second.get('01-pipeline-started.json')!, first.get('06-stage-build-started.json')!];
    const result = await handler(sqs(bodies), context);
    expect(result.batchItemFailures.map((f) => f.itemIdentifier)).toEqual(['m-0', 'm-2']);
    expect(slack.messages('C0TEAM0001').filter((m) => !m.threadTs && JSON.stringify(m.blocks).includes('web-frontend'))).toHaveLength(1);
    // SQS hands the first run's records back: delivered, and nothing of the second run is sent twice.
    expect((await handler(sqs([bodies[0]!, bodies[2]!]), context)).batchItemFailures).toEqual([]);
    expect(slack.requests.slice(before).filter((r) => r.method === 'chat.postMessage' && !r.body['thread_ts'])).toHaveLength(1);
  });
});
