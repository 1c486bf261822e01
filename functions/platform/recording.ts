/**
 * Recording adapters for local replay: every call the deployed stack would make is recorded under
 * its real API name (`slack.chat.postMessage`, `sns.publish`, ...) and nothing is sent. Reads are
 * answered from a world file, or with `--aws` from the real account (reads only: nothing is written).
 */

import type { Comment, Commit } from '@aws-sdk/client-codecommit';
import type { PipelineDeclaration } from '@aws-sdk/client-codepipeline';
import type {
  BuildLogsPort,
  CommitsPort,
  DeadLetterPort,
  DeployDiagnosticsPort,
  EmailPort,
  MetricChartsPort,
  PipelinesPort,
  SlackFilesPort,
  SlackPort,
  TagsPort,
} from '../kernel/ports';
import { actionConfigurationOf, deployTargetOf } from './codepipeline';
import { deadLetterMessage } from './dead-letter';
import { metricWidgetImageInput } from './metric-charts';
import { type DiagnosticsWorld, recordingDiagnostics } from './recording-diagnostics';
import { postMessageArgs, updateMessageArgs } from './slack';
import { snsSubject } from './sns';

export interface RecordedCall {
  readonly call: string;
  readonly input: Readonly<Record<string, unknown>>;
  /** The replayed event that caused the call (stamped by the recorder's attribution). */
  readonly event?: string;
  /** When the call would be made, on replay's virtual clock (ISO). */
  readonly at?: string;
  /** What the call would answer, where replay shows it (a posted message's `ts`: its thread and updates refer to it). */
  readonly output?: Readonly<Record<string, unknown>>;
  /** The account and region it would be made in, when the call names them (a member account's pipeline). */
  readonly account?: string;
  readonly region?: string;
}

/** Who is acting and when: replay stamps every recorded call with it. */
export interface Attribution {
  event(): string | undefined;
  now(): Date;
}

/**
 * The list of recorded calls. Adapters of every feature push to it; each call is stamped with the
 * event and time of the attribution as it is pushed.
 */
class CallLog extends Array<RecordedCall> {
  // Array methods that build new arrays (slice, filter, map) must build plain ones.
  static override get [Symbol.species]() {
    return Array;
  }

  attribution: Attribution | undefined;

  override push(...calls: RecordedCall[]): number {
    const stamp = this.attribution;
    if (!stamp) return super.push(...calls);
    return super.push(...calls.map((c) => ({ ...c, event: c.event ?? stamp.event(), at: c.at ?? stamp.now().toISOString() })));
  }
}

/**
 * What replay knows about the account it pretends to read from (`--world`). Each feature reads its
 * own section (approvals, deployments, ...) and validates it.
 */
export interface World extends DiagnosticsWorld {
  readonly [section: string]: unknown;
  /** Free text for people reading the file. */
  readonly description?: string;
  /** Build logs by log group, then stream: `{ "/aws/codebuild/app": { "<uuid>": ["line", ...] } }`. */
  readonly logs?: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>>;
  /** Pipeline definitions by name, as `aws codepipeline get-pipeline` prints them (`{ "pipeline": … }`). */
  readonly pipelines?: Readonly<Record<string, { readonly pipeline: PipelineDeclaration }>>;
  /** Pipelines' resource tags by pipeline name (`aws codepipeline list-tags-for-resource`, as key → value). */
  readonly tags?: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** CodeCommit commits keyed `<repository>/<commitId>`, as `aws codecommit get-commit` prints them (`{ "commit": … }`). */
  readonly commits?: Readonly<Record<string, { readonly commit: Commit }>>;
  /** CodeCommit comments by comment id, as `aws codecommit get-comment` prints them (`{ "comment": … }`). */
  readonly comments?: Readonly<Record<string, { readonly comment: Comment }>>;
  /** Per member account (commits too): its own logs, pipelines, tags, deployments, stacks, stack sets and ECS services, read before the top-level ones. */
  readonly accounts?: Readonly<
    Record<string, Pick<World, 'logs' | 'pipelines' | 'tags' | 'deployments' | 'stacks' | 'stackSets' | 'ecsServices' | 'commits' | 'comments'>>
  >;
}

export interface Recorder {
  readonly calls: RecordedCall[];
  readonly slack: SlackPort;
  /** Uploads as `files.uploadV2` makes them: `slack.files.getUploadURLExternal`, then `slack.files.completeUploadExternal` (the bytes' POST is not an API call). */
  readonly files: SlackFilesPort;
  /** `cloudwatch.getMetricWidgetImage`, answered with {@link REPLAY_PNG}. */
  readonly charts: MetricChartsPort;
  readonly email: EmailPort;
  readonly logs: BuildLogsPort;
  readonly deadLetter: DeadLetterPort;
  readonly pipelines: PipelinesPort;
  readonly tags: TagsPort;
  readonly diagnostics: DeployDiagnosticsPort;
  readonly commits: CommitsPort;
}

/** Real read-only ports (`warden replay --aws`): reads go to the account, and are still recorded. */
export interface LiveReads {
  readonly logs: BuildLogsPort;
  readonly pipelines: PipelinesPort;
  /** Why a deploy failed: CodeDeploy deployments and targets, CloudFormation stack events, ECS service events. Absent, the world file answers. */
  readonly diagnostics?: DeployDiagnosticsPort;
}

/**
 * @example const rec = createRecorder({}); await rec.email.publish(...); rec.calls[0].call // 'sns.publish'
 */
