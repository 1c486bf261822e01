'use strict';
/**
 * Preload for the CPU and cold-start benchmark (`node -r ./bench/in-memory-aws.cjs …`, see
 * bench/cpu-cold.ts): the notify bundle runs with the real AWS SDK v3 clients from node_modules and
 * the real Slack client inside it, and every call they make is answered in memory, in this process.
 * Nothing leaves the process: any other socket is refused.
 *
 * Written by hand, on purpose. The test doubles the repo has do not fit: aws-sdk-client-mock
 * replaces `client.send`, so the SDK's serialization, signing, retry middleware and deserialization
 * would drop out of the figure, and they are most of what an AWS call costs a Lambda in CPU;
 * dynalite is a real HTTP server (a socket per call, and its own CPU in the process); `nock` is not
 * installed and no dependency may be added. Answering at the transport (one function per library)
 * keeps everything above it real and the emulation small enough to read.
 *
 * AWS: `NodeHttpHandler.prototype.handle` of `@smithy/node-http-handler` (the default handler of
 * every `@aws-sdk/client-*` on Node; the bundles keep `@aws-sdk/*` external, so the clients and
 * this handler come from node_modules) returns a `HttpResponse` built by a small emulation keyed
 * by the `X-Amz-Target` header (JSON protocols) or the form body's `Action` (SNS, query protocol).
 * The patch is applied when a copy of `@smithy/node-http-handler` is first required (a hook on
 * `Module._load`), every copy however many node_modules hold, and not in this preload: loading
 * the SDK here would move part of the bundle's load time out of the cold-start figure.
 *
 * Slack, two clients: notify's own (functions/platform/slack-http.ts) calls `https.request`,
 * read at each call, so `require('node:https').request` answers https://slack.com/api/<method>
 * with an `IncomingMessage`-like stream; builds whose notify used @slack/web-api 8 (the bench's
 * bases) call `globalThis.fetch` (undici), read when the WebClient is constructed, i.e. after this
 * preload, and `fetch` answers with a real `Response` (so undici still loads on the first call, as
 * in Lambda). Both answer chat.postMessage and chat.update with `{ ok, channel, ts }` (unique,
 * increasing ts), anything else `{ ok: true }`. What is left out is the transport itself on both
 * sides: TLS, sockets, HTTP framing, as for AWS.
 *
 * Counts: `globalThis.__benchCalls` (Map "<service> <operation>" → answered calls; SQS calls name
 * their queue too: "SQS SendMessage → dlq");
 * `globalThis.__benchStub` ({ ns, calls }: time spent building the answers, the emulation's own
 * share of the process's CPU); `globalThis.__benchPatched` (files of the patched handler copies); `globalThis.__benchSqsSent`
 * (the first five SQS messages sent: for notify, dead letters).
 *
 * Emulated (state in Maps, for one process):
 * - DynamoDB (JSON 1.0, `DynamoDB_20120810.*`): GetItem, PutItem, UpdateItem (SET a = :v,
 *   SET a = if_not_exists(a, :v), SET a = a + :v, ADD a :n, REMOVE a; ReturnValues), DeleteItem,
 *   Query (partition key equality, optional sort key = or begins_with), BatchGetItem, BatchWriteItem,
 *   TransactWriteItems. Items are stored as given (AttributeValue JSON) under TableName + pk + sk.
 *   Conditions: `attribute_not_exists(x)`, `attribute_exists(x)` and `x = :v` alone are checked and
 *   fail with ConditionalCheckFailedException (400); anything longer is accepted as met.
 * - SSM GetParameter, Secrets Manager GetSecretValue: the token `xoxb-bench-token`.
 * - SQS SendMessage (JSON 1.0, `AmazonSQS.*`): MessageId and the MD5 of the body the SDK checks.
 * - SNS Publish (query protocol): an XML PublishResponse.
 * - CloudWatch Logs GetLogEvents / FilterLogEvents, CodePipeline GetPipeline: from the world file
 *   named by env BENCH_WORLD (the demo's events/samples/samples.world.json) when it has the
 *   pipeline or log group, else a minimal pipeline and three log lines.
 *   Slack's budget (`PACE#` items) starts each take from zero: a quiet workspace, every call granted.
 * - Anything else: 200 `{}` (JSON) or an empty `<…Response>` (query), counted under its name.
 */
