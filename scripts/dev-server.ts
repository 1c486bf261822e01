/**
 * `npm run dev`: the Slack interactivity endpoint on your machine, `POST http://localhost:3000/slack/actions`,
 * served by the real Lambda handler (functions/slack-actions/handler.ts) in dry run: the signature
 * is checked with `SLACK_SIGNING_SECRET` from the environment, replay protection is in memory, and
 * every call the deployed function would make (Slack messages, AWS writes) is printed as a JSON
 * line `{"call": "slack.chat.postEphemeral", "input": {…}}`, like `warden replay --json`, instead of
 * being made. Point a tunnel (ngrok, cloudflared …) at it to click real buttons in Slack.
 *
 * Environment: SLACK_SIGNING_SECRET (required: the app's, or any test secret you sign with),
 * PORT (default 3000; 0 picks a free one), HOST (default 127.0.0.1).
 */

import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import module from 'node:module';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { readConfigFile } from '../cli/config-file';
import { createLocalMachines } from '../cli/local-machines';
import { replayApprovalDeps } from '../cli/targets/approval';
import { replayGovernanceDeps } from '../cli/targets/governance';
import type { ReplayShared } from '../cli/targets/types';
import type { ApprovalDeps } from '../functions/approvals/app/deps';
import { onApprovalEvent } from '../functions/approvals/app/events';
import { parseEvent } from '../functions/kernel/events/parse';
import { createMemoryCardStore } from '../functions/platform/memory-store';
import { onFirstUse } from '../functions/platform/on-first-use';
import type { World } from '../functions/platform/recording';
import { createRecorder, type Recorder } from '../functions/platform/recording';
import type { SlackActionsDeps } from '../functions/slack-actions/app/handle-request';
import { createRouter, type InteractionRoute } from '../functions/slack-actions/app/router';
import { createMemorySlackRequests } from '../functions/slack-actions/aws/requests';
import { verifySlackSignature } from '../functions/slack-actions/aws/signature';
import { endpointRoutes } from '../functions/slack-actions/wiring';
import { createScheduler } from '../tools/step-functions/clock';

/** What dry-run routes build on: record calls in `recorder.calls` instead of making them. */
export interface DevRouteShared {
  readonly recorder: Recorder;
  readonly logger: Logger;
}

/**
 * The routes of the dev server: the deployed endpoint's own table (`endpointRoutes`), on dry-run
 * dependencies from the samples (config/warden.yml, samples.world.json). The approval route works on
 * one open approval, the sample `events/samples/07-approval-deadline`: its key is {@link DEV_APPROVAL_KEY};
 * the break-glass route on the config's freezes and the world's pipelines.
 */
export const devRoutes = (shared: DevRouteShared): Readonly<Record<string, InteractionRoute>> => {
  const samples = onFirstUse(async () => sampleWorld(shared.recorder));
  return endpointRoutes({
    approvals: onFirstUse(async () => openSampleApproval(await samples())),
    governance: onFirstUse(async () => replayGovernanceDeps(await samples())),
  });
};

const SAMPLE_APPROVAL = 'events/samples/07-approval-deadline/02-action-approve-started.json';
/**
 * The approval a click must name (button `value`) in dev: the sample's first attempt (replay names an
 * attempt `replay-<first 8 of the execution id>-1`, as ListActionExecutions would give its id).
 */
export const DEV_APPROVAL_KEY = '123456789012/eu-west-1/payments-api/9a7c4e21-5b3d-4c8f-a1e2-7d6b5c4a3f10/Production/ApproveRelease/replay-9a7c4e21-1';