export function createRecorder(world: World, live?: LiveReads, attribution?: Attribution): Recorder {
  const calls = new CallLog();
  calls.attribution = attribution;
  const accountOf = (place: { readonly account: string } | undefined) => (place ? world.accounts?.[place.account] : undefined);
  let seq = 0;
  // Slack ts values are seconds.microseconds; a fixed base keeps replay output reproducible.
  const nextTs = () => `1700000000.${String(++seq).padStart(6, '0')}`;
  let fileSeq = 0;
  return {
    calls,
    slack: {
      async postMessage(m) {
        const ts = nextTs();
        calls.push({ call: 'slack.chat.postMessage', input: postMessageArgs(m), output: { ts } });
        return { channel: m.channel, ts };
      },
      async updateMessage(m) {
        calls.push({ call: 'slack.chat.update', input: updateMessageArgs(m) });
        return 'updated';
      },
    },
    files: {
      async upload(f) {
        const id = `F0REPLAY${++fileSeq}`;
        calls.push({ call: 'slack.files.getUploadURLExternal', input: { filename: f.filename, length: f.bytes.byteLength }, output: { file_id: id } });
        const input = {
          files: [{ id, title: f.title }],
          channel_id: f.channel,
          ...(f.threadTs !== undefined ? { thread_ts: f.threadTs } : {}),
          ...(f.comment !== undefined ? { initial_comment: f.comment } : {}),
        };
        calls.push({ call: 'slack.files.completeUploadExternal', input });
        return { fileId: id };
      },
    },
    charts: {
      async png(widget) {
        calls.push({ call: 'cloudwatch.getMetricWidgetImage', input: metricWidgetImageInput(widget) });
        return REPLAY_PNG.slice();
      },
    },
    email: {
      async publish(e) {
        calls.push({ call: 'sns.publish', input: { TopicArn: e.topicArn, Subject: snsSubject(e.subject), Message: e.body } });
      },
    },
    logs: {
      async tail(ref) {
        calls.push({
          call: 'logs.getLogEvents',
          input: { logGroupName: ref.group, logStreamName: ref.stream, limit: ref.lines, startFromHead: false },
          ...ref.place,
        });
        if (live) return live.logs.tail(ref);
        const logs = accountOf(ref.place)?.logs?.[ref.group] ?? world.logs?.[ref.group];
        return (logs?.[ref.stream] ?? []).slice(-ref.lines);
      },
    },
    tags: {
      async pipelineTags(ref) {
        const { place, pipeline } = ref;
        const arn = `arn:aws:codepipeline:${place.region}:${place.account}:${pipeline}`;
        calls.push({ call: 'codepipeline.listTagsForResource', input: { resourceArn: arn }, ...place });
        return accountOf(place)?.tags?.[pipeline] ?? world.tags?.[pipeline] ?? {};
      },
    },
    pipelines: {
      async deployTarget(ref) {
        calls.push({
          call: 'codepipeline.getPipeline',
          input: { name: ref.pipeline, ...(ref.version !== undefined ? { version: ref.version } : {}) },
          ...ref.place,
        });
        if (live) return live.pipelines.deployTarget(ref);
        const pipeline = accountOf(ref.place)?.pipelines?.[ref.pipeline] ?? world.pipelines?.[ref.pipeline];
        return deployTargetOf(pipeline?.pipeline, ref.stage, ref.action);
      },
      async actionConfiguration(ref) {
        calls.push({
          call: 'codepipeline.getPipeline',
          input: { name: ref.pipeline, ...(ref.version !== undefined ? { version: ref.version } : {}) },
          ...ref.place,
        });
        if (live) return live.pipelines.actionConfiguration?.(ref);
        const pipeline = accountOf(ref.place)?.pipelines?.[ref.pipeline] ?? world.pipelines?.[ref.pipeline];
        return actionConfigurationOf(pipeline?.pipeline, ref.stage, ref.action);
      },
    },
    commits: {
      async commit({ place, repository, commitId }) {
        calls.push({ call: 'codecommit.getCommit', input: { repositoryName: repository, commitId }, ...place });
        const key = `${repository}/${commitId}`;
        const c = (accountOf(place)?.commits?.[key] ?? world.commits?.[key])?.commit;
        if (!c) return undefined;
        return { ...(c.message ? { message: c.message } : {}), ...(c.author ? { author: { ...c.author } } : {}) };
      },
      async comment({ place, commentId }) {
        calls.push({ call: 'codecommit.getComment', input: { commentId }, ...place });
        const c = (accountOf(place)?.comments?.[commentId] ?? world.comments?.[commentId])?.comment;
        return c?.deleted ? undefined : c?.content;
      },
    },
    diagnostics: recordingDiagnostics({ world, live: live?.diagnostics, calls, accountOf }),
    deadLetter: {
      async send(letter) {
        // The SendMessage request createDeadLetterPort sends; replay has no deployed queue to name.
        calls.push({ call: 'sqs.sendMessage', input: { ...deadLetterMessage('dead-letter-queue', letter) } });
      },
    },
  };
}

/**
 * What replay's charts are: a valid 1×1 PNG (one half-transparent blue pixel: signature, IHDR, IDAT,
 * IEND, 70 bytes, CRCs checked), so whatever reads or uploads the image gets a real one without CloudWatch.
 */
export const REPLAY_PNG: Uint8Array = Uint8Array.from(
  Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64'),
);
