/**
 * `warden replay`: real events through the deployed stack's own rule patterns, record handler and
 * hot path, with recording adapters: what would be posted and done, and nothing sent.
 */
import { existsSync, writeFileSync } from 'node:fs';
import type { Config } from '../functions/kernel/config/schema';
import { parseDuration } from '../functions/kernel/duration';
import type { DeliveryFactsPort } from '../functions/kernel/ports';
import { createMemoryDeliveryFacts } from '../functions/platform/delivery-facts-memory';
import { createMemoryCardStore } from '../functions/platform/memory-store';
import { createRecorder, type LiveReads, type RecordedCall, type World } from '../functions/platform/recording';
import { createMemoryStreaks } from '../functions/platform/streaks-memory';
import { validateMessage } from '../tools/block-kit/validate';
import { matchesPattern } from '../tools/event-pattern/matcher';
import { createScheduler } from '../tools/step-functions/clock';
import { readConfigFile } from './config-file';
import { collectEventFiles, type EventFile, loadRulePatterns } from './files';
import { liveReads } from './live-reads';
import { createLocalMachines } from './local-machines';
import { replayPage } from './replay-html';
import { printHuman, printSummary, type ReplayedEvent } from './replay-print';
import { createReplayQueue } from './replay-queue';
import { startDigestSchedule } from './scheduled';
import { TARGETS } from './targets';
import { UsageError } from './usage';
import { readWorldFile } from './world-file';

export interface ReplayOptions {
  readonly configFile: string;
  readonly worldFile?: string;
  /** The clock for the whole replay; by default each event's own time. */
  readonly at?: string;
  /** `--advance 30h`: how far the clock runs on after the last event. */
  readonly advance?: string;
  readonly json: boolean;
  /** Also write the preview page (cli/replay-html.ts) to this file. */
  readonly html?: string;
  /** Answer reads (build logs, pipeline definitions, why a deploy failed) from the real account, read-only. */
  readonly aws?: boolean;
  readonly paths: readonly string[];
  readonly out: NodeJS.WritableStream;
}

export type { ReplayedEvent };

/** Exit code: 0 when every event was read, 1 when one was rejected or matched no rule, 2 on bad usage. */
export async function replay(options: ReplayOptions): Promise<number> {
  const { config, world, advanceMs, files } = prepare(options);
  const live = options.aws ? liveReads() : undefined;
  const results = await replayEvents(files, { config, world, at: options.at, advanceMs, live });
  const places = new Map(files.map((f) => [f.name, placeOfEvent(f.event)]));
  for (const result of results) {
    if (options.json) {
      if (result.error) options.out.write(`${JSON.stringify({ event: result.event, error: result.error })}\n`);
      const place = places.get(result.event);
      for (const c of result.calls) {
        const { call, input, at } = c;
        options.out.write(`${JSON.stringify({ event: result.event, call, input, at, ...placeOfCall(c, place) })}\n`);
      }
    } else {
      printHuman(result, options.out);
    }
  }
  if (!options.json) printSummary(results, options.out);
  if (options.html) writeFileSync(options.html, replayPage(results, `pipeline-warden replay of ${options.paths.join(', ')}`));
  return results.some((r) => r.error) ? 1 : 0;
}

/**
 * Everything replay needs from its options and files, or a UsageError listing every problem at
 * once (config, world file, clock options, event paths), each naming its file or option.
 */
function prepare(options: ReplayOptions): { config: Config; world: World; advanceMs: number; files: EventFile[] } {
  const config = readConfigFile(options.configFile);
  const world = options.worldFile ? readWorldFile(options.worldFile) : ({ ok: true, world: {} } as const);
  const advance = options.advance === undefined ? 0 : parseDuration(options.advance);
  const missing = options.paths.filter((p) => !existsSync(p));
  const problems = [
    ...(config.ok ? [] : [`${options.configFile}: invalid configuration`, ...config.problems.map((p) => `  ${p}`)]),
    ...(world.ok ? [] : world.problems),
    ...(options.at !== undefined && Number.isNaN(Date.parse(options.at))
      ? [`--at: not an ISO time: ${JSON.stringify(options.at)} (example: 2026-11-23T14:00:00Z)`]
      : []),
    ...(advance === undefined ? [`--advance: not a duration: ${JSON.stringify(options.advance)} (examples: 30h, 90m, 2d, 1h30m)`] : []),
    ...(options.paths.length === 0 ? ['at least one event file or folder is needed'] : []),
    ...missing.map((p) => `${p}: no such event file or folder`),
  ];
  if (problems.length > 0 || !config.ok || !world.ok || advance === undefined) throw new UsageError(problems);
  return { config: config.config, world: world.world, advanceMs: advance, files: collectEventFiles(options.paths) };
}

interface ReplayContext {
  readonly config: Config;
  readonly world: World;
  readonly at?: string;
  /** How long the clock runs on after the last event (timers: reminders, deadlines, polling). */
  readonly advanceMs?: number;
  readonly live?: LiveReads;
  /** Where the notify path records delivery facts (`warden metrics` reads them); a fresh memory store by default. */
  readonly facts?: DeliveryFactsPort;
}

/**
 * Replays events in the order given, on one virtual clock: each event happens at its own time (or
 * `at`), timers of the executions it starts fire as the clock passes them, and after the last event
 * the clock runs on for `advanceMs`. One in-memory store is shared, so a run's card evolves across files.
 */
