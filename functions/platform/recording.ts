/**
 * Recording adapters for local replay: every call the deployed stack would make is recorded under
 * its real API name (`slack.chat.postMessage`, `sns.publish`, ...) and nothing is sent. Reads are
 * answered from a world file, or with `--aws` from the real account (reads only: nothing is written).
 */

import type { PipelineDeclaration } from '@aws-sdk/client-codepipeline';
import type { BuildLogsPort, DeadLetterPort, EmailPort, PipelinesPort, SlackPort, TagsPort } from '../kernel/ports';
import { deployTargetOf } from './codepipeline';
import { deadLetterMessage } from './dead-letter';
import { postMessageArgs, updateMessageArgs } from './slack';
import { snsSubject } from './sns';

export interface RecordedCall {
  readonly call: string;
  readonly input: Readonly<Record<string, unknown>>;
  /** The replayed event that caused the call (stamped by the recorder's attribution). */
  readonly event?: string;
  /** When the call would be made, on replay's virtual clock (ISO). */
  readonly at?: string;
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
export interface World {
  readonly [section: string]: unknown;
  /** Free text for people reading the file. */
  readonly description?: string;
  /** Build logs by log group, then stream: `{ "/aws/codebuild/app": { "<uuid>": ["line", ...] } }`. */
  readonly logs?: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>>;
  /** Pipeline definitions by name, as `aws codepipeline get-pipeline` prints them (`{ "pipeline": … }`). */
  readonly pipelines?: Readonly<Record<string, { readonly pipeline: PipelineDeclaration }>>;
  /** Pipelines' resource tags by pipeline name (`aws codepipeline list-tags-for-resource`, as key → value). */
  readonly tags?: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** Per member account: its own logs, pipelines and tags, read before the top-level ones. */
  readonly accounts?: Readonly<Record<string, Pick<World, 'logs' | 'pipelines' | 'tags'>>>;
}

export interface Recorder {
  readonly calls: RecordedCall[];
  readonly slack: SlackPort;
  readonly email: EmailPort;
  readonly logs: BuildLogsPort;
  readonly deadLetter: DeadLetterPort;
  readonly pipelines: PipelinesPort;
  readonly tags: TagsPort;
}

/** Real read-only ports (`warden replay --aws`): reads go to the account, and are still recorded. */
export interface LiveReads {
  readonly logs: BuildLogsPort;
  readonly pipelines: PipelinesPort;
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
  return {
    calls,
    slack: {
      async postMessage(m) {
        calls.push({ call: 'slack.chat.postMessage', input: postMessageArgs(m) });
        return { channel: m.channel, ts: nextTs() };
      },
      async updateMessage(m) {
        calls.push({ call: 'slack.chat.update', input: updateMessageArgs(m) });
        return 'updated';
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
    },
    deadLetter: {
      async send(letter) {
        // The SendMessage request createDeadLetterPort sends; replay has no deployed queue to name.
        calls.push({ call: 'sqs.sendMessage', input: { ...deadLetterMessage('dead-letter-queue', letter) } });
      },
    },
  };
}
