/**
 * The slackActions Lambda end to end: real wiring (buildSlackActionsDeps), every AWS client mocked
 * and counted, a local SSM for the signing secret and the token, a local server speaking Slack's Web
 * API for the ephemeral answers.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { CodePipelineClient } from '@aws-sdk/client-codepipeline';
import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { stateText } from '../../functions/kernel/slack/interaction';
import { COULD_NOT_RECORD } from '../../functions/slack-actions/app/handle-request';
import type { InteractionContext, InteractionOutcome } from '../../functions/slack-actions/app/router';
import { createHandler } from '../../functions/slack-actions/handler';
import { buildSlackActionsDeps } from '../../functions/slack-actions/wiring';
import { useLocalSecrets } from '../support/aws-secrets-server';
import { blockActions, formBody, lambdaContext, signedEvent, TEST_SIGNING_SECRET } from '../support/slack-requests';
import { type SlackServer, startSlackServer } from '../support/slack-server';

const SECRET_PARAM = '/pipeline-warden/slack-signing-secret';
const TOKEN_PARAM = '/pipeline-warden/slack-bot-token';
const BOT_TOKEN = 'xoxb-123456789012-1234567890123-AbCdEfGhIjKl';

/** Every client a route or adapter of this function could reach. */
const mocks = {
  dynamodb: mockClient(DynamoDBClient),
  dynamodbDocument: mockClient(DynamoDBDocumentClient),
  codepipeline: mockClient(CodePipelineClient),
  sfn: mockClient(SFNClient),
  sns: mockClient(SNSClient),
  sqs: mockClient(SQSClient),
  logs: mockClient(CloudWatchLogsClient),
};
/** `client.Command` of every AWS call made (sorted: the mocks do not share a clock), SSM's reads with the parameter name. */
function awsCalls(): string[] {
  return [...Object.entries(mocks).flatMap(([client, mock]) => mock.calls().map((call) => `${client}.${call.args[0].constructor.name}`)), ...aws.reads].sort();
}
const SECRET_READ = `ssm.GetParameterCommand ${SECRET_PARAM}`;
const TOKEN_READ = `ssm.GetParameterCommand ${TOKEN_PARAM}`;

let slack: SlackServer;
const aws = useLocalSecrets();
let outcome: () => Promise<InteractionOutcome>;
let reached: InteractionContext[];
let handler: (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>;

beforeAll(async () => {
  slack = await startSlackServer();
  process.env['TABLE_NAME'] = 'cards-slack-actions';
  const config = { version: 1, routes: [{ slack: { channels: ['C0TEAM0001'] } }] };
  const route = async (context: InteractionContext) => {
    reached.push(context);
    return outcome();
  };
  const lambda = createHandler(
    (logger) => buildSlackActionsDeps(logger, { routes: () => ({ 'approval:': route }), slackApiUrl: slack.url, configJson: JSON.stringify(config) }),
    new Logger({ logLevel: 'SILENT' }),
  );
  handler = (event) => lambda(event, lambdaContext()) as Promise<APIGatewayProxyStructuredResultV2>;
});
afterAll(() => slack?.close());

beforeEach(() => {
  for (const mock of Object.values(mocks)) mock.reset();
  slack.reset();
  reached = [];
  outcome = async () => ({ kind: 'done' });
  aws.parameters.set(SECRET_PARAM, TEST_SIGNING_SECRET);
  aws.parameters.set(TOKEN_PARAM, BOT_TOKEN);
  // The table's conditional put, as DynamoDB answers it: once per key.
  const seen = new Set<string>();
  mocks.dynamodbDocument.on(PutCommand).callsFake((input: { Item: { pk: string } }) => {
    if (seen.has(input.Item.pk)) throw new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });
    seen.add(input.Item.pk);
    return {};
  });
});

const click = (options: Parameters<typeof blockActions>[0] = {}) =>
  formBody(blockActions({ actionId: 'approval:approve', value: 'approval-key-1', comment: 'LGTM', ...options }));