const crypto = require('node:crypto');
const fs = require('node:fs');
const Module = require('node:module');
const net = require('node:net');
const { Readable } = require('node:stream');

/** @type {Map<string, number>} */
const calls = new Map();
const stub = { ns: 0n, calls: 0 };
/** @type {string[]} */
const patchedFiles = [];
/** The first SQS messages sent (dead letters, for notify): what the harness shows when a build rejects events. */
const sent = [];
globalThis.__benchSqsSent = sent;
globalThis.__benchCalls = calls;
globalThis.__benchStub = stub;
globalThis.__benchPatched = patchedFiles;

const count = (name) => calls.set(name, (calls.get(name) ?? 0) + 1);

// ── Nothing leaves the process ──────────────────────────────────────────────────────────────────

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);
const originalConnect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function guardedConnect(...args) {
  const first = Array.isArray(args[0]) ? args[0][0] : args[0];
  const options = typeof first === 'object' && first !== null ? first : typeof first === 'number' ? { port: first, host: args[1] } : { path: first };
  const host = typeof options.host === 'string' ? options.host : undefined;
  const ipc = typeof options.path === 'string' && options.port === undefined;
  if (!ipc && host !== undefined && !LOOPBACK.has(host)) {
    const error = new Error(`bench: network access blocked (${host ?? '?'}:${options.port ?? '?'}); the in-memory emulation does not answer this call`);
    error.code = 'EBENCHBLOCKED';
    count(`Blocked ${host ?? '?'}`);
    process.nextTick(() => this.destroy(error));
    return this;
  }
  return originalConnect.apply(this, args);
};

// ── AWS ─────────────────────────────────────────────────────────────────────────────────────────

/** One request id per answer; cheap and unique. */
let sequence = 0;
const requestId = () => {
  sequence += 1;
  return `00000000-0000-4000-8000-${String(sequence).padStart(12, '0')}`;
};

const headerOf = (headers, name) => {
  for (const key of Object.keys(headers ?? {})) if (key.toLowerCase() === name) return headers[key];
  return undefined;
};

const bodyText = (body) => {
  if (body === undefined || body === null) return '';
  if (typeof body === 'string') return body;
  if (body instanceof Uint8Array) return Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
  throw new Error(`bench: request body of type ${body?.constructor?.name ?? typeof body} is not supported by the in-memory emulation`);
};

const json = (statusCode, value, contentType = 'application/x-amz-json-1.0') => ({
  statusCode,
  headers: { 'content-type': contentType, 'x-amzn-requestid': requestId() },
  body: typeof value === 'string' ? value : JSON.stringify(value),
});

const jsonError = (statusCode, type, message, extra = {}, contentType = 'application/x-amz-json-1.0') =>
  json(statusCode, { __type: type, message, ...extra }, contentType);

// DynamoDB ------------------------------------------------------------------------------------------

/** TableName → (key text → { item, text }) */
const tables = new Map();
const tableOf = (name) => {
  let table = tables.get(name);
  if (!table) {
    table = new Map();
    tables.set(name, table);
  }
  return table;
};
const KEY_NAMES = ['pk', 'sk'];
const keyText = (keyOrItem) => KEY_NAMES.map((k) => (keyOrItem[k] ? Object.values(keyOrItem[k])[0] : '')).join('\u0000');
const stored = (item) => ({ item, text: undefined });
const itemText = (entry) => {
  if (entry.text === undefined) entry.text = JSON.stringify(entry.item);
  return entry.text;
};

