/**
 * A local stand-in for Slack's Web API, for tests that want the real `WebClient` on the wire:
 * `chat.postMessage`, `chat.update` and `chat.postEphemeral` over HTTP on 127.0.0.1, every request recorded, and
 * failures scripted per call.
 *
 * ```ts
 * const slack = await startSlackServer();
 * const port = createSlackPort({ token: 'xoxb-test', slackApiUrl: slack.url, retryConfig: { retries: 2, minTimeout: 5 } });
 * slack.failNext(1, { kind: 'http', status: 500 });          // the next call answers 500, the one after is fine
 * await port.postMessage({ channel: 'C1', text: 'hi' });
 * slack.requests.map((r) => r.status);                      // [500, 200]
 * slack.messages();                                         // [{ channel: 'C1', ts: '1700000000.000100', text: 'hi', … }]
 * await slack.close();
 * ```
 *
 * It behaves like Slack where tests can notice: answers are HTTP 200 with `{ ok, … }`; a request
 * without a token gets `not_authed`; a post without a channel gets `channel_not_found`; an update of
 * a ts this server never issued gets `message_not_found`; ts values increase
 * (`1700000000.000100`, `1700000000.000200`, …) and the channel is answered as sent.
 *
 * Strict by default: a post, update or ephemeral post whose text and blocks break Block Kit's
 * documented limits (tools/block-kit/validate.ts) is refused as Slack refuses it, HTTP 200
 * `{ ok: false, error: 'invalid_blocks', response_metadata: { messages: ['[ERROR] … [json-pointer:/blocks/0/text/text]'] } }`
 * (or `msg_too_long`, `no_text`), recorded with its error and problems, and not stored.
 * `startSlackServer({ strict: false })` takes anything, as before.
 *
 * File uploads follow Slack's current three-step flow (what `files.uploadV2` does; `files.upload` is retired):
 * `files.getUploadURLExternal` (`filename`, `length`) answers `{ ok: true, upload_url: '<server>/upload/F…', file_id: 'F…' }`;
 * a POST of the bytes to that URL (raw or multipart form data, as Slack takes both) answers 200 `OK - <bytes>`
 * and stores them (Slack only says "a non-200 response indicates a failure"; this server answers 404 to an
 * upload URL it never issued or already completed); `files.completeUploadExternal` (`files: [{ id, title }]`,
 * `channel_id`, `thread_ts`, `initial_comment`) shares them and answers `{ ok: true, files: [{ id, title, name, size }] }`.
 * Refusals, with Slack's error names: a missing `filename` or `length`, or a `length` of 0, is `missing_argument`
 * ("A required argument was not provided. Typically only occurs when the length provided is 0."); completing an
 * id never issued or whose bytes never arrived is `file_not_found` ("Could not find the file from the upload
 * ticket."). Where Slack names no error, this server chose one: a `length` that is not a whole number is
 * `invalid_arguments`, and a second completion of the same id ("This method can only be called once") is
 * `file_not_found`. Slack does not document checking the bytes against the announced `length`, so neither
 * does this server. The POST is recorded as method `upload` with body `{ file_id, length }` (the bytes
 * received); script failures for it with `{ method: 'upload' }`:
 *
 * ```ts
 * await createSlackFilesPort({ token: 'xoxb-test', slackApiUrl: slack.url }).upload({ channel: 'C1', filename: 'a.png', title: 'A', bytes });
 * slack.requests.map((r) => r.method); // ['files.getUploadURLExternal', 'upload', 'files.completeUploadExternal']
 * slack.files();                       // [{ id: 'F0000000001', filename: 'a.png', title: 'A', channel: 'C1', bytes: <Buffer …> }]
 * ```
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { validateMessage } from '../../tools/block-kit/validate';

/** One scripted failure. `failNext(n, failure)` answers the next `n` matching calls with it. */
export type SlackFailure =
  /** HTTP 429 with `Retry-After: <retryAfter>` (seconds), as Slack rate-limits. */
  | { readonly kind: 'rate-limited'; readonly retryAfter: number }
  /** Any other HTTP status, e.g. 500 or 503, with a plain-text body. */
  | { readonly kind: 'http'; readonly status: number }
  /** HTTP 200 `{ ok: false, error }`: a Slack platform error such as `channel_not_found`. */
  | { readonly kind: 'error'; readonly error: string }
  /** The connection is dropped without an answer (a network error on the client's side). */
  | { readonly kind: 'disconnect' };