const now = () => new Date();

describe('slackActions: refused before any work', () => {
  it.each<[string, () => APIGatewayProxyEventV2]>([
    ['no signature', () => signedEvent(click(), { now: now(), headers: { 'x-slack-signature': undefined } })],
    ['no timestamp', () => signedEvent(click(), { now: now(), headers: { 'x-slack-request-timestamp': undefined } })],
    ['a forged signature', () => signedEvent(click(), { now: now(), headers: { 'x-slack-signature': `v0=${'1'.repeat(64)}` } })],
    ['another app’s secret', () => signedEvent(click(), { now: now(), secret: 'not-our-signing-secret' })],
    ['a stale timestamp (5 min 1 s old)', () => signedEvent(click(), { now: now(), skewSeconds: -301 })],
    ['a timestamp 5 min 1 s in the future', () => signedEvent(click(), { now: now(), skewSeconds: 301 })],
    ['a body changed after signing', () => ({ ...signedEvent(click(), { now: now(), base64: false }), body: click({ actionId: 'approval:reject' }) })],
  ])('%s → 401, no AWS call but the secret read, no Slack call, no route', async (_label, event) => {
    const answer = await handler(event());

    expect(answer).toMatchObject({ statusCode: 401, body: 'unauthorized' });
    expect(awsCalls()).toEqual([SECRET_READ]);
    expect(slack.requests).toEqual([]);
    expect(reached).toEqual([]);
  });

  it('a replayed request → 401; only its replay-protection write is made, and the route ran once', async () => {
    const event = signedEvent(click(), { now: now() });

    expect((await handler(event)).statusCode).toBe(200);
    expect((await handler(event)).statusCode).toBe(401);
    expect(reached).toHaveLength(1);
    expect(awsCalls()).toEqual(['dynamodbDocument.PutCommand', 'dynamodbDocument.PutCommand', SECRET_READ]);
  });
});