/** The samples' config and world on a clock set to the sample approval's start, as replay shares them. */
function sampleWorld(recorder: Recorder): ReplayShared {
  const root = path.resolve(__dirname, '..');
  const config = readConfigFile(path.join(root, 'config/warden.yml'));
  if (!config.ok) throw new Error(`config/warden.yml: ${config.problems.join('; ')}`);
  const world = JSON.parse(readFileSync(path.join(root, 'events/samples/samples.world.json'), 'utf8')) as World;
  const clock = createScheduler(sampleApproval().time);
  const machines = createLocalMachines({ clock, recorder, currentEvent: () => 'dev' });
  return {
    config: config.config,
    world,
    recorder,
    store: createMemoryCardStore(),
    clock,
    machines,
    defaultTopicArn: 'arn:aws:sns:eu-west-1:123456789012:pipeline-warden-dev-notifications',
  };
}

const sampleApproval = () => parseEvent(JSON.parse(readFileSync(path.resolve(__dirname, '..', SAMPLE_APPROVAL), 'utf8')));

/** Replays the sample approval's start, so there is an approval to decide; what that posted is not printed. */
async function openSampleApproval(shared: ReplayShared): Promise<ApprovalDeps> {
  const deps = replayApprovalDeps(shared);
  await onApprovalEvent(sampleApproval(), deps);
  await shared.clock.idle();
  shared.recorder.calls.splice(0);
  return deps;
}

export interface DevServerOptions {
  readonly signingSecret: string;
  readonly port?: number;
  readonly host?: string;
  /** Where request summaries and recorded calls go, one line each (default stdout). */
  readonly print?: (line: string) => void;
  readonly routes?: (shared: DevRouteShared) => Readonly<Record<string, InteractionRoute>>;
}

export interface DevServer {
  readonly url: string;
  close(): Promise<void>;
}

/** Largest body accepted; Slack's payloads are far smaller, API Gateway's limit is 10 MB. */
const MAX_BODY_BYTES = 1024 * 1024;
const PATH = '/slack/actions';

