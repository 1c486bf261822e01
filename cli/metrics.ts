/**
 * `warden metrics`: the four DORA keys per pipeline (functions/kernel/delivery/keys.ts) with their
 * bands, from saved events replayed into a memory facts store, or (`--aws`) from the account's
 * CodePipeline history, read-only. The window is [now − since, now).
 */
import { existsSync } from 'node:fs';
import { CodePipelineClient } from '@aws-sdk/client-codepipeline';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import type { Config } from '../functions/kernel/config/schema';
import { type Band, type BandedKey, bandOf } from '../functions/kernel/delivery/bands';
import type { DeliveryFact } from '../functions/kernel/delivery/fact';
import { deliveryKeys, type KeysWindow, overallKeys, type PipelineKeys } from '../functions/kernel/delivery/keys';
import { formatDuration, parseDuration } from '../functions/kernel/duration';
import { createMemoryDeliveryFacts } from '../functions/platform/delivery-facts-memory';
import { pipelineHistoryFacts } from '../functions/platform/pipeline-history';
import type { World } from '../functions/platform/recording';
import { readConfigFile } from './config-file';
import { collectEventFiles } from './files';
import { replayEvents } from './replay';
import { UsageError } from './usage';
import { readWorldFile } from './world-file';

export interface MetricsOptions {
  readonly configFile: string;
  readonly worldFile?: string;
  /** PATH... are pipeline names, read from the account's history. */
  readonly aws: boolean;
  /** How far back the window reaches from now (default 30d). */
  readonly since?: string;
  /** Now: the window's end (default: the current time; replay: the last event's time + 1 ms). */
  readonly at?: string;
  readonly json: boolean;
  readonly paths: readonly string[];
  readonly out: NodeJS.WritableStream;
}

const DEFAULT_SINCE = '30d';

/** Exit code: 0 when the keys were printed, 2 on bad usage (every problem at once). */
export async function metrics(options: MetricsOptions): Promise<number> {
  const { config, world, sinceMs } = prepare(options);
  const at = options.at === undefined ? undefined : new Date(options.at);
  const { facts, now } = options.aws ? await fromAws(options.paths, config, sinceMs, at) : await fromReplay(options.paths, config, world, at);
  const window: KeysWindow = { from: new Date(now.getTime() - sinceMs), to: now };
  printKeys(deliveryKeys(facts, window), { json: options.json, out: options.out, window, facts });
  return 0;
}

/** The options checked together: a UsageError names each problem. */
function prepare(options: MetricsOptions): { config: Config; world: World; sinceMs: number } {
  const config = readConfigFile(options.configFile);
  const world = options.worldFile ? readWorldFile(options.worldFile) : ({ ok: true, world: {} } as const);
  const since = options.since ?? DEFAULT_SINCE;
  const sinceMs = parseDuration(since);
  const problems = [
    ...(config.ok ? [] : [`${options.configFile}: invalid configuration`, ...config.problems.map((p) => `  ${p}`)]),
    ...(world.ok ? [] : world.problems),
    ...(options.aws && options.worldFile !== undefined ? ['--world and --aws: choose one (saved answers or the account)'] : []),
    ...(sinceMs === undefined || sinceMs <= 0 ? [`--since: not a duration: ${JSON.stringify(since)} (examples: 30d, 12h, 1d12h)`] : []),
    ...(options.at !== undefined && Number.isNaN(Date.parse(options.at))
      ? [`--at: not an ISO time: ${JSON.stringify(options.at)} (example: 2026-11-23T14:00:00Z)`]
      : []),
    ...(options.paths.length === 0 ? [options.aws ? 'at least one pipeline name is needed' : 'at least one event file or folder is needed'] : []),
    ...(options.aws ? [] : options.paths.filter((p) => !existsSync(p)).map((p) => `${p}: no such event file or folder`)),
  ];
  if (problems.length > 0 || !config.ok || !world.ok || sinceMs === undefined) throw new UsageError(problems);
  return { config: config.config, world: world.world, sinceMs };
}

/**
 * The events replayed on the stack's own notify path into a memory facts store. Now defaults to the
 * last event's time + 1 ms, so a replay of old events lies in its own window.
 */
async function fromReplay(paths: readonly string[], config: Config, world: World, at: Date | undefined): Promise<{ facts: DeliveryFact[]; now: Date }> {
  const files = collectEventFiles(paths);
  const store = createMemoryDeliveryFacts();
  await replayEvents(files, { config, world, facts: store });
  return { facts: store.all(), now: at ?? lastEventTime(files.map((f) => f.event)) };
}