describe('slackActions: a signed click', () => {
  it('→ 200, written once for replay protection, reaching the route with the parsed interaction', async () => {
    const answer = await handler(signedEvent(click({ threadTs: '1700000000.000100' }), { now: now() }));

    expect(answer).toMatchObject({ statusCode: 200, body: '' });
    expect(reached).toHaveLength(1);
    const { interaction } = reached[0]!;
    expect(interaction).toMatchObject({
      type: 'block_actions',
      actionId: 'approval:approve',
      value: 'approval-key-1',
      user: { id: 'U0APPROVER' },
      channel: { id: 'C0TEAM0001' },
    });
    expect(stateText(interaction, 'approval-comment', 'approval:comment')).toBe('LGTM');
    expect(mocks.dynamodbDocument).toHaveReceivedCommandWith(PutCommand, { TableName: 'cards-slack-actions', ConditionExpression: 'attribute_not_exists(pk)' });
    const put = mocks.dynamodbDocument.commandCalls(PutCommand)[0]!.args[0].input;
    expect(put.Item?.['pk']).toMatch(/^SLACK-REQUEST#[0-9a-f]{64}$/);
    // A `done` without text says nothing, so the bot token is not even read.
    expect(awsCalls()).toEqual(['dynamodbDocument.PutCommand', SECRET_READ]);
    expect(slack.requests).toEqual([]);
  });

  it('accepts the body as text too, and header names in any case', async () => {
    const event = signedEvent(click(), { now: now(), base64: false });
    const shouted = { ...event, headers: Object.fromEntries(Object.entries(event.headers).map(([k, v]) => [k.toUpperCase(), v])) };

    expect((await handler(shouted)).statusCode).toBe(200);
    expect(reached).toHaveLength(1);
  });

  it('a refusal is shown to that person only, in the thread, with the bot token', async () => {
    outcome = async () => ({ kind: 'refused', ephemeral: 'You started this run: someone else must approve it.' });

    expect((await handler(signedEvent(click({ threadTs: '1700000000.000100' }), { now: now() }))).statusCode).toBe(200);
    expect(slack.requests.map((r) => [r.method, r.token])).toEqual([['chat.postEphemeral', BOT_TOKEN]]);
    expect(slack.requests[0]!.body).toMatchObject({
      channel: 'C0TEAM0001',
      user: 'U0APPROVER',
      thread_ts: '1700000000.000100',
      text: 'You started this run: someone else must approve it.',
    });
    expect(awsCalls()).toEqual(['dynamodbDocument.PutCommand', TOKEN_READ, SECRET_READ].sort());
  });

  it('a done with text is shown to the person who clicked', async () => {
    outcome = async () => ({ kind: 'done', text: 'Approved (1 of 2).' });

    await handler(signedEvent(click(), { now: now() }));
    expect(slack.requests.map((r) => [r.method, r.body['text']])).toEqual([['chat.postEphemeral', 'Approved (1 of 2).']]);
  });

  it('a route that throws → 200 and "try again" to that person, never the error', async () => {
    outcome = async () => {
      throw new Error('AccessDeniedException: not authorized to perform codepipeline:PutApprovalResult at arn:aws:…');
    };

    expect(await handler(signedEvent(click(), { now: now() }))).toMatchObject({ statusCode: 200, body: '' });
    expect(slack.requests.map((r) => r.body['text'])).toEqual([COULD_NOT_RECORD]);
  });

  it('an ephemeral that cannot be posted still answers 200 (the click was handled)', async () => {
    outcome = async () => ({ kind: 'refused', ephemeral: 'Only approvers may decide.' });
    slack.failNext(1, { kind: 'error', error: 'user_not_in_channel' });

    expect((await handler(signedEvent(click(), { now: now() }))).statusCode).toBe(200);
    expect(slack.requests.map((r) => r.error)).toEqual(['user_not_in_channel']);
  });

  it('an action id no route claims → 200, ignored, nothing else', async () => {
    expect((await handler(signedEvent(click({ actionId: 'unknown:thing' }), { now: now() }))).statusCode).toBe(200);
    expect(reached).toEqual([]);
    expect(slack.requests).toEqual([]);
  });

  it('an interaction type we do not handle → 200, ignored', async () => {
    expect((await handler(signedEvent(formBody({ type: 'view_submission', user: { id: 'U1' } }), { now: now() }))).statusCode).toBe(200);
    expect(reached).toEqual([]);
  });

  it.each([
    ['no payload', 'token=abc'],
    ['a payload that is not JSON', 'payload=%7Bnope'],
    ['a block_actions payload without actions', formBody({ type: 'block_actions', user: { id: 'U1' } })],
  ])('signed but unreadable (%s) → 400, no route', async (_label, body) => {
    expect(await handler(signedEvent(body, { now: now() }))).toMatchObject({ statusCode: 400, body: 'bad request' });
    expect(reached).toEqual([]);
    expect(slack.requests).toEqual([]);
  });
});

describe('slackActions: our own failures are not the caller’s', () => {
  it('an unreadable signing secret → 500 (not 401), nothing else called', async () => {
    aws.failNext('GetParameter', { status: 400, type: 'AccessDeniedException', message: 'not authorized to perform ssm:GetParameter' });

    expect(await handler(signedEvent(click(), { now: now() }))).toMatchObject({ statusCode: 500, body: 'try again' });
    expect(awsCalls()).toEqual([SECRET_READ]);
    expect(reached).toEqual([]);
  });

  it('replay protection unavailable → 500 and the click is not processed', async () => {
    mocks.dynamodbDocument
      .on(PutCommand)
      .rejects(Object.assign(new Error('Rate exceeded'), { name: 'ProvisionedThroughputExceededException', $metadata: { httpStatusCode: 400 } }));

    expect((await handler(signedEvent(click(), { now: now() }))).statusCode).toBe(500);
    expect(reached).toEqual([]);
  });
});
