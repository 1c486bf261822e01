/**
 * CPU per event and cold start of the notify Lambda, for two builds side by side: the working tree
 * (or `--current <rev>`) and a base revision (`--base <rev>`, default f2da9b7: the commit before issue 12's first, the code the issue measured) checked out with
 * `git worktree` in a temporary folder. Each build is bundled as bench/run.ts bundles it and runs in
 * fresh Node processes (bench/cpu-cold-child.cjs) with the real AWS SDK v3 clients from node_modules
 * and the real Slack client, every AWS and Slack call answered in memory (bench/in-memory-aws.cjs).
 *
 * - cold start: require the bundle, then the first invocation (one SQS record: scenario 01's first
 *   event), median of `runs` processes per build (15 by default), the builds alternating;
 * - CPU per event: process.cpuUsage (user + system) over `events` events (2,000 by default) after
 *   50 warm-up events, one event per invocation and SQS batches of 10, median of 3 processes per
 *   build, alternating. The events are the demo scenarios (events/samples) that the notify rules
 *   send to the queue, their ids rewritten so that every pass is a new set of runs.
 *
 * A build that fails an event (a batch item failure, a dead letter, an ERROR log line, a call that
 * would have left the process) stops the benchmark with the child's first error lines: its CPU
 * figure would measure the wrong work.
 *
 *   npx tsx bench/cpu-cold.ts [--base <rev>] [--current <rev>] [--runs 15] [--cpu-runs 3] [--events 2000]
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import { collectEventFiles } from '../cli/files';
import { type EventPattern, matchesPattern } from '../tools/event-pattern/matcher';
import { LAMBDA_BUILD } from './measure';

export interface CpuColdOptions {
  /** The base revision, checked out in a git worktree. Default `f2da9b7` (before issue 12). */
  readonly baseRev?: string;
  /** Cold-start processes per build (at least 15 is sensible). Default 15. */
  readonly runs?: number;
  /** Measure this revision (a second worktree) instead of the working tree. */
  readonly currentRev?: string;
  /** CPU processes per build. Default 3. */
  readonly cpuRuns?: number;
  /** Events per feeding mode in each CPU process. Default 2,000. */
  readonly events?: number;
}

const ROOT = path.resolve(__dirname, '..');
const OUT = path.join(ROOT, 'bench/out');
const PRELOAD = path.join(ROOT, 'bench/in-memory-aws.cjs');
const CHILD = path.join(ROOT, 'bench/cpu-cold-child.cjs');
const ENTRY = 'functions/notify/handler.ts';
const DEFAULT_BASE = 'f2da9b7';
const WARMUP = 50;
/** The rules that feed the notify queue (serverless.yml, EventsQueue targets). */
const NOTIFY_PATTERNS = ['codepipeline', 'codebuild', 'codedeploy', 'codeartifact', 'alarm'];
const QUEUE_ARN = 'arn:aws:sqs:eu-west-1:123456789012:events';
/** The name of the child's DEAD_LETTER_QUEUE_URL, as the preload counts calls to it ("SQS SendMessage → dlq"). */
const DEAD_LETTER_QUEUE = '→ dlq';

/** The child's environment: what serverless.yml gives notify, fake credentials, nothing of ours. */
const CHILD_ENV: NodeJS.ProcessEnv = {
  PATH: process.env['PATH'] ?? '',
  HOME: os.tmpdir(),
  LANG: 'C.UTF-8',
  TZ: 'UTC',
  AWS_REGION: 'eu-west-1',
  AWS_DEFAULT_REGION: 'eu-west-1',
  AWS_ACCESS_KEY_ID: 'AKIABENCHBENCHBENCH0',
  AWS_SECRET_ACCESS_KEY: 'bench0secret0key0bench0secret0key0bench0',
  AWS_SESSION_TOKEN: 'bench-session-token',
  AWS_EC2_METADATA_DISABLED: 'true',
  AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
  AWS_LAMBDA_FUNCTION_NAME: 'notify',
  AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
  AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '512',
  TABLE_NAME: 'warden-bench',
  DEAD_LETTER_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/dlq',
  EVENTS_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/events',
  DEFAULT_TOPIC_ARN: 'arn:aws:sns:eu-west-1:123456789012:warden',
  POWERTOOLS_SERVICE_NAME: 'pipeline-warden',
  POWERTOOLS_LOG_LEVEL: 'INFO',
  BENCH_WORLD: path.join(ROOT, 'events/samples/samples.world.json'),
};

