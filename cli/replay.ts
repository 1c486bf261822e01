/**
 * `warden replay`: real events through the deployed stack's own rule patterns, record handler and
 * hot path, with recording adapters: what would be posted and done, and nothing sent.
 */
import { readFileSync } from 'node:fs';
import { Logger } from '@aws-lambda-powertools/logger';
import { createMemoryCardStore } from '../functions/adapters/memory-store';
import { createRecorder, type LiveReads, type RecordedCall, type World } from '../functions/adapters/recording';
import { notifyEvent } from '../functions/app/notify-event';
import { processRecord } from '../functions/app/process-record';
import { picomatchGlobs } from '../functions/core/glob-picomatch';
import { matchesPattern } from '../functions/core/pattern/matcher';
import { readConfigFile } from './config-file';
import { collectEventFiles, loadRulePatterns, type EventFile } from './files';
import { printHuman, printSummary } from './replay-print';

export interface ReplayOptions {
  readonly configFile: string;
  readonly worldFile?: string;
  /** The clock for the whole replay; by default each event's own time. */
  readonly at?: string;
  readonly json: boolean;
  /** Answer reads (build logs, pipeline definitions) from the real account, read-only. */
  readonly aws?: boolean;
  readonly paths: readonly string[];
  readonly out: NodeJS.WritableStream;
}

export interface ReplayedEvent {
  readonly event: string;
  readonly calls: readonly RecordedCall[];
  readonly error?: string;
}

/** Exit code: 0 when every event was read, 1 when one was rejected or matched no rule, 2 on bad usage. */
export async function replay(options: ReplayOptions): Promise<number> {
  const config = readConfigFile(options.configFile);
  if (!config.ok) {
    options.out.write(`${options.configFile}: invalid configuration\n${config.problems.map((p) => `  ${p}\n`).join('')}`);
    return 2;
  }
  if (options.paths.length === 0) throw new Error('replay needs at least one event file or folder');
  if (options.at !== undefined && Number.isNaN(Date.parse(options.at))) throw new Error(`--at: not an ISO time: ${options.at}`);
  const world = options.worldFile ? (JSON.parse(readFileSync(options.worldFile, 'utf8')) as World) : {};
  const live = options.aws ? await liveReads() : undefined;
  const results = await replayEvents(collectEventFiles(options.paths), { config: config.config, world, at: options.at, live });
  for (const result of results) {
    if (options.json) {
      if (result.error) options.out.write(`${JSON.stringify({ event: result.event, error: result.error })}\n`);
      for (const call of result.calls) options.out.write(`${JSON.stringify({ event: result.event, ...call })}\n`);
    } else {
      printHuman(result, options.out);
    }
  }
  if (!options.json) printSummary(results, options.out);
  return results.some((r) => r.error) ? 1 : 0;
}

interface ReplayContext {
  readonly config: Parameters<typeof notifyEvent>[1]['config'];
  readonly world: World;
  readonly at?: string;
  readonly live?: LiveReads;
}

/** The account's read APIs with the default credential chain; nothing here can write. */
async function liveReads(): Promise<LiveReads> {
  const [{ CloudWatchLogsClient }, { CodePipelineClient }, { createBuildLogsPort }, { createPipelinesPort }] = await Promise.all([
    import('@aws-sdk/client-cloudwatch-logs'),
    import('@aws-sdk/client-codepipeline'),
    import('../functions/adapters/build-logs'),
    import('../functions/adapters/codepipeline'),
  ]);
  return { logs: createBuildLogsPort(new CloudWatchLogsClient({})), pipelines: createPipelinesPort(new CodePipelineClient({})) };
}

/** Replays events in order against one shared, in-memory store (a run's card evolves across files). */
export async function replayEvents(files: readonly EventFile[], context: ReplayContext): Promise<ReplayedEvent[]> {
  const patterns = loadRulePatterns();
  const store = createMemoryCardStore();
  const recorder = createRecorder(context.world, context.live);
  const globs = picomatchGlobs();
  const results: ReplayedEvent[] = [];
  for (const { name, event, error } of files) {
    if (error) {
      results.push({ event: name, calls: [], error });
      continue;
    }
    const start = recorder.calls.length;
    const rule = patterns.find((p) => matchesPattern(p.pattern, event));
    if (!rule) {
      results.push({ event: name, calls: [], error: 'matches no rule of the stack: EventBridge would not deliver it' });
      continue;
    }
    const now = () => new Date(context.at ?? eventTime(event));
    const deps = { config: context.config, globs, store, slack: recorder.slack, email: recorder.email, logs: recorder.logs, pipelines: recorder.pipelines, defaultTopicArn: 'arn:aws:sns:us-east-1:123456789012:pipeline-warden-notifications', now };
    const silent = new Logger({ logLevel: 'SILENT' });
    const outcome = await processRecord(JSON.stringify(event), { deadLetter: recorder.deadLetter, logger: silent, notify: (e) => notifyEvent(e, deps) });
    const calls = recorder.calls.slice(start);
    const rejected = outcome === 'rejected' ? calls.find((c) => c.call === 'sqs.sendMessage') : undefined;
    results.push({ event: name, calls: calls.filter((c) => c !== rejected), ...(rejected ? { error: `rejected, sent to the dead-letter queue: ${(rejected.input['problems'] as string[]).join('; ')}` } : {}) });
  }
  return results;
}

function eventTime(event: unknown): string {
  const time = typeof event === 'object' && event !== null ? (event as Record<string, unknown>)['time'] : undefined;
  return typeof time === 'string' && !Number.isNaN(Date.parse(time)) ? time : new Date(0).toISOString();
}