/** One request as the server received it, and what it answered. */
export interface SlackRequest {
  /** Web API method, e.g. `chat.postMessage`. */
  readonly method: string;
  /**
   * The arguments. Form-encoded values arrive as strings (`unfurl_links: 'false'`); values the client
   * JSON-encoded (arrays and objects such as `blocks`) are decoded. JSON bodies are kept as sent.
   */
  readonly body: Readonly<Record<string, unknown>>;
  /** Whether a token came with the request (Authorization: Bearer, or a `token` argument). */
  readonly authorized: boolean;
  /** The token itself, so a test can check which one was used. */
  readonly token: string | undefined;
  readonly contentType: string;
  /** `Date.now()` when the request arrived. */
  readonly receivedAt: number;
  /** HTTP status answered; 0 when the connection was dropped. */
  readonly status: number;
  /** The `error` of an `ok: false` answer. */
  readonly error?: string;
  /** Why a strict server refused the message: the validator's problems, e.g. `blocks[0].text.text: 3001 characters, the limit is 3000 (section text)`. */
  readonly problems?: readonly string[];
}

/** A file shared by `files.completeUploadExternal`, with the bytes POSTed to its upload URL. */
export interface SlackUploadedFile {
  readonly id: string;
  readonly filename: string;
  readonly title: string;
  /** The `channel_id` it was shared to; `''` when none was given (Slack keeps the file private). */
  readonly channel: string;
  readonly threadTs?: string;
  /** The `initial_comment` posted with it. */
  readonly comment?: string;
  readonly bytes: Buffer;
}

/** A message as it stands in the fake workspace after every post and update. */
export interface SlackStoredMessage {
  readonly channel: string;
  readonly ts: string;
  readonly threadTs: string | undefined;
  readonly text: string | undefined;
  readonly blocks: unknown;
  /** How many `chat.update` calls changed it. */
  readonly updates: number;
}

export interface SlackServer {
  /** Base URL to pass as `slackApiUrl`, e.g. `http://127.0.0.1:40123/api/`. */
  readonly url: string;
  /** Every request so far, oldest first (a live array; `reset()` empties it). */
  readonly requests: readonly SlackRequest[];
  /** Messages in post order, optionally of one channel; top-level and thread replies alike. */
  messages(channel?: string): SlackStoredMessage[];
  /** Completed uploads in completion order, optionally of one channel. */
  files(channel?: string): SlackUploadedFile[];
  /**
   * Answers the next `count` calls (of `options.method` only, if given) with `failure`. Scripts
   * queue: two 500s scripted before one `channel_not_found` fail three calls in that order.
   * `count: Infinity` fails every call until `reset()`.
   */
  failNext(count: number, failure: SlackFailure, options?: { readonly method?: string }): void;
  /** Drops pending failures only: Slack is back, and remembers what was posted before. */
  heal(): void;
  /** Forgets requests, messages, uploads and pending failures (the ts and file id sequences go on). */
  reset(): void;
  close(): Promise<void>;
}

type MutableMessage = { -readonly [K in keyof SlackStoredMessage]: SlackStoredMessage[K] };

interface Script {
  remaining: number;
  readonly failure: SlackFailure;
  readonly method: string | undefined;
}

interface Answer {
  readonly status: number;
  readonly body: Readonly<Record<string, unknown>>;
  readonly problems?: readonly string[];
}

export interface SlackServerOptions {
  /**
   * Refuse messages that break Block Kit's documented limits, as Slack does (default true). Off, the
   * server takes any text and blocks, as it did before it validated them.
   */
  readonly strict?: boolean;
  /**
   * With `strict`, also refuse a mrkdwn link left open (`<https://…|label` without `>`). Slack posts
   * such a message and shows the link broken; the tests treat it as a refusal. Default: `strict`.
   */
  readonly strictLinks?: boolean;
}

/**
 * Starts the server on 127.0.0.1 and an ephemeral port. Close it in `afterAll`; `reset()` between tests.
 *
 * @example
 * const slack = await startSlackServer();
 * slack.failNext(1, { kind: 'rate-limited', retryAfter: 1 });
 * slack.failNext(1, { kind: 'error', error: 'not_in_channel' }, { method: 'chat.update' });
 * const lax = await startSlackServer({ strict: false }); // takes blocks Slack would refuse
 */