interface Tree {
  readonly name: 'current' | 'base';
  readonly label: string;
  readonly root: string;
  readonly cleanup?: () => void;
}

interface Build extends Tree {
  readonly bundle: string;
  readonly bytes: number;
  readonly define: Record<string, string>;
}

type Calls = Record<string, number>;

interface Feed {
  events: number;
  invocations: number;
  userUs: number;
  systemUs: number;
  wallMs: number;
  stubNs: number;
  calls: Calls;
  failures: number;
}

interface ColdResult {
  bootMs: number;
  loadMs: number;
  firstEventMs: number;
  loadCpuMs: number;
  firstCpuMs: number;
  failures: number;
  calls: Calls;
  patched: string[];
}

interface CpuResult {
  warmup: Feed;
  batch1: Feed;
  batch10: Feed;
  patched: string[];
}

/** What a child printed besides its result: its logs (stdout) by level, the first problems kept. */
interface ChildLogs {
  bytes: number;
  lines: number;
  errors: number;
  warnings: number;
  firstProblems: string[];
  stderr: string;
}

class BuildFailure extends Error {}

const git = (args: string[], cwd = ROOT) => execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
const median = (xs: readonly number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};
const fixed = (x: number, digits = 1) => x.toFixed(digits);
const ratio = (a: number, b: number) => (b > 0 ? (a / b).toFixed(2) : 'n/a');

// ── Trees and bundles ───────────────────────────────────────────────────────────────────────────