const nameOf = (token, names) => (token.startsWith('#') ? (names?.[token] ?? token) : token);
const sameValue = (a, b) => a !== undefined && b !== undefined && JSON.stringify(a) === JSON.stringify(b);

/** A condition alone of the forms we can check; anything longer is taken as met. */
function conditionHolds(expression, item, names, values) {
  if (!expression) return true;
  const e = expression.trim();
  let m = /^attribute_not_exists\(\s*([#\w.]+)\s*\)$/.exec(e);
  if (m) return !item || item[nameOf(m[1], names)] === undefined;
  m = /^attribute_exists\(\s*([#\w.]+)\s*\)$/.exec(e);
  if (m) return Boolean(item) && item[nameOf(m[1], names)] !== undefined;
  m = /^([#\w]+)\s*=\s*(:\w+)$/.exec(e);
  if (m) return Boolean(item) && sameValue(item[nameOf(m[1], names)], values?.[m[2]]);
  return true;
}

const conditionFailed = (input, current) =>
  jsonError(
    400,
    'com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException',
    'The conditional request failed',
    input.ReturnValuesOnConditionCheckFailure === 'ALL_OLD' && current ? { Item: current } : {},
  );

const addNumbers = (a, b) => String(Number(a) + Number(b));

/** Where the `+` or `-` of `a + b` is (outside parentheses), or -1. */
function operatorAt(text) {
  let depth = 0;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i];
    if (c === '(') depth += 1;
    else if (c === ')') depth -= 1;
    else if (depth === 0 && (c === '+' || c === '-')) return i;
  }
  return -1;
}

/** Applies an UpdateExpression to a copy of `item`; returns [new item, names of updated attributes]. */
function applyUpdate(item, expression, names, values) {
  const next = { ...item };
  const updated = new Set();
  const operand = (token) => {
    const t = token.trim();
    if (t.startsWith(':')) return values?.[t];
    const ifNotExists = /^if_not_exists\(\s*([#\w]+)\s*,\s*(:\w+)\s*\)$/.exec(t);
    if (ifNotExists) return next[nameOf(ifNotExists[1], names)] ?? values?.[ifNotExists[2]];
    return next[nameOf(t, names)];
  };
  // Clauses: SET …, ADD …, REMOVE …, DELETE … in any order.
  const clauses = expression.split(/(?<![#:\w])(SET|ADD|REMOVE|DELETE)(?=\s)/i).map((s) => s.trim());
  for (let i = 1; i < clauses.length; i += 2) {
    const action = clauses[i].toUpperCase();
    const body = clauses[i + 1] ?? '';
    for (const part of body.split(/,(?![^(]*\))/).map((s) => s.trim())) {
      if (!part) continue;
      if (action === 'SET') {
        const equals = part.indexOf('=');
        const name = nameOf(part.slice(0, equals).trim(), names);
        const rhs = part.slice(equals + 1).trim();
        const at = operatorAt(rhs);
        if (at > 0) {
          const a = Number(operand(rhs.slice(0, at))?.N ?? 0);
          const b = Number(operand(rhs.slice(at + 1))?.N ?? 0);
          next[name] = { N: String(rhs[at] === '+' ? a + b : a - b) };
        } else {
          next[name] = operand(rhs);
        }
        updated.add(name);
      } else if (action === 'ADD') {
        const [target, value] = part.split(/\s+/);
        const name = nameOf(target, names);
        const add = values?.[value];
        if (add?.N !== undefined) next[name] = { N: addNumbers(next[name]?.N ?? 0, add.N) };
        else if (add?.SS) next[name] = { SS: [...new Set([...(next[name]?.SS ?? []), ...add.SS])] };
        else if (add?.NS) next[name] = { NS: [...new Set([...(next[name]?.NS ?? []), ...add.NS])] };
        updated.add(name);
      } else if (action === 'REMOVE') {
        const name = nameOf(part, names);
        delete next[name];
        updated.add(name);
      } else if (action === 'DELETE') {
        const [target, value] = part.split(/\s+/);
        const name = nameOf(target, names);
        const drop = new Set(values?.[value]?.SS ?? []);
        if (next[name]?.SS) next[name] = { SS: next[name].SS.filter((s) => !drop.has(s)) };
        updated.add(name);
      }
    }
  }
  return [next, updated];
}

const pick = (item, names) => Object.fromEntries([...names].filter((n) => item?.[n] !== undefined).map((n) => [n, item[n]]));

function returned(mode, before, after, updated) {
  switch (mode) {
    case 'ALL_NEW':
      return after ? { Attributes: after } : {};
    case 'ALL_OLD':
      return before ? { Attributes: before } : {};
    case 'UPDATED_NEW':
      return { Attributes: pick(after, updated) };
    case 'UPDATED_OLD':
      return before ? { Attributes: pick(before, updated) } : {};
    default:
      return {};
  }
}

const dynamo = {
  GetItem(input) {
    const entry = tableOf(input.TableName).get(keyText(input.Key));
    return json(200, entry ? `{"Item":${itemText(entry)}}` : '{}');
  },
  PutItem(input) {
    const table = tableOf(input.TableName);
    const key = keyText(input.Item);
    const current = table.get(key)?.item;
    if (!conditionHolds(input.ConditionExpression, current, input.ExpressionAttributeNames, input.ExpressionAttributeValues)) {
      return conditionFailed(input, current);
    }
    table.set(key, stored(input.Item));
    return json(200, input.ReturnValues === 'ALL_OLD' && current ? { Attributes: current } : {});
  },
  UpdateItem(input) {
    const table = tableOf(input.TableName);
    const key = keyText(input.Key);
    // Slack's budget (PACE# counters) answers as a quiet workspace's would: the bench feeds hundreds
    // of events a second on a real clock, which a shared budget would (rightly) hold back, and the
    // comparison is of the work per event with every Slack call made, as on the common path.
    if (String(input.Key?.pk?.S ?? '').startsWith('PACE#')) table.delete(key);
    const current = table.get(key)?.item;
    if (!conditionHolds(input.ConditionExpression, current, input.ExpressionAttributeNames, input.ExpressionAttributeValues)) {
      return conditionFailed(input, current);
    }
    const [next, updated] = applyUpdate(
      current ?? { ...input.Key },
      input.UpdateExpression ?? '',
      input.ExpressionAttributeNames,
      input.ExpressionAttributeValues,
    );
    table.set(key, stored(next));
    return json(200, returned(input.ReturnValues, current, next, updated));
  },
  DeleteItem(input) {
    const table = tableOf(input.TableName);
    const key = keyText(input.Key);
    const current = table.get(key)?.item;
    if (!conditionHolds(input.ConditionExpression, current, input.ExpressionAttributeNames, input.ExpressionAttributeValues)) {
      return conditionFailed(input, current);
    }
    table.delete(key);
    return json(200, input.ReturnValues === 'ALL_OLD' && current ? { Attributes: current } : {});
  },
  Query(input) {
    const names = input.ExpressionAttributeNames;
    const values = input.ExpressionAttributeValues ?? {};
    const tests = (input.KeyConditionExpression ?? '').split(/\s+AND\s+/i).map((part) => {
      const eq = /^\(?\s*([#\w]+)\s*=\s*(:\w+)\s*\)?$/.exec(part.trim());
      if (eq) return (item) => sameValue(item[nameOf(eq[1], names)], values[eq[2]]);
      const begins = /^begins_with\(\s*([#\w]+)\s*,\s*(:\w+)\s*\)$/.exec(part.trim());
      if (begins) return (item) => String(item[nameOf(begins[1], names)]?.S ?? '').startsWith(String(values[begins[2]]?.S ?? ''));
      return () => true;
    });
    const items = [...tableOf(input.TableName).values()].map((e) => e.item).filter((item) => tests.every((t) => t(item)));
    items.sort((a, b) => String(a.sk?.S ?? '').localeCompare(String(b.sk?.S ?? '')));
    if (input.ScanIndexForward === false) items.reverse();
    const page = input.Limit ? items.slice(0, input.Limit) : items;
    return json(200, { Items: page, Count: page.length, ScannedCount: page.length });
  },
  BatchGetItem(input) {
    const Responses = {};
    for (const [tableName, request] of Object.entries(input.RequestItems ?? {})) {
      const table = tableOf(tableName);
      Responses[tableName] = (request.Keys ?? []).map((k) => table.get(keyText(k))?.item).filter(Boolean);
    }
    return json(200, { Responses, UnprocessedKeys: {} });
  },
  // Delivery facts: puts and deletes, each unconditional, nothing left unprocessed.
  BatchWriteItem(input) {
    for (const [tableName, requests] of Object.entries(input.RequestItems ?? {})) {
      for (const r of requests) {
        if (r.PutRequest) dynamo.PutItem({ TableName: tableName, Item: r.PutRequest.Item });
        else if (r.DeleteRequest) dynamo.DeleteItem({ TableName: tableName, Key: r.DeleteRequest.Key });
      }
    }
    return json(200, { UnprocessedItems: {} });
  },
  TransactWriteItems(input) {
    const items = input.TransactItems ?? [];
    const reasons = items.map((t) => {
      const op = t.Put ?? t.Update ?? t.Delete ?? t.ConditionCheck;
      const current = tableOf(op.TableName).get(keyText(op.Key ?? op.Item))?.item;
      return conditionHolds(op.ConditionExpression, current, op.ExpressionAttributeNames, op.ExpressionAttributeValues);
    });
    if (reasons.some((ok) => !ok)) {
      return jsonError(400, 'com.amazonaws.dynamodb.v20120810#TransactionCanceledException', 'Transaction cancelled', {
        CancellationReasons: reasons.map((ok) => ({ Code: ok ? 'None' : 'ConditionalCheckFailed' })),
      });
    }
    for (const t of items) {
      if (t.Put) dynamo.PutItem(t.Put);
      else if (t.Update) dynamo.UpdateItem(t.Update);
      else if (t.Delete) dynamo.DeleteItem(t.Delete);
    }
    return json(200, {});
  },
};

// The world file (pipelines, build logs), read on first use --------------------------------------

let world;
const worldOf = () => {
  if (world === undefined) {
    world = {};
    const file = process.env['BENCH_WORLD'];
    if (file) world = JSON.parse(fs.readFileSync(file, 'utf8'));
  }
  return world;
};
const epochSeconds = (value) => (typeof value === 'string' ? Date.parse(value) / 1000 : value);

function pipelineOf(name) {
  const known = worldOf().pipelines?.[name];
  if (known?.pipeline) {
    const metadata = known.metadata;
    return metadata
      ? { pipeline: known.pipeline, metadata: { ...metadata, created: epochSeconds(metadata.created), updated: epochSeconds(metadata.updated) } }
      : { pipeline: known.pipeline };
  }
  const action = (stage, category, provider, configuration) => ({
    name: stage,
    actionTypeId: { category, owner: 'AWS', provider, version: '1' },
    runOrder: 1,
    configuration,
  });
  return {
    pipeline: {
      name,
      roleArn: 'arn:aws:iam::123456789012:role/bench-pipeline',
      version: 1,
      stages: [
        { name: 'Source', actions: [action('Source', 'Source', 'CodeStarSourceConnection', { BranchName: 'main' })] },
        { name: 'Build', actions: [action('Build', 'Build', 'CodeBuild', { ProjectName: `${name}-build` })] },
        { name: 'Deploy', actions: [action('Deploy', 'Deploy', 'CodeDeploy', { ApplicationName: name, DeploymentGroupName: `${name}-prod` })] },
      ],
    },
    metadata: { pipelineArn: `arn:aws:codepipeline:eu-west-1:123456789012:${name}`, created: 1_700_000_000, updated: 1_700_000_000 },
  };
}

/** The stream's lines; a stream the world does not know (ids rewritten by the bench) gets its group's first one. */
function logLinesOf(group, stream) {
  const streams = worldOf().logs?.[group];
  const lines = streams?.[stream] ?? (streams ? Object.values(streams)[0] : undefined);
  return Array.isArray(lines) ? lines : ['line 1', 'line 2', 'line 3'];
}

const logEvents = (lines) => lines.map((message, i) => ({ timestamp: 1_700_000_000_000 + i, ingestionTime: 1_700_000_000_000 + i, message }));

// JSON protocols by X-Amz-Target ---------------------------------------------------------------

const BENCH_TOKEN = 'xoxb-bench-token';

const byTarget = {
  DynamoDB_20120810: { service: 'DynamoDB', answer: (op, input) => (dynamo[op] ? dynamo[op](input) : json(200, {})) },
  AmazonSSM: {
    service: 'SSM',
    contentType: 'application/x-amz-json-1.1',
    answer: (op, input) =>
      op === 'GetParameter'
        ? json(
            200,
            {
              Parameter: {
                Name: input.Name,
                Type: 'SecureString',
                Value: BENCH_TOKEN,
                Version: 1,
                DataType: 'text',
                ARN: `arn:aws:ssm:eu-west-1:123456789012:parameter${String(input.Name).startsWith('/') ? '' : '/'}${input.Name}`,
                LastModifiedDate: 1_700_000_000,
              },
            },
            'application/x-amz-json-1.1',
          )
        : json(200, {}, 'application/x-amz-json-1.1'),
  },
  secretsmanager: {
    service: 'SecretsManager',
    contentType: 'application/x-amz-json-1.1',
    answer: (op, input) =>
      op === 'GetSecretValue'
        ? json(
            200,
            {
              ARN: String(input.SecretId).startsWith('arn:') ? input.SecretId : `arn:aws:secretsmanager:eu-west-1:123456789012:secret:${input.SecretId}-AbCdEf`,
              Name: input.SecretId,
              SecretString: BENCH_TOKEN,
              VersionId: '00000000-0000-4000-8000-000000000001',
              VersionStages: ['AWSCURRENT'],
              CreatedDate: 1_700_000_000,
            },
            'application/x-amz-json-1.1',
          )
        : json(200, {}, 'application/x-amz-json-1.1'),
  },
  AmazonSQS: {
    service: 'SQS',
    answer: (op, input) => {
      const md5 = (text) =>
        crypto
          .createHash('md5')
          .update(text ?? '', 'utf8')
          .digest('hex');
      if (op === 'SendMessage') {
        if (sent.length < 5)
          sent.push({ QueueUrl: input.QueueUrl, MessageAttributes: input.MessageAttributes, MessageBody: String(input.MessageBody).slice(0, 500) });
        return json(200, { MessageId: requestId(), MD5OfMessageBody: md5(input.MessageBody) });
      }
      if (op === 'SendMessageBatch') {
        return json(200, {
          Successful: (input.Entries ?? []).map((e) => ({ Id: e.Id, MessageId: requestId(), MD5OfMessageBody: md5(e.MessageBody) })),
          Failed: [],
        });
      }
      return json(200, {});
    },
  },
  Logs_20140328: {
    service: 'CloudWatchLogs',
    contentType: 'application/x-amz-json-1.1',
    answer: (op, input) => {
      const lines = logLinesOf(input.logGroupName, input.logStreamName ?? input.logStreamNames?.[0]);
      if (op === 'GetLogEvents')
        return json(200, { events: logEvents(lines), nextForwardToken: 'f/1', nextBackwardToken: 'b/1' }, 'application/x-amz-json-1.1');
      if (op === 'FilterLogEvents') return json(200, { events: logEvents(lines), searchedLogStreams: [] }, 'application/x-amz-json-1.1');
      return json(200, {}, 'application/x-amz-json-1.1');
    },
  },
  CodePipeline_20150709: {
    service: 'CodePipeline',
    contentType: 'application/x-amz-json-1.1',
    answer: (op, input) => json(200, op === 'GetPipeline' ? pipelineOf(input.name) : {}, 'application/x-amz-json-1.1'),
  },
};

/** SNS and the other query-protocol services: form body in, XML out. */
function queryAnswer(hostname, form) {
  const action = form.get('Action') ?? 'Unknown';
  const service = hostname.split('.')[0].toUpperCase();
  count(`${service} ${action}`);
  const id = requestId();
  const result = service === 'SNS' && action === 'Publish' ? `<MessageId>${id}</MessageId>` : '';
  const xml = `<${action}Response xmlns="http://${service.toLowerCase()}.amazonaws.com/doc/"><${action}Result>${result}</${action}Result><ResponseMetadata><RequestId>${id}</RequestId></ResponseMetadata></${action}Response>`;
  return { statusCode: 200, headers: { 'content-type': 'text/xml', 'x-amzn-requestid': id }, body: xml };
}

/** The emulation: an HttpRequest in, { statusCode, headers, body: string } out. */
function answerAws(request) {
  const target = headerOf(request.headers, 'x-amz-target');
  const text = bodyText(request.body);
  if (typeof target === 'string') {
    const dot = target.indexOf('.');
    const prefix = target.slice(0, dot);
    const op = target.slice(dot + 1);
    const handler = byTarget[prefix];
    const input = text ? JSON.parse(text) : {};
    // SQS by queue too: for notify, dead letters and redeliveries to its own queue are not the same thing.
    const queue = typeof input.QueueUrl === 'string' ? ` → ${input.QueueUrl.split('/').pop()}` : '';
    count(`${handler?.service ?? prefix} ${op}${queue}`);
    if (!handler) return json(200, {});
    return handler.answer(op, input);
  }
  if (text.includes('Action=')) return queryAnswer(request.hostname, new URLSearchParams(text));
  count(`Unknown ${request.method} ${request.hostname}${request.path}`);
  return json(200, {});
}

const HANDLER = '@smithy/node-http-handler';

/** Replaces `handle` of one copy of @smithy/node-http-handler; `file` is where that copy lives. */
function patchHandlerModule(exports, file) {
  const cls = exports?.NodeHttpHandler;
  if (!cls || cls.prototype.__benchInMemory) return;
  let HttpResponse;
  try {
    ({ HttpResponse } = Module.createRequire(file)('@smithy/core/protocols'));
  } catch {
    HttpResponse = undefined;
  }
  cls.prototype.handle = async function handleInMemory(request) {
    const start = process.hrtime.bigint();
    const { statusCode, headers, body } = answerAws(request);
    const init = { statusCode, headers, body: Readable.from([Buffer.from(body, 'utf8')]) };
    const response = HttpResponse ? new HttpResponse(init) : init;
    stub.ns += process.hrtime.bigint() - start;
    stub.calls += 1;
    return { response };
  };
  cls.prototype.__benchInMemory = true;
  patchedFiles.push(file);
}

// Every copy, whoever requires it: the hook sees each `require('@smithy/node-http-handler')`.
const originalLoad = Module._load;
Module._load = function loadAndPatch(request, parent, isMain) {
  const exports = originalLoad.call(this, request, parent, isMain);
  if (request === HANDLER && !exports?.NodeHttpHandler?.prototype.__benchInMemory) {
    let file;
    try {
      file = Module._resolveFilename(request, parent, isMain);
    } catch {
      file = request;
    }
    patchHandlerModule(exports, file);
  }
  return exports;
};

// ── Slack ───────────────────────────────────────────────────────────────────────────────────────

let slackSequence = 0;
const nextTs = () => {
  slackSequence += 1;
  return `${1_800_000_000 + Math.floor(slackSequence / 1_000_000)}.${String(slackSequence % 1_000_000).padStart(6, '0')}`;
};

/** `args`: a form (@slack/web-api) or a JSON body (slack-http.ts), read with `get`. */
function answerSlack(method, args) {
  count(`Slack ${method}`);
  const channel = args.get('channel') ?? undefined;
  if (method === 'chat.postMessage') return { ok: true, channel, ts: nextTs() };
  if (method === 'chat.update') return { ok: true, channel, ts: args.get('ts') ?? undefined };
  return { ok: true };
}

const SLACK_HEADERS = { 'content-type': 'application/json; charset=utf-8' };

// A plain property (not the lazy getter Node installs): undici loads on the first `new Response`.
Object.defineProperty(globalThis, 'fetch', {
  configurable: true,
  enumerable: true,
  writable: true,
  value: async function fetchInMemory(input, init) {
    const url = new URL(typeof input === 'string' || input instanceof URL ? String(input) : input.url);
    if (url.hostname !== 'slack.com') {
      count(`Blocked fetch ${url.hostname}`);
      throw new TypeError(`bench: network access blocked (fetch ${url.origin}); the in-memory emulation answers only https://slack.com/api/`);
    }
    const start = process.hrtime.bigint();
    const method = url.pathname.replace(/^\/api\//, '');
    const body = init?.body;
    const form = new URLSearchParams(typeof body === 'string' ? body : body instanceof URLSearchParams ? body : '');
    const text = JSON.stringify(answerSlack(method, form));
    stub.ns += process.hrtime.bigint() - start;
    stub.calls += 1;
    return new Response(text, { status: 200, headers: SLACK_HEADERS });
  },
});

const https = require('node:https');
const { EventEmitter } = require('node:events');
const originalHttpsRequest = https.request;

/**
 * slack-http.ts's and aws-json.ts's call, `request(url, options, onResponse)`: the body is JSON,
 * answered once `end` is called. An AWS one (`*.amazonaws.com`, the token read without the SDK's
 * client) is answered by the same emulation as the SDK's calls.
 */
https.request = function requestInMemory(...args) {
  const [url, options, onResponse] = args;
  const target = typeof url === 'string' || url instanceof URL ? new URL(String(url)) : undefined;
  if (target?.hostname.endsWith('.amazonaws.com'))
    return answeredRequest(onResponse, (body) =>
      answerAws({ method: options?.method ?? 'POST', hostname: target.hostname, path: target.pathname, headers: options?.headers ?? {}, body }),
    );
  if (target?.hostname !== 'slack.com') return originalHttpsRequest.apply(this, args);
  return answeredRequest(onResponse, (body) => {
    const args = JSON.parse(body);
    const text = JSON.stringify(answerSlack(target.pathname.replace(/^\/api\//, ''), { get: (key) => args[key] }));
    return { statusCode: 200, headers: SLACK_HEADERS, body: text };
  });
};

/** A ClientRequest-like emitter whose body, once `end` is called, is answered by `answer` ({ statusCode, headers, body }). */
function answeredRequest(onResponse, answer) {
  const req = new EventEmitter();
  const chunks = [];
  req.write = (chunk) => chunks.push(Buffer.from(chunk)) > 0;
  req.destroy = (error) => {
    if (error) req.emit('error', error);
    return req;
  };
  req.setTimeout = () => req;
  req.end = (chunk) => {
    if (chunk) chunks.push(Buffer.from(chunk));
    setImmediate(() => {
      const start = process.hrtime.bigint();
      const answered = answer(Buffer.concat(chunks).toString('utf8'));
      const res = Readable.from([Buffer.from(answered.body)]);
      res.statusCode = answered.statusCode;
      res.headers = { ...answered.headers };
      stub.ns += process.hrtime.bigint() - start;
      stub.calls += 1;
      onResponse?.(res);
      req.emit('response', res);
    });
    return req;
  };
  return req;
}
