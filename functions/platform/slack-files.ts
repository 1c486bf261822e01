/**
 * Files (charts) to Slack through `@slack/web-api`'s `files.uploadV2`: the library asks
 * `files.getUploadURLExternal` for an upload URL, POSTs the bytes there (multipart form data) and
 * shares the file with `files.completeUploadExternal`; `files.upload` is retired. The client is built
 * and its failures sorted as slack.ts does for messages, so both ports retry and fail alike.
 */
import { type Logger, LogLevel, retryPolicies, type WebAPICallResult, WebClient } from '@slack/web-api';
import { PermanentError, type WardenError } from '../kernel/errors';
import type { SlackFilesPort } from '../kernel/ports';
import { platformErrorOf, type SlackLogSink, type SlackPortOptions, scrub, toWardenError } from './slack';

/**
 * The client options slack.ts takes, minus the 429 policy: an upload is three requests, and only
 * the library can wait a `Retry-After` out between them without starting the upload again.
 */
export type SlackFilesPortOptions = Pick<SlackPortOptions, 'token' | 'slackApiUrl' | 'retryConfig' | 'timeoutMs' | 'logger'>;

/** What the error names, since a failure may come from any of the three requests. */
const METHOD = 'files.uploadV2';

/**
 * @example
 * const files = createSlackFilesPort({ token: await getSlackToken('/pipeline-warden/slack-token') });
 * const { fileId } = await files.upload({ channel: 'C0123ABCD', threadTs: card.ts, filename: 'durations.png', title: 'Deploy durations', bytes: png });
 */
export function createSlackFilesPort(options: SlackFilesPortOptions): SlackFilesPort {
  const { token } = options;
  const client = new WebClient(token, {
    slackApiUrl: options.slackApiUrl ?? 'https://slack.com/api/',
    retryConfig: options.retryConfig ?? retryPolicies.fiveRetriesInFiveMinutes,
    // Each of the three requests waits out its own 429 and is retried alone: a throttled
    // completion does not upload the bytes twice.
    rejectRateLimitedCalls: false,
    timeout: options.timeoutMs ?? 10_000,
    ...(options.logger ? { logger: toSlackLogger(options.logger, token) } : { logLevel: LogLevel.WARN }),
  });

  return {
    async upload(file) {
      let result: WebAPICallResult;
      try {
        // Two shapes, as the library types them: shared to the channel, or as a reply in a thread.
        const destination = file.threadTs !== undefined ? { channel_id: file.channel, thread_ts: file.threadTs } : { channel_id: file.channel };
        result = await client.files.uploadV2({
          ...destination,
          // A view of the same memory: the library takes a Buffer, not any Uint8Array.
          file: Buffer.from(file.bytes.buffer, file.bytes.byteOffset, file.bytes.byteLength),
          filename: file.filename,
          title: file.title,
          ...(file.comment !== undefined ? { initial_comment: file.comment } : {}),
        });
      } catch (error) {
        throw toFilesError(error, file.channel, token);
      }
      return { fileId: completedFileId(result, file.channel) };
    },
  };
}

function toFilesError(error: unknown, channel: string, token: string): WardenError {
  // slack.ts's hint for missing_scope names chat:write; an upload needs files:write.
  if (platformErrorOf(error) === 'missing_scope') {
    return new PermanentError(`Slack ${METHOD} to channel ${channel} failed: missing_scope (the Slack app needs the files:write scope)`, {
      cause: error,
    });
  }
  return toWardenError(error, { method: METHOD, channel, token, now: () => new Date() });
}

/**
 * The id in the `files.completeUploadExternal` answer. `uploadV2` answers `{ ok, files: [<each
 * completion's answer>] }`, so the id sits at `files[0].files[0].id`.
 */
function completedFileId(result: WebAPICallResult, channel: string): string {
  const completions = 'files' in result && Array.isArray(result.files) ? (result.files as unknown[]) : [];
  const first: unknown = completions[0];
  const shared = typeof first === 'object' && first !== null && 'files' in first && Array.isArray(first.files) ? (first.files as unknown[]) : [];
  const entry: unknown = shared[0];
  const id = typeof entry === 'object' && entry !== null && 'id' in entry ? entry.id : undefined;
  if (typeof id !== 'string' || id === '') {
    // The file may well be in the channel: uploading again could share it twice.
    throw new PermanentError(`Slack files.completeUploadExternal to channel ${channel} answered ok without a file id`);
  }
  return id;
}

/** The library's logger on our sink, the token scrubbed from every line. */
function toSlackLogger(sink: SlackLogSink, token: string): Logger {
  const line = (parts: unknown[]): string => scrub(parts.map((p) => (typeof p === 'string' ? p : safeJson(p))).join(' '), token);
  // The sink filters by its own level; the client only reads this one back.
  let level = LogLevel.DEBUG;
  return {
    debug: (...msg: unknown[]) => sink.debug(line(msg)),
    info: (...msg: unknown[]) => sink.info(line(msg)),
    warn: (...msg: unknown[]) => sink.warn(line(msg)),
    error: (...msg: unknown[]) => sink.error(line(msg)),
    setLevel: (next: LogLevel) => {
      level = next;
    },
    getLevel: () => level,
    setName: () => undefined,
  };
}

function safeJson(value: unknown): string {
  if (value instanceof Error) return `${value.name}: ${value.message}`;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