export async function replayEvents(files: readonly EventFile[], context: ReplayContext): Promise<ReplayedEvent[]> {
  const patterns = new Map(loadRulePatterns().map((p) => [p.name, p.pattern]));
  const first = files.find((f) => !f.error);
  const clock = createScheduler(context.at ?? eventTime(first?.event));
  let currentEvent: string | undefined;
  // A schedule's firing (the digest) and a redelivery from notify's queue own the calls they make; an execution its own event's.
  const scheduled = (label: string | undefined) => (label?.startsWith('digest ') ? label : undefined);
  const owner = (label: string | undefined) => machines.ownerOf(label ?? '') ?? scheduled(label) ?? queue.ownerOf(label);
  const attribution = { event: () => owner(clock.current()) ?? currentEvent, now: () => clock.now() };
  const recorder = createRecorder(context.world, context.live, attribution);
  const machines = createLocalMachines({ clock, recorder, currentEvent: () => currentEvent });
  const queue = createReplayQueue({ clock, sender: attribution.event });
  const shared = {
    config: context.config,
    world: context.world,
    recorder,
    store: createMemoryCardStore(),
    insights: { facts: context.facts ?? createMemoryDeliveryFacts(), streaks: createMemoryStreaks() },
    clock,
    machines,
    queue,
    defaultTopicArn: DEFAULT_TOPIC_ARN,
  };
  const targets = TARGETS.flatMap((factory) => factory(shared));
  const digests = startDigestSchedule(shared, shared.insights.facts);
  const errors = new Map<string, string>();
  // Event files and redeliveries in the order they happened (a redelivery comes as the clock passes it).
  const order: string[] = [];
  let seen = 0;
  const redelivered = () => {
    for (const { label, error } of queue.delivered().slice(seen)) {
      order.push(label);
      if (error) errors.set(label, error);
    }
    seen = queue.delivered().length;
  };
  for (const { name, event, error } of files) {
    if (error) {
      errors.set(name, error);
      order.push(name);
      continue;
    }
    await clock.advanceTo(new Date(context.at ?? eventTime(event)));
    redelivered();
    order.push(name);
    const matched = targets.filter((t) => matchesPattern(patterns.get(t.pattern) ?? missingPattern(t.pattern), event));
    if (matched.length === 0) {
      errors.set(name, 'matches no rule of the stack: EventBridge would not deliver it');
      continue;
    }
    const leave = clock.enter(name);
    currentEvent = name;
    for (const target of matched) {
      const outcome = await target.run(event, name);
      if (outcome?.error) errors.set(name, outcome.error);
    }
    leave();
    await clock.idle();
  }
  currentEvent = undefined;
  await clock.advanceTo(new Date(clock.now().getTime() + (context.advanceMs ?? 0)));
  redelivered();
  await machines.finish();
  const redeliveries = new Set(queue.delivered().map((d) => d.label));
  return [...order, ...digests()].flatMap((name) => {
    const calls = recorder.calls.filter((c) => c.event === name);
    const error = [errors.get(name), ...calls.flatMap(refusedBySlack)].filter((e): e is string => e !== undefined).join('; ');
    // A redelivery that found nothing to send (its build claimed by its pipeline in time) is left out.
    if (redeliveries.has(name) && calls.length === 0 && !error) return [];
    return [{ event: name, calls, ...(error ? { error } : {}) }];
  });
}

const SLACK_MESSAGE_CALLS = new Set(['slack.chat.postMessage', 'slack.chat.update', 'slack.chat.postEphemeral']);

/** A message Slack would refuse (tools/block-kit/validate.ts), as replay's error for its event. */
export function refusedBySlack(call: RecordedCall): string[] {
  if (!SLACK_MESSAGE_CALLS.has(call.call)) return [];
  const verdict = validateMessage({ text: call.input['text'], blocks: call.input['blocks'] });
  return verdict.ok
    ? []
    : [`Slack would refuse ${call.call.slice('slack.'.length)} to ${String(call.input['channel'])}: ${verdict.error} (${verdict.problems.join('; ')})`];
}

const DEFAULT_TOPIC_ARN = 'arn:aws:sns:us-east-1:123456789012:pipeline-warden-notifications';

function missingPattern(file: string): never {
  throw new Error(`replay target for ${file}: no such pattern in events/`);
}

/** Calls about a pipeline, build, deployment, log, alarm or calendar are made where it lives. */
const RESOURCE_CALLS = /^(codepipeline|codebuild|codedeploy|codecommit|codeartifact|logs|cloudwatch)\.|^ssm\.getCalendarState$/;

/** An event's account and region (EventBridge's envelope). */
function placeOfEvent(event: unknown): { account: string; region: string } | undefined {
  const e = typeof event === 'object' && event !== null ? (event as Record<string, unknown>) : {};
  return typeof e['account'] === 'string' && typeof e['region'] === 'string' ? { account: e['account'], region: e['region'] } : undefined;
}

/**
 * Where a recorded call would be made: the account and region it names, else, for a call about a
 * resource, those of the event it is about; the stack's own services (Slack, SNS, SQS, DynamoDB,
 * Step Functions) are called from the stack's own account and region, written `home`.
 */
export function placeOfCall(call: RecordedCall, event: { account: string; region: string } | undefined): { account: string; region: string } {
  if (call.account && call.region) return { account: call.account, region: call.region };
  if (RESOURCE_CALLS.test(call.call) && event) return event;
  return { account: 'home', region: 'home' };
}

function eventTime(event: unknown): string {
  const time = typeof event === 'object' && event !== null ? (event as Record<string, unknown>)['time'] : undefined;
  return typeof time === 'string' && !Number.isNaN(Date.parse(time)) ? time : new Date(0).toISOString();
}