export async function startSlackServer(options: SlackServerOptions = {}): Promise<SlackServer> {
  const strict = options.strict ?? true;
  const strictLinks = options.strictLinks ?? strict;
  const requests: SlackRequest[] = [];
  const stored = new Map<string, MutableMessage>();
  let scripts: Script[] = [];
  let seq = 0;
  let fileSeq = 0;

  const takeFailure = (method: string): SlackFailure | undefined => {
    const script = scripts.find((s) => s.remaining > 0 && (s.method === undefined || s.method === method));
    if (!script) return undefined;
    script.remaining -= 1;
    scripts = scripts.filter((s) => s.remaining > 0);
    return script.failure;
  };

  const api: Api = {
    nextTs: () => {
      seq += 100;
      return `${1_700_000_000 + Math.floor(seq / 1_000_000)}.${String(seq % 1_000_000).padStart(6, '0')}`;
    },
    stored,
    uploads: new Map(),
    shared: [],
    nextFileId: () => `F${String(++fileSeq).padStart(10, '0')}`,
    origin: '',
    validate: strict ? (body) => validateMessage({ text: body['text'], blocks: body['blocks'] }, { strictLinks }) : undefined,
  };

  const server = createServer((req, res) => {
    void handle(req, res, { requests, takeFailure, api }).catch(() => {
      if (!res.headersSent) res.writeHead(500).end('test server error');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  api.origin = `http://127.0.0.1:${port}`;

  return {
    url: `http://127.0.0.1:${port}/api/`,
    requests,
    messages: (channel) => [...stored.values()].filter((m) => channel === undefined || m.channel === channel).map((m) => ({ ...m })),
    files: (channel) => api.shared.filter((f) => channel === undefined || f.channel === channel).map((f) => ({ ...f })),
    failNext(count, failure, options) {
      scripts.push({ remaining: count, failure, method: options?.method });
    },
    heal() {
      scripts = [];
    },
    reset() {
      requests.length = 0;
      stored.clear();
      api.uploads.clear();
      api.shared.length = 0;
      scripts = [];
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        // fetch keeps connections alive; without this, close() waits for them to time out.
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/** A file between `files.getUploadURLExternal` and `files.completeUploadExternal`. */
interface PendingUpload {
  readonly filename: string;
  /** Set when the bytes arrive at the upload URL. */
  bytes?: Buffer;
  completed: boolean;
}

interface Api {
  nextTs(): string;
  readonly stored: Map<string, MutableMessage>;
  readonly uploads: Map<string, PendingUpload>;
  readonly shared: SlackUploadedFile[];
  nextFileId(): string;
  /** `http://127.0.0.1:<port>`, for upload URLs; set once the server listens. */
  origin: string;
  /** Block Kit validation of a strict server; undefined when the server is lax. */
  readonly validate: ((body: Readonly<Record<string, unknown>>) => ReturnType<typeof validateMessage>) | undefined;
}

interface Context {
  readonly requests: SlackRequest[];
  takeFailure(method: string): SlackFailure | undefined;
  readonly api: Api;
}

async function handle(req: IncomingMessage, res: ServerResponse, ctx: Context): Promise<void> {
  const raw = await readBody(req);
  const contentType = req.headers['content-type'] ?? '';
  const path = (req.url ?? '').split('?')[0] ?? '';
  const upload = path.startsWith('/upload/') ? await receiveUpload(path.slice('/upload/'.length), raw, contentType, ctx.api) : undefined;
  const body: Readonly<Record<string, unknown>> = upload ? upload.recorded : parseBody(raw.toString('utf8'), contentType);
  const method = upload ? 'upload' : path.replace(/^\/api\//, '');
  const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
  const token = bearer ?? (typeof body['token'] === 'string' ? body['token'] : undefined);
  const failure = ctx.takeFailure(method);
  const record = (status: number, error?: string, problems?: readonly string[]): void => {
    ctx.requests.push({
      method,
      body,
      authorized: token !== undefined,
      token,
      contentType,
      receivedAt: Date.now(),
      status,
      ...(error ? { error } : {}),
      ...(problems ? { problems } : {}),
    });
  };

  if (failure) {
    answerFailure(res, failure, record);
    return;
  }
  if (upload) {
    // The upload URL is signed: Slack wants no token there. The bytes are kept only now, so a
    // scripted failure above leaves the upload waiting for the client's retry.
    const status = upload.accept();
    record(status);
    res.writeHead(status, { 'content-type': 'text/plain' }).end(status === 200 ? `OK - ${upload.size}` : 'file not found');
    return;
  }
  const answer = token === undefined ? { status: 200, body: { ok: false, error: 'not_authed' } } : answerCall(method, body, ctx.api);
  record(answer.status, answer.body['ok'] === false ? String(answer.body['error']) : undefined, answer.problems);
  res.writeHead(answer.status, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(answer.body));
}

function answerFailure(res: ServerResponse, failure: SlackFailure, record: (status: number, error?: string) => void): void {
  switch (failure.kind) {
    case 'rate-limited':
      record(429, 'ratelimited');
      res.writeHead(429, { 'content-type': 'application/json', 'retry-after': String(failure.retryAfter) }).end('{"ok":false,"error":"ratelimited"}');
      return;
    case 'http':
      record(failure.status);
      res.writeHead(failure.status, { 'content-type': 'text/plain' }).end(`scripted HTTP ${failure.status}`);
      return;
    case 'error':
      record(200, failure.error);
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: false, error: failure.error }));
      return;
    case 'disconnect':
      record(0);
      res.socket?.destroy();
      return;
  }
}

function answerCall(method: string, body: Readonly<Record<string, unknown>>, api: Api): Answer {
  const channel = typeof body['channel'] === 'string' ? body['channel'] : '';
  const text = typeof body['text'] === 'string' ? body['text'] : undefined;
  const fail = (error: string): Answer => ({ status: 200, body: { ok: false, error } });
  if (method === 'chat.postEphemeral') return answerEphemeral(body, api);
  if (method === 'files.getUploadURLExternal') return answerUploadURL(body, api);
  if (method === 'files.completeUploadExternal') return answerCompleteUpload(body, api);
  if (method !== 'chat.postMessage' && method !== 'chat.update') return fail('unknown_method');
  if (channel === '') return fail('channel_not_found');
  if (text === undefined && body['blocks'] === undefined) return fail('no_text');
  const refused = refusal(body, api);
  if (refused) return refused;

  if (method === 'chat.postMessage') {
    const ts = api.nextTs();
    const threadTs = typeof body['thread_ts'] === 'string' ? body['thread_ts'] : undefined;
    api.stored.set(`${channel}|${ts}`, { channel, ts, threadTs, text, blocks: body['blocks'], updates: 0 });
    const message = { type: 'message', bot_id: 'B0TESTBOT', ts, text, blocks: body['blocks'], ...(threadTs ? { thread_ts: threadTs } : {}) };
    return { status: 200, body: { ok: true, channel, ts, message } };
  }
  const ts = typeof body['ts'] === 'string' ? body['ts'] : '';
  const existing = api.stored.get(`${channel}|${ts}`);
  if (!existing) return fail('message_not_found');
  Object.assign(existing, { text, blocks: body['blocks'], updates: existing.updates + 1 });
  return { status: 200, body: { ok: true, channel, ts, text, message: { type: 'message', bot_id: 'B0TESTBOT', ts, text, blocks: body['blocks'] } } };
}

/**
 * `chat.postEphemeral`: seen by one user only, so it is not stored with the channel's messages
 * (find it in `requests`). Slack answers `message_ts`; a post without `user` gets `user_not_found`.
 */
function answerEphemeral(body: Readonly<Record<string, unknown>>, api: Api): Answer {
  const fail = (error: string): Answer => ({ status: 200, body: { ok: false, error } });
  if (typeof body['channel'] !== 'string' || body['channel'] === '') return fail('channel_not_found');
  if (typeof body['user'] !== 'string' || body['user'] === '') return fail('user_not_found');
  if (typeof body['text'] !== 'string' && body['blocks'] === undefined) return fail('no_text');
  const refused = refusal(body, api);
  if (refused) return refused;
  return { status: 200, body: { ok: true, message_ts: api.nextTs() } };
}

/**
 * A strict server's answer to a message that breaks Block Kit's limits, in Slack's form: the error,
 * and one `[ERROR] <what> [json-pointer:<where>]` line per problem in `response_metadata.messages`
 * (Slack answers e.g. `[ERROR] must be less than 3001 characters [json-pointer:/blocks/1/text/text]`;
 * the wording here is the validator's).
 */
function refusal(body: Readonly<Record<string, unknown>>, api: Api): Answer | undefined {
  const result = api.validate?.(body);
  if (!result || result.ok) return undefined;
  const messages = result.problems.map(slackErrorLine);
  return { status: 200, body: { ok: false, error: result.error, response_metadata: { messages } }, problems: result.problems };
}

/** `blocks[3].text.text: 3001 characters…` → `[ERROR] 3001 characters… [json-pointer:/blocks/3/text/text]`. */
function slackErrorLine(problem: string): string {
  const split = problem.indexOf(': ');
  if (split === -1) return `[ERROR] ${problem}`;
  const pointer = `/${problem
    .slice(0, split)
    .replace(/\[(\d+)\]/g, '.$1')
    .split('.')
    .join('/')}`;
  return `[ERROR] ${problem.slice(split + 2)} [json-pointer:${pointer}]`;
}

/** `files.getUploadURLExternal`: `filename` and a whole, non-zero `length` (form values arrive as strings). */
function answerUploadURL(body: Readonly<Record<string, unknown>>, api: Api): Answer {
  const fail = (error: string): Answer => ({ status: 200, body: { ok: false, error } });
  const filename = body['filename'];
  const length = body['length'];
  if (typeof filename !== 'string' || filename === '' || length === undefined || length === '') return fail('missing_argument');
  const size = Number(length);
  if (!Number.isInteger(size) || size < 0) return fail('invalid_arguments');
  if (size === 0) return fail('missing_argument');
  const id = api.nextFileId();
  api.uploads.set(id, { filename, completed: false });
  return { status: 200, body: { ok: true, upload_url: `${api.origin}/upload/${id}`, file_id: id } };
}

/** `files.completeUploadExternal`: every file id must have been issued, uploaded, and not completed yet. */
function answerCompleteUpload(body: Readonly<Record<string, unknown>>, api: Api): Answer {
  const fail = (error: string): Answer => ({ status: 200, body: { ok: false, error } });
  const files = body['files'];
  if (!Array.isArray(files) || files.length === 0) return fail('invalid_arguments');
  const wanted = files.map((f: unknown) => (typeof f === 'object' && f !== null ? (f as Record<string, unknown>) : {}));
  if (wanted.some((f) => typeof f['id'] !== 'string')) return fail('invalid_arguments');
  const ready = (f: Record<string, unknown>) => {
    const upload = api.uploads.get(String(f['id']));
    return upload?.bytes !== undefined && !upload.completed;
  };
  if (!wanted.every(ready)) return fail('file_not_found');
  const text = (key: string): string | undefined => {
    const value = body[key];
    return typeof value === 'string' && value !== '' ? value : undefined;
  };
  const threadTs = text('thread_ts');
  const comment = text('initial_comment');
  const answered = wanted.map((f) => {
    const id = String(f['id']);
    const upload = api.uploads.get(id) as PendingUpload & { bytes: Buffer };
    upload.completed = true;
    const title = typeof f['title'] === 'string' && f['title'] !== '' ? f['title'] : upload.filename;
    api.shared.push({
      id,
      filename: upload.filename,
      title,
      channel: text('channel_id') ?? '',
      ...(threadTs !== undefined ? { threadTs } : {}),
      ...(comment !== undefined ? { comment } : {}),
      bytes: upload.bytes,
    });
    return { id, title, name: upload.filename, size: upload.bytes.length };
  });
  return { status: 200, body: { ok: true, files: answered } };
}

/**
 * The bytes POSTed to an upload URL: the file part of a multipart form (what WebClient sends), else
 * the raw body. `accept()` stores them and says the status: 404 for an id never issued or already completed.
 */
async function receiveUpload(id: string, raw: Buffer, contentType: string, api: Api) {
  let bytes = raw;
  if (contentType.startsWith('multipart/form-data')) {
    const form = await new Response(new Uint8Array(raw), { headers: { 'content-type': contentType } }).formData();
    const part = [...form.values()].find((v) => typeof v !== 'string');
    bytes = part !== undefined && typeof part !== 'string' ? Buffer.from(await part.arrayBuffer()) : Buffer.alloc(0);
  }
  return {
    size: bytes.length,
    recorded: { file_id: id, length: bytes.length },
    accept(): number {
      const upload = api.uploads.get(id);
      if (!upload || upload.completed) return 404;
      upload.bytes = bytes;
      return 200;
    },
  };
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks);
}

function parseBody(raw: string, contentType: string): Record<string, unknown> {
  if (contentType.startsWith('application/json')) {
    const parsed: unknown = raw === '' ? {} : JSON.parse(raw);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? { ...parsed } : {};
  }
  const out: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(raw)) out[key] = decodeJsonField(value);
  return out;
}

/** WebClient sends arrays and objects (blocks, metadata) as JSON strings inside the form. */
function decodeJsonField(value: string): unknown {
  if (!/^\s*[[{]/.test(value)) return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
}