/** The latest `time` of the events, + 1 ms (the window's end is open); the epoch when none has one. */
export function lastEventTime(events: readonly unknown[]): Date {
  const times = events.flatMap((e) => {
    const time = typeof e === 'object' && e !== null ? (e as Record<string, unknown>)['time'] : undefined;
    const ms = typeof time === 'string' ? Date.parse(time) : Number.NaN;
    return Number.isNaN(ms) ? [] : [ms];
  });
  return new Date((times.length ? Math.max(...times) : 0) + 1);
}

/** Each named pipeline's history in the default account and region (credential chain, AWS_REGION). */
async function fromAws(pipelines: readonly string[], config: Config, sinceMs: number, at: Date | undefined): Promise<{ facts: DeliveryFact[]; now: Date }> {
  const now = at ?? new Date();
  const client = new CodePipelineClient({});
  const region = await client.config.region();
  const account = (await new STSClient({ region }).send(new GetCallerIdentityCommand({}))).Account ?? 'unknown';
  const since = new Date(now.getTime() - sinceMs);
  const facts: DeliveryFact[] = [];
  for (const pipeline of pipelines) {
    facts.push(...(await pipelineHistoryFacts(client, { pipeline, since, productionStages: config.productionStages, account, region })));
  }
  return { facts, now };
}

/**
 * The keys as `--json` lines (one object per pipeline, the documented fields first) or as a compact
 * table per pipeline with each key's band; more than one pipeline adds the keys of all of them.
 *
 * @example printKeys(deliveryKeys(facts, window), { json: true, out: process.stdout, window, facts })
 */
export function printKeys(
  keys: readonly PipelineKeys[],
  options: { readonly json: boolean; readonly out: NodeJS.WritableStream; readonly window: KeysWindow; readonly facts: readonly DeliveryFact[] },
): void {
  const { out, window } = options;
  if (options.json) {
    for (const k of keys) out.write(`${JSON.stringify(jsonOf(k))}\n`);
    return;
  }
  const range = `${window.from.toISOString()} → ${window.to.toISOString()}`;
  if (keys.length === 0) out.write(`No deployments or failures recorded between ${range}.\n`);
  for (const k of keys) out.write(table(`${k.pipeline} (${k.account} ${k.region})`, k));
  if (keys.length > 1) out.write(table('all pipelines', overallKeys(options.facts, window)));
  if (keys.length > 0) out.write(`Window ${range}. Bands: DORA 2023 performance levels (docs/delivery-keys.md).\n`);
}

function jsonOf(k: PipelineKeys): Record<string, unknown> {
  const { pipeline, account, deployments, failedDeployments, changeFailureRate, leadTimeSeconds, recoverySeconds, deploymentsPerWeek, ...rest } = k;
  return { pipeline, account, deployments, failedDeployments, changeFailureRate, leadTimeSeconds, recoverySeconds, deploymentsPerWeek, ...rest };
}

function table(title: string, k: PipelineKeys): string {
  const pct = (r: number | null) => (r === null ? '–' : `${Math.round(r * 1000) / 10}%`);
  const dur = (s: number | null) => (s === null ? '–' : formatDuration(s * 1000));
  const rows: Array<[string, string, BandedKey, number | null]> = [
    [
      'deployment frequency',
      `${k.deployments} (${round(k.deploymentsPerWeek)}/week, ${round(k.deploymentsPerDay)}/day)`,
      'deploymentFrequency',
      k.deployments ? k.deploymentsPerDay : null,
    ],
    [
      'lead time',
      `median ${dur(k.leadTimeSeconds.median)}, p90 ${dur(k.leadTimeSeconds.p90)} (from commit ${k.leadTimeFrom.commit}, from start ${k.leadTimeFrom.executionStart})`,
      'leadTime',
      k.leadTimeSeconds.median,
    ],
    ['change failure rate', `${pct(k.changeFailureRate)} (${k.failedDeployments} of ${k.attempts} attempts)`, 'changeFailureRate', k.changeFailureRate],
    [
      'recovery time',
      `median ${dur(k.recoverySeconds.median)}${k.unrecovered ? ` (${k.unrecovered} not recovered)` : ''}`,
      'recoveryTime',
      k.recoverySeconds.median,
    ],
  ];
  const width = Math.max(...rows.map(([, text]) => text.length));
  const lines = rows.map(([name, text, key, value]) => `  ${name.padEnd(21)} ${text.padEnd(width)}  ${bandText(bandOf(key, value))}`);
  const approvals =
    k.approvalWaitSeconds.max === null
      ? []
      : [`  ${'approval wait'.padEnd(21)} median ${dur(k.approvalWaitSeconds.median)}, longest ${dur(k.approvalWaitSeconds.max)}`];
  return `${title}\n${[...lines, ...approvals].join('\n')}\n\n`;
}

const bandText = (band: Band | undefined) => band ?? '–';
const round = (n: number) => Math.round(n * 100) / 100;