export async function startDevServer(options: DevServerOptions): Promise<DevServer> {
  const print = options.print ?? ((line: string) => process.stdout.write(`${line}\n`));
  // Refusals (WARN) and failures show; INFO lines repeat what the printed lines say. POWERTOOLS_LOG_LEVEL overrides.
  const logger = new Logger({ serviceName: 'pipeline-warden-dev', ...(process.env['POWERTOOLS_LOG_LEVEL'] ? {} : { logLevel: 'WARN' as const }) });
  const recorder = createRecorder({});
  const route = createRouter((options.routes ?? devRoutes)({ recorder, logger }));
  const deps: SlackActionsDeps = {
    verify: async (request, now) => verifySlackSignature({ ...request, secret: options.signingSecret, now }),
    requests: createMemorySlackRequests(),
    route: async (context) => {
      print(JSON.stringify({ interaction: context.interaction }));
      return route(context);
    },
    ephemeral: {
      post: async (m) =>
        void recorder.calls.push({
          call: 'slack.chat.postEphemeral',
          input: { channel: m.channel, user: m.user, text: m.text, ...(m.threadTs ? { thread_ts: m.threadTs } : {}) },
        }),
    },
    now: () => new Date(),
    logger,
  };
  // Loaded here, not at the top: `main` first lets require() load the ESM-only middy packages.
  const { createHandler } = await import('../functions/slack-actions/handler');
  const handler = createHandler(async () => deps, logger);
  let printed = 0;

  const server = createServer((req, res) => {
    void (async () => {
      const answer = await serve(req, (event) => handler(event, devContext()) as Promise<APIGatewayProxyStructuredResultV2>);
      print(`${req.method} ${req.url} → ${answer.statusCode}`);
      for (const call of recorder.calls.slice(printed)) print(JSON.stringify({ call: call.call, input: call.input }));
      printed = recorder.calls.length;
      res.writeHead(answer.statusCode ?? 200, { 'content-type': 'text/plain; charset=utf-8' }).end(answer.body ?? '');
    })().catch((error: unknown) => {
      print(`${req.method} ${req.url} → 500 (${error instanceof Error ? error.message : String(error)})`);
      if (!res.headersSent) res.writeHead(500).end('dev server error');
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 3000, options.host ?? '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://localhost:${port}${PATH}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/** What API Gateway would do with the request: route it, or answer as an HTTP API does. */
async function serve(
  req: IncomingMessage,
  invoke: (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>,
): Promise<APIGatewayProxyStructuredResultV2> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  if (req.method !== 'POST' || url.pathname !== PATH) return { statusCode: 404, body: '{"message":"Not Found"}' };
  const body = await readBody(req);
  if (body === undefined) return { statusCode: 413, body: '{"message":"Request Entity Too Large"}' };
  return invoke(toEvent(req, url, body));
}

/** An HTTP API payload 2.0 event: lower-cased headers, the body base64-encoded as HTTP APIs send form posts. */
export function toEvent(req: IncomingMessage, url: URL, body: Buffer): APIGatewayProxyEventV2 {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(',') : value;
  const now = new Date();
  return {
    version: '2.0',
    routeKey: `POST ${PATH}`,
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    headers,
    requestContext: {
      accountId: 'local',
      apiId: 'local',
      domainName: 'localhost',
      domainPrefix: 'localhost',
      http: {
        method: 'POST',
        path: url.pathname,
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp: req.socket.remoteAddress ?? '',
        userAgent: req.headers['user-agent'] ?? '',
      },
      requestId: `dev-${now.getTime()}`,
      routeKey: `POST ${PATH}`,
      stage: '$default',
      time: now.toISOString(),
      timeEpoch: now.getTime(),
    },
    body: body.toString('base64'),
    isBase64Encoded: true,
  };
}

async function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buffer.length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

function devContext(): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: 'pipeline-warden-dev-slackActions',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:local:000000000000:function:pipeline-warden-dev-slackActions',
    memoryLimitInMB: '512',
    awsRequestId: `dev-${Date.now()}`,
    logGroupName: 'local',
    logStreamName: 'local',
    getRemainingTimeInMillis: () => 10_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/** The options `npm run dev` starts with, or why it cannot start. */
export function optionsFromEnv(env: NodeJS.ProcessEnv): DevServerOptions | { readonly error: string } {
  const signingSecret = env['SLACK_SIGNING_SECRET']?.trim();
  if (!signingSecret)
    return {
      error:
        "SLACK_SIGNING_SECRET is not set: export your Slack app's signing secret (or any test secret you sign requests with), e.g. SLACK_SIGNING_SECRET=test-secret npm run dev",
    };
  const port = Number(env['PORT'] ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) return { error: `PORT must be a port number, not ${JSON.stringify(env['PORT'])}` };
  return { signingSecret, port, host: env['HOST'] || '127.0.0.1' };
}

/**
 * tsx runs this project's TypeScript as CommonJS (the package has no `"type": "module"`), and the
 * middy packages export only an `import` entry, which `require` cannot resolve. Node ≥ 22.12 can
 * require an ES module, so resolving `@middy/*` with the `import` condition is all it takes
 * (the Lambda bundle does not need this: esbuild resolves them at build time). Only middy gets the
 * condition: giving it to every package (`--conditions=import`) breaks tsx's JSON loading.
 */
function requireEsmOnlyMiddy(): void {
  if (typeof module.registerHooks !== 'function') {
    throw new Error(`the dev server needs Node ≥ 22.15 (this is ${process.version}); \`npm run dev\` runs the project's own Node 24`);
  }
  module.registerHooks({
    resolve: (specifier, context, nextResolve) =>
      specifier.startsWith('@middy/') ? nextResolve(specifier, { ...context, conditions: [...context.conditions, 'import'] }) : nextResolve(specifier, context),
  });
}

async function main(): Promise<void> {
  requireEsmOnlyMiddy();
  const options = optionsFromEnv(process.env);
  if ('error' in options) {
    process.stderr.write(`npm run dev: ${options.error}\n`);
    process.exit(1);
  }
  const server = await startDevServer(options);
  process.stdout.write(`pipeline-warden dev endpoint: POST ${server.url} (dry run: calls are printed, nothing is sent)\n`);
  const stop = () => void server.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

// Run by `npm run dev` (tsx scripts/dev-server.ts); imported by tests without starting.
if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(__filename)) void main();