/** A detached worktree of `rev` in a temporary folder, node_modules linked from the repo. */
function worktree(name: Tree['name'], rev: string): Tree {
  const sha = git(['rev-parse', '--short', `${rev}^{commit}`]);
  const dir = mkdtempSync(path.join(os.tmpdir(), `warden-bench-${name}-`));
  const root = path.join(dir, 'tree');
  git(['worktree', 'add', '--detach', root, sha]);
  const modules = path.join(root, 'node_modules');
  // The same lockfile: the repo's node_modules serve. Another one (a dependency added or dropped
  // since): the revision's own, installed as its lockfile says.
  const sameLock = readFileSync(path.join(root, 'package-lock.json'), 'utf8') === readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8');
  if (sameLock) symlinkSync(path.join(ROOT, 'node_modules'), modules, 'dir');
  else execFileSync('npm', ['ci', '--ignore-scripts', '--no-audit', '--no-fund', '--prefer-offline'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  const cleanup = () => {
    // The link first: the worktree's removal must never reach the repo's node_modules.
    if (sameLock && existsSync(modules)) unlinkSync(modules);
    try {
      git(['worktree', 'remove', '--force', root]);
    } catch {
      git(['worktree', 'prune']);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  return { name, label: rev === sha ? sha : `${rev} (${sha})`, root, cleanup };
}

function workingTree(): Tree {
  const head = git(['rev-parse', '--short', 'HEAD']);
  const changed = git(['status', '--porcelain', '--untracked-files=no']).split('\n').filter(Boolean).length;
  return { name: 'current', label: `working tree (HEAD ${head}${changed ? `, ${changed} file(s) changed` : ', clean'})`, root: ROOT };
}

/**
 * The `define` bench/run.ts gives esbuild, computed by the tree's own modules from its own config
 * files: a build is packaged with the config schema and glob compiler of its revision.
 */
function defineOf(root: string): Record<string, string> {
  const load = (file: string) => require(path.join(root, file));
  const { parseConfig } = load('functions/kernel/config/parse.ts');
  const { parsePolicy } = load('functions/governance/domain/policy-schema.ts');
  const { customRules } = load('config/custom-rules.ts');
  const { compileGlobs } = load('functions/kernel/glob-picomatch.ts');
  const configResult = parseConfig(readFileSync(path.join(root, 'config/warden.yml'), 'utf8'));
  if (!configResult.ok) throw new BuildFailure(`${root}: config/warden.yml: ${configResult.problems.join('; ')}`);
  const policyResult = parsePolicy(readFileSync(path.join(root, 'config/policy.yml'), 'utf8'), { customRules });
  if (!policyResult.ok) throw new BuildFailure(`${root}: config/policy.yml: ${policyResult.problems.join('; ')}`);
  return {
    WARDEN_EMBEDDED_CONFIG: JSON.stringify(JSON.stringify(configResult.config)),
    WARDEN_EMBEDDED_GLOBS: JSON.stringify(JSON.stringify(compileGlobs(configResult.config))),
    WARDEN_EMBEDDED_POLICY: JSON.stringify(JSON.stringify(policyResult.policy)),
  };
}

/**
 * The notify bundle as bench/run.ts `bundles()` builds it, written inside its tree (bench/out,
 * gitignored) so that its `require('@aws-sdk/…')` finds that tree's node_modules.
 */
async function bundleOf(tree: Tree): Promise<Build> {
  const define = defineOf(tree.root);
  mkdirSync(path.join(tree.root, 'bench/out'), { recursive: true });
  const bundle = path.join(tree.root, 'bench/out', `notify.${tree.name}.js`);
  await build({ ...LAMBDA_BUILD, entryPoints: [path.join(tree.root, ENTRY)], outfile: bundle, define });
  return { ...tree, bundle, bytes: statSync(bundle).size, define };
}

// ── Events ──────────────────────────────────────────────────────────────────────────────────────

/** The ids that make a scenario's events one run (execution, build, deployment, package version). */
function runTokens(events: readonly Record<string, any>[]): string[] {
  const tokens = new Set<string>();
  for (const event of events) {
    const detail = event['detail'] ?? {};
    for (const key of ['execution-id', 'deploymentId', 'packageVersion']) if (typeof detail[key] === 'string') tokens.add(detail[key]);
    if (typeof detail['build-id'] === 'string') tokens.add(String(detail['build-id']).split(':').pop()!);
  }
  // Longest first, so that no token is rewritten inside a longer one already rewritten.
  return [...tokens].filter((t) => t.length >= 5).sort((a, b) => b.length - a.length);
}

/**
 * `n` events cycled from `events` (in order), each pass a new set of runs: every run id is
 * rewritten wherever it appears (the build id in the action's external-execution-id and the log
 * stream too), so that each pass's events stay together, in order, and link up as the originals do.
 */
function distinctRuns(events: readonly Record<string, any>[], n: number, tag: string): Record<string, any>[] {
  const tokens = runTokens(events);
  return Array.from({ length: n }, (_, i) => {
    const pass = `${tag}${Math.floor(i / events.length)}`;
    let text = JSON.stringify(events[i % events.length]);
    for (const token of tokens) text = text.split(token).join(`${token}-${pass}`);
    const event = JSON.parse(text) as Record<string, any>;
    event['id'] = `${String(event['id'])}-${pass}`;
    return event;
  });
}

function sqsRecord(event: unknown, i: number, tag: string) {
  const body = JSON.stringify(event);
  return {
    messageId: `00000000-0000-4000-8000-${tag}${String(i).padStart(11, '0')}`,
    receiptHandle: `bench-${tag}-${i}`,
    body,
    attributes: { ApproximateReceiveCount: '1', SentTimestamp: '1795000000000', SenderId: 'AIDABENCH', ApproximateFirstReceiveTimestamp: '1795000000001' },
    messageAttributes: {},
    md5OfBody: createHash('md5').update(body).digest('hex'),
    eventSource: 'aws:sqs',
    eventSourceARN: QUEUE_ARN,
    awsRegion: 'eu-west-1',
  };
}

interface EventFiles {
  readonly cold: string;
  readonly cpu: string;
  readonly scenarioEvents: number;
  readonly runsPerPass: number;
}

function writeEvents(dir: string, n: number): EventFiles {
  const patterns = NOTIFY_PATTERNS.map((p) => JSON.parse(readFileSync(path.join(ROOT, `events/${p}.pattern.json`), 'utf8')) as EventPattern);
  const files = collectEventFiles([path.join(ROOT, 'events/samples')]);
  const events = files.map((f) => f.event as Record<string, any>).filter((e) => patterns.some((p) => matchesPattern(p, e)));
  const first = collectEventFiles([path.join(ROOT, 'events/samples/01-pipeline-build-fails')])[0]?.event;
  if (!first || events.length === 0) throw new Error('events/samples: no scenario events for the notify rules');
  const cold = path.join(dir, 'cold.json');
  writeFileSync(cold, JSON.stringify({ cold: sqsRecord(first, 0, 'c') }));
  const cpu = path.join(dir, 'cpu.json');
  const records = (tag: string, count: number) => distinctRuns(events, count, tag).map((e, i) => sqsRecord(e, i, tag));
  writeFileSync(cpu, JSON.stringify({ warmup: records('w', WARMUP), batch1: records('a', n), batch10: records('b', n) }));
  const scenarios = new Set(files.filter((f) => patterns.some((p) => matchesPattern(p, f.event))).map((f) => path.basename(path.dirname(f.name))));
  return { cold, cpu, scenarioEvents: events.length, runsPerPass: scenarios.size };
}

// ── Children ────────────────────────────────────────────────────────────────────────────────────

/** Powertools writes one JSON object per line; its level field says what it is. */
function watchLogs(child: ChildProcess, logs: ChildLogs): void {
  let partial = '';
  child.stdout!.setEncoding('utf8');
  child.stdout!.on('data', (chunk: string) => {
    logs.bytes += Buffer.byteLength(chunk);
    const lines = (partial + chunk).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      logs.lines += 1;
      const level = /"level":"(\w+)"/.exec(line)?.[1];
      if (level === 'ERROR' || level === 'CRITICAL') logs.errors += 1;
      else if (level === 'WARN') logs.warnings += 1;
      else continue;
      if (logs.firstProblems.length < 5) logs.firstProblems.push(line.length > 2_000 ? `${line.slice(0, 2_000)}…` : line);
    }
  });
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (chunk: string) => {
    if (logs.stderr.length < 20_000) logs.stderr += chunk;
  });
}

async function runChild<T>(build: Build, mode: 'cold' | 'cpu', eventsFile: string): Promise<{ result: T; logs: ChildLogs }> {
  // stdout (the function's logs) goes to a pipe drained here, as Lambda's log pipe is; fd 3 carries the result.
  const child = spawn(process.execPath, ['-r', PRELOAD, CHILD, build.bundle, mode, eventsFile], {
    cwd: ROOT,
    env: CHILD_ENV,
    stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
  });
  const logs: ChildLogs = { bytes: 0, lines: 0, errors: 0, warnings: 0, firstProblems: [], stderr: '' };
  watchLogs(child, logs);
  let out = '';
  const fd3 = child.stdio[3] as NodeJS.ReadableStream;
  fd3.setEncoding('utf8');
  fd3.on('data', (chunk: string) => {
    out += chunk;
  });
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  let parsed: (T & { error?: string; failed?: string[]; sqsSent?: unknown[] }) | undefined;
  try {
    parsed = JSON.parse(out.trim().split('\n').pop() ?? '');
  } catch {
    parsed = undefined;
  }
  const problems: string[] = [];
  if (code !== 0) problems.push(`exited with code ${code}`);
  if (!parsed) problems.push('printed no result');
  if (parsed?.error) problems.push(`threw: ${parsed.error}`);
  if (parsed) {
    const feeds = mode === 'cold' ? [parsed as unknown as ColdResult] : ['warmup', 'batch1', 'batch10'].map((k) => (parsed as any)[k] as Feed);
    const failures = feeds.reduce((sum, f) => sum + (f?.failures ?? 0), 0);
    if (failures) problems.push(`${failures} batch item failure(s) (first: ${(parsed.failed ?? []).slice(0, 3).join(', ')})`);
    const calls = feeds.flatMap((f) => Object.entries(f?.calls ?? {}));
    const letters = calls.filter(([name]) => name.startsWith('SQS SendMessage') && name.endsWith(DEAD_LETTER_QUEUE)).reduce((sum, [, n]) => sum + n, 0);
    if (letters) {
      const first = (parsed.sqsSent ?? [])
        .filter((m: any) => String(m.QueueUrl).endsWith('/dlq'))
        .slice(0, 2)
        .map((m) => JSON.stringify(m));
      problems.push(`${letters} dead letter(s) sent (events the function rejected); the first: ${first.join('\n    ')}`);
    }
    const blocked = calls.filter(([name]) => name.startsWith('Blocked'));
    if (blocked.length) problems.push(`call(s) that would have left the process: ${blocked.map(([name, n]) => `${name} ×${n}`).join(', ')}`);
  }
  if (logs.errors) problems.push(`${logs.errors} ERROR log line(s)`);
  if (problems.length) {
    const details = [
      ...logs.firstProblems.map((l) => `  log: ${l}`),
      ...(logs.stderr.trim() ? [`  stderr: ${logs.stderr.trim().split('\n').slice(0, 30).join('\n          ')}`] : []),
    ];
    throw new BuildFailure(
      `the ${build.name} build (${build.label}) failed in a ${mode} run: ${problems.join('; ')}; its CPU figures would be meaningless.\n${details.join('\n')}`,
    );
  }
  return { result: parsed as T, logs };
}

/** `rounds` × each build, alternating which goes first, so that drift on the machine hits both. */
async function alternate<T>(builds: readonly Build[], rounds: number, run: (build: Build) => Promise<T>): Promise<Map<Build, T[]>> {
  const results = new Map<Build, T[]>(builds.map((b) => [b, []]));
  for (let round = 0; round < rounds; round += 1) {
    const order = round % 2 === 0 ? builds : [...builds].reverse();
    for (const build of order) results.get(build)!.push(await run(build));
  }
  return results;
}

// ── Report ──────────────────────────────────────────────────────────────────────────────────────

function row(label: string, current: number, base: number, unit: string, digits = 1): string {
  return `| ${label} | ${fixed(current, digits)} ${unit} | ${fixed(base, digits)} ${unit} | ${ratio(current, base)} |`;
}

const cpuUsPerEvent = (f: Feed) => (f.userUs + f.systemUs) / f.events;

function callsTable(builds: readonly Build[], cpu: Map<Build, { result: CpuResult; logs: ChildLogs }[]>): string[] {
  const names = new Set<string>();
  const first = (b: Build) => cpu.get(b)![0]!.result;
  for (const b of builds) for (const f of [first(b).batch1, first(b).batch10]) for (const name of Object.keys(f.calls)) names.add(name);
  const per = (f: Feed, name: string) => fixed((f.calls[name] ?? 0) / f.events, 3);
  const lines = [`| call, per event | ${builds.map((b) => `${b.name} ×1 | ${b.name} ×10`).join(' | ')} |`, `|---|${builds.map(() => '---:|---:').join('|')}|`];
  for (const name of [...names].sort()) {
    lines.push(`| ${name} | ${builds.map((b) => `${per(first(b).batch1, name)} | ${per(first(b).batch10, name)}`).join(' | ')} |`);
  }
  return lines;
}

/**
 * Prints the section: bundles, cold start (median of `runs` processes per build), CPU per event
 * (median of 3 processes per build) for batches of 1 and of 10, and the in-memory calls per event.
 * Throws (after removing its worktrees) when a build fails an event.
 */
export async function cpuAndColdStart(options: CpuColdOptions): Promise<void> {
  const baseRev = options.baseRev ?? DEFAULT_BASE;
  const runs = Math.max(1, options.runs ?? 15);
  const cpuRuns = Math.max(1, options.cpuRuns ?? 3);
  const n = Math.max(10, options.events ?? 2_000);
  const trees: Tree[] = [];
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'warden-bench-events-'));
  const cleanup = () => {
    for (const t of trees.splice(0)) t.cleanup?.();
    rmSync(scratch, { recursive: true, force: true });
  };
  const onSignal = () => {
    cleanup();
    process.exit(130);
  };
  process.once('SIGINT', onSignal);
  try {
    trees.push(options.currentRev ? worktree('current', options.currentRev) : workingTree());
    trees.push(worktree('base', baseRev));
    mkdirSync(OUT, { recursive: true });
    const builds: Build[] = [];
    for (const tree of trees) builds.push(await bundleOf(tree));
    const [current, base] = builds as [Build, Build];
    const events = writeEvents(scratch, n);

    console.log(`\n## notify: CPU per event and cold start, ${current.label} vs base ${base.label}`);
    console.log(
      `node ${process.version} · ${process.arch} · fresh process per measurement (bench/cpu-cold-child.cjs) · AWS SDK v3 from node_modules, its HTTP and Slack's requests answered in memory (bench/in-memory-aws.cjs)`,
    );
    const sameDefine = JSON.stringify(current.define) === JSON.stringify(base.define);
    console.log(
      `bundles: current ${fixed(current.bytes / 1000)} kB, base ${fixed(base.bytes / 1000)} kB → ratio ${ratio(current.bytes, base.bytes)}; embedded config/globs/policy ${sameDefine ? 'identical' : 'differ (each computed by its own revision)'}`,
    );

    // Cold start.
    const cold = await alternate(builds, runs, (b) => runChild<ColdResult>(b, 'cold', events.cold));
    const coldOf = (b: Build, pick: (r: ColdResult) => number) => median(cold.get(b)!.map(({ result }) => pick(result)));
    console.log(`\n### Cold start: require the bundle + first invocation (1 record), median of ${runs} processes per build, alternating`);
    console.log('| | current | base | current/base |');
    console.log('|---|---:|---:|---:|');
    console.log(
      row(
        'bundle load (wall)',
        coldOf(current, (r) => r.loadMs),
        coldOf(base, (r) => r.loadMs),
        'ms',
      ),
    );
    console.log(
      row(
        'first event (wall)',
        coldOf(current, (r) => r.firstEventMs),
        coldOf(base, (r) => r.firstEventMs),
        'ms',
      ),
    );
    console.log(
      row(
        '**cold start** = load + first event',
        coldOf(current, (r) => r.loadMs + r.firstEventMs),
        coldOf(base, (r) => r.loadMs + r.firstEventMs),
        'ms',
      ),
    );
    console.log(
      row(
        'CPU of load + first event',
        coldOf(current, (r) => r.loadCpuMs + r.firstCpuMs),
        coldOf(base, (r) => r.loadCpuMs + r.firstCpuMs),
        'ms',
      ),
    );
    console.log(
      row(
        'before: Node bootstrap + preload (not counted)',
        coldOf(current, (r) => r.bootMs),
        coldOf(base, (r) => r.bootMs),
        'ms',
      ),
    );
    const firstCalls = (b: Build) =>
      Object.entries(cold.get(b)![0]!.result.calls)
        .map(([name, k]) => `${name} ×${k}`)
        .join(', ');
    console.log(`first event's calls: current ${firstCalls(current)}; base ${firstCalls(base)}`);

    // CPU per event.
    const cpu = await alternate(builds, cpuRuns, (b) => runChild<CpuResult>(b, 'cpu', events.cpu));
    const cpuOf = (b: Build, pick: (r: CpuResult) => number) => median(cpu.get(b)!.map(({ result }) => pick(result)));
    console.log(
      `\n### CPU per event (process.cpuUsage user + system), median of ${cpuRuns} processes per build, alternating; ${n} events per mode after ${WARMUP} warm-up events`,
    );
    console.log(
      `events: the ${events.scenarioEvents} events of the ${events.runsPerPass} demo scenarios the notify rules match (events/samples), cycled with run ids rewritten per pass: ~${Math.ceil(n / events.scenarioEvents) * events.runsPerPass} distinct runs per mode`,
    );
    console.log(
      "CPU counts every thread of the process (V8's collector and compilers too) and the emulation's own answers (rows below); no socket, TLS or HTTP parsing is in it",
    );
    console.log('| | current | base | current/base |');
    console.log('|---|---:|---:|---:|');
    // Each row: its label and what it reads of one process's result.
    const rows: ReadonlyArray<readonly [string, (r: CpuResult) => number]> = [
      ['**CPU per event, batches of 1**', (r) => cpuUsPerEvent(r.batch1)],
      ['**CPU per event, batches of 10**', (r) => cpuUsPerEvent(r.batch10)],
      ['  of which system time, batches of 1', (r) => r.batch1.systemUs / r.batch1.events],
      ['wall per event, batches of 1', (r) => (r.batch1.wallMs * 1000) / r.batch1.events],
      ['wall per event, batches of 10', (r) => (r.batch10.wallMs * 1000) / r.batch10.events],
      ['in-memory answers (included above), batches of 1', (r) => r.batch1.stubNs / 1000 / r.batch1.events],
      ['in-memory answers (included above), batches of 10', (r) => r.batch10.stubNs / 1000 / r.batch10.events],
    ];
    for (const [label, pick] of rows) console.log(row(label, cpuOf(current, pick), cpuOf(base, pick), 'µs', 0));
    const logBytes = (b: Build) =>
      median(cpu.get(b)!.map(({ result, logs }) => logs.bytes / (result.warmup.events + result.batch1.events + result.batch10.events)));
    console.log(row('log output to stdout per event', logBytes(current), logBytes(base), 'bytes', 0));
    const cpuRanges = (b: Build) =>
      ['batch1', 'batch10'].map((k) =>
        cpu
          .get(b)!
          .map(({ result }) => fixed(cpuUsPerEvent((result as any)[k] as Feed), 0))
          .join('/'),
      );
    console.log(
      `each process (µs per event): current ×1 ${cpuRanges(current)[0]}, ×10 ${cpuRanges(current)[1]}; base ×1 ${cpuRanges(base)[0]}, ×10 ${cpuRanges(base)[1]}`,
    );
    console.log('\nIn-memory AWS and Slack calls per event, by operation (first process of each build):');
    for (const line of callsTable(builds, cpu)) console.log(line);
    for (const b of builds) {
      const f = cpu.get(b)![0]!.result.batch1;
      const later = Object.entries(f.calls)
        .filter(([name]) => name.startsWith('SQS SendMessage') && !name.endsWith(DEAD_LETTER_QUEUE))
        .reduce((sum, [, k]) => sum + k, 0);
      if (later) {
        console.log(
          `note: the ${b.name} build sent ${fixed(later / f.events, 3)} message(s) per event back to its own queue (work put off for later, e.g. Slack pacing at this event rate); the bench does not feed them back, so its figures leave that later work out: compare its Slack calls per event above`,
        );
      }
    }
    const warnings = (b: Build) => cpu.get(b)!.reduce((sum, { logs }) => sum + logs.warnings, 0);
    if (warnings(current) || warnings(base)) console.log(`WARN log lines: current ${warnings(current)}, base ${warnings(base)}`);
    console.log(`SDK handler copies answered in memory: ${[...new Set(builds.flatMap((b) => cpu.get(b)![0]!.result.patched))].join(', ')}`);
  } finally {
    process.removeListener('SIGINT', onSignal);
    cleanup();
  }
}

function argument(args: readonly string[], name: string): string | undefined {
  const i = args.indexOf(name);
  if (i < 0) return undefined;
  const value = args[i + 1];
  if (!value || value.startsWith('--')) throw new Error(`${name} needs a value`);
  return value;
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const number = (name: string) => {
    const value = argument(args, name);
    return value === undefined ? undefined : Number(value);
  };
  cpuAndColdStart({
    baseRev: argument(args, '--base'),
    currentRev: argument(args, '--current'),
    runs: number('--runs'),
    cpuRuns: number('--cpu-runs'),
    events: number('--events'),
  }).catch((error: unknown) => {
    console.error(error instanceof BuildFailure ? `\nBENCHMARK FAILED: ${error.message}` : error);
    process.exitCode = 1;
  });
}
