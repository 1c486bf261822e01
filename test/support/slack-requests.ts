/**
 * Requests as Slack sends them to the interactivity endpoint: a block_actions payload, form-encoded,
 * signed with the v0 scheme (computed here independently of the code under test), wrapped in the
 * API Gateway HTTP API (payload 2.0) event the Lambda receives.
 *
 * ```ts
 * const event = signedEvent(formBody(blockActions({ actionId: 'approval:approve', value: 'key' })), { secret: SECRET, now });
 * const answer = await handler(event, lambdaContext());
 * ```
 */
import { createHmac } from 'node:crypto';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';

export const TEST_SIGNING_SECRET = '8f742231b10e8888abcd99yyyzzz85a5';

export interface ClickOptions {
  readonly actionId?: string;
  readonly value?: string;
  readonly userId?: string;
  readonly channelId?: string;
  readonly threadTs?: string;
  /** Text in the card's comment box (block `approval-comment`, element `approval:comment`). */
  readonly comment?: string;
}

/**
 * A realistic block_actions payload for a button click on a message in a thread, shaped after
 * Slack's reference ("block_actions payload"), with the many fields our code does not read.
 */
export function blockActions(options: ClickOptions = {}): Record<string, unknown> {
  const actionId = options.actionId ?? 'approval:approve';
  return {
    type: 'block_actions',
    user: { id: options.userId ?? 'U0APPROVER', username: 'ada', name: 'ada', team_id: 'T0TEAM0001' },
    api_app_id: 'A0APP00001',
    token: 'verification-token-not-used',
    container: {
      type: 'message',
      message_ts: '1700000000.000200',
      channel_id: options.channelId ?? 'C0TEAM0001',
      is_ephemeral: false,
      thread_ts: options.threadTs ?? '1700000000.000100',
    },
    trigger_id: '1234567890123.1234567890.abcdef0123456789abcdef0123456789',
    team: { id: 'T0TEAM0001', domain: 'example' },
    enterprise: null,
    is_enterprise_install: false,
    channel: { id: options.channelId ?? 'C0TEAM0001', name: 'deploys' },
    message: {
      type: 'message',
      ts: '1700000000.000200',
      thread_ts: options.threadTs ?? '1700000000.000100',
      bot_id: 'B0TESTBOT',
      text: 'Approval needed',
      blocks: [],
    },
    state: { values: { 'approval-comment': { 'approval:comment': { type: 'plain_text_input', value: options.comment ?? null } } } },
    response_url: 'https://hooks.slack.com/actions/T0TEAM0001/1234567890/abcdefABCDEF',
    actions: [
      {
        action_id: actionId,
        block_id: 'approval-buttons',
        text: { type: 'plain_text', text: 'Approve', emoji: true },
        value: options.value ?? 'approval-key-1',
        style: 'primary',
        type: 'button',
        action_ts: '1700000123.456789',
      },
    ],
  };
}

/** `payload=<json>`, form-encoded the way Slack does (spaces as `+`). */
export function formBody(payload: unknown): string {
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

/** The `X-Slack-Signature` value for a body at a timestamp. */
export function slackSignature(secret: string, timestamp: string, body: Buffer | string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:`).update(body).digest('hex')}`;
}

export interface SignOptions {
  readonly secret?: string;
  readonly now: Date;
  /** Seconds added to `now` for the timestamp header (negative: an older request). */
  readonly skewSeconds?: number;
  /** Deliver the body base64-encoded, as API Gateway does for form posts. */
  readonly base64?: boolean;
  /** Replace or drop (undefined) headers after signing. */
  readonly headers?: Readonly<Record<string, string | undefined>>;
}

/** An HTTP API event for `POST /slack/actions` with a correctly signed body (unless told otherwise). */
export function signedEvent(body: Buffer | string, options: SignOptions): APIGatewayProxyEventV2 {
  const timestamp = String(Math.floor(options.now.getTime() / 1000) + (options.skewSeconds ?? 0));
  const bytes = Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8');
  const headers: Record<string, string> = {
    'content-type': 'application/x-www-form-urlencoded',
    'user-agent': 'Slackbot 1.0 (+https://api.slack.com/robots)',
    'x-slack-request-timestamp': timestamp,
    'x-slack-signature': slackSignature(options.secret ?? TEST_SIGNING_SECRET, timestamp, bytes),
  };
  for (const [name, value] of Object.entries(options.headers ?? {})) {
    if (value === undefined) delete headers[name];
    else headers[name] = value;
  }
  return httpApiEvent(bytes, headers, options.base64 ?? true);
}

export function httpApiEvent(body: Buffer, headers: Record<string, string>, base64: boolean): APIGatewayProxyEventV2 {
  return {
    version: '2.0',
    routeKey: 'POST /slack/actions',
    rawPath: '/slack/actions',
    rawQueryString: '',
    headers,
    requestContext: {
      accountId: '123456789012',
      apiId: 'abcdef1234',
      domainName: 'abcdef1234.execute-api.us-east-1.amazonaws.com',
      domainPrefix: 'abcdef1234',
      http: { method: 'POST', path: '/slack/actions', protocol: 'HTTP/1.1', sourceIp: '192.0.2.1', userAgent: headers['user-agent'] ?? '' },
      requestId: 'req-1',
      routeKey: 'POST /slack/actions',
      stage: '$default',
      time: '23/Nov/2026:06:00:00 +0000',
      timeEpoch: 1_795_000_000_000,
    },
    body: base64 ? body.toString('base64') : body.toString('utf8'),
    isBase64Encoded: base64,
  };
}

export function lambdaContext(): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: 'pipeline-warden-test-slackActions',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:pipeline-warden-test-slackActions',
    memoryLimitInMB: '512',
    awsRequestId: 'aws-req-1',
    logGroupName: '/aws/lambda/pipeline-warden-test-slackActions',
    logStreamName: 'stream',
    getRemainingTimeInMillis: () => 10_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
