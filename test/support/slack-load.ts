/**
 * The organization-scale load simulation of issue 12: many pipeline runs starting together, their
 * real event sequences (the demo scenarios, each run given its own pipeline, execution, build and
 * deployment ids) delivered by EventBridge to SQS and processed by notify's real batch code
 * (processBatch) on a few concurrent workers that share one card store and one Slack budget, as
 * Lambda's pollers share the table. Time is virtual, so minutes of traffic take seconds.
 *
 * Slack is a fake at the port (what @slack/web-api would hand back): it enforces Slack's published
 * limits, not ours (chat.update Tier 3, 50 a minute; chat.postMessage 1 a second per channel and a
 * workspace limit, taken as 300 a minute), and answers 429 with a Retry-After when they are passed.
 * Lambda's SQS poller is modelled as far as it matters here: batches of up to 10 visible messages,
 * a visibility timeout for failed records, a redrive to the dead-letter queue after 5 receives, and
 * per-message delays (the redeliveries).
 */
import { Logger } from '@aws-lambda-powertools/logger';
import type { Config } from '../../functions/kernel/config/schema';
import { SlackRateLimitedError } from '../../functions/kernel/errors';
import { fingerprint } from '../../functions/kernel/fingerprint';
import { picomatchGlobs } from '../../functions/kernel/glob-picomatch';
import type { PipelinesPort, SlackMessage, SlackPort } from '../../functions/kernel/ports';
import { destinationsFor } from '../../functions/kernel/routing';
import type { SlackMethod } from '../../functions/kernel/slack-budget';
import { type BatchRecord, processBatch } from '../../functions/notify/app/process-batch';
import { planDelivery } from '../../functions/notify/domain/plan';
import { createMemoryCardStore } from '../../functions/platform/memory-store';
import { createMemorySlackBudget } from '../../functions/platform/slack-budget-memory';
import { countedRequests } from './dynamo-requests';
import { config, rng, scenario } from './scenarios';

/** Slack's limits as the fake enforces them: calls of a method (or to one channel) in any trailing 60 s. */
export interface SlackLimits {
  readonly 'chat.update': number;
  readonly 'chat.postMessage': number;
  readonly 'chat.postMessage#channel': number;
}

/** Slack's published figures (docs.slack.dev, rate limits): Tier 3 "50+", "several hundred", "1 per second". */
export const PUBLISHED_LIMITS: SlackLimits = { 'chat.update': 50, 'chat.postMessage': 300, 'chat.postMessage#channel': 60 };

export interface LoadOptions {
  readonly pipelines: number;
  readonly runs: number;
  /** Every run starts within this long of the first. */
  readonly startWithinMs: number;
  /** Lambda's maximumConcurrency for notify (serverless.yml). */
  readonly workers: number;
  readonly batchSize: number;
  /** Share of runs that fail (scenario 01), the rest deploy (scenario 02). */
  readonly failingShare: number;
  readonly seed: number;
  readonly slackLimits: SlackLimits;
  /** Without the shared budget: every worker calls Slack at once, as before issue 12 (for comparison). */
  readonly unpaced?: boolean;
}

export const ORG_SCALE: LoadOptions = {
  pipelines: 1_000,
  runs: 300,
  startWithinMs: 300_000,
  workers: 5,
  batchSize: 10,
  failingShare: 0.3,
  seed: 12,
  slackLimits: PUBLISHED_LIMITS,
};

export interface LoadReport {
  readonly events: number;
  readonly runs: number;
  readonly batches: number;
  /** Slack calls made (429s included), by method. */
  readonly calls: Readonly<Record<SlackMethod, number>>;
  /** The most calls of a method in any 60 s, and to one channel. */
  readonly peakPerMinute: Readonly<Record<SlackMethod | 'chat.postMessage#channel', number>>;
  /** Calls Slack answered 429. */
  readonly rateLimited: number;
  readonly redeliveries: number;
  /** Records that reached the dead-letter queue (after 5 receives, or rejected). */
  readonly lost: number;
  /** Runs whose card in Slack does not show their final state, or misses a thread reply, or is posted twice. */
  readonly undelivered: readonly string[];
  readonly failureReplies: { readonly expected: number; readonly delivered: number };
  readonly topLevelPosts: number;
  /** From an event's arrival to the first card update that shows it (ms). */
  readonly delay: { readonly median: number; readonly p99: number; readonly max: number };
  /** Virtual time until the queue was empty (ms). */
  readonly drainedAfterMs: number;
  /**
   * DynamoDB requests the workers made (card and link reads and writes, budget takes and holds: one
   * request per store call, as the DynamoDB adapters make them), per event and per run of a batch.
   */
  readonly dynamo: { readonly requests: number; readonly perEvent: number; readonly perRunBatch: number };
}

const T0 = Date.parse('2026-12-02T10:00:00Z');
const STEP_MS = 100;
const VISIBILITY_MS = 370_000;
const MAX_RECEIVES = 5;
const MAX_DELAY_MS = 900_000;
const TEAMS = 20;

/** 20 team channels (level all, by pipeline prefix) and a failures channel every pipeline reports to. */
export function orgConfig(): Config {
  const teams = Array.from({ length: TEAMS }, (_, t) => {
    const team = String(t).padStart(2, '0');
    return `  - match: { pipelines: ["team-${team}-*"] }\n    slack: { channels: [C0TEAM00${team}], level: all }`;
  });
  return config(`version: 1\nroutes:\n${teams.join('\n')}\n  - match: { pipelines: ["*"] }\n    slack: { channels: [C0FAILURES], level: failures }\n`);
}

interface SimEvent {
  readonly at: number;
  readonly body: string;
  readonly runKey: string;
}

interface Message {
  readonly id: string;
  readonly body: string;
  /** The pipeline run the message is about (an event's run, or the run a redelivery names). */
  readonly run: string;
  visibleAt: number;
  receives: number;
  /** When an event reached the queue; undefined for redeliveries. */
  readonly arrivedAt?: number;
}

/** The demo scenarios as templates: ids and names rewritten per run, times shifted to its start. */
function runEvents(options: LoadOptions): { events: SimEvent[]; failing: Set<string> } {
  const random = rng(options.seed);
  const templates = {
    failing: { events: scenario('01-pipeline-build-fails').map((s) => s.event), name: 'payments-api' },
    deploying: { events: scenario('02-pipeline-deploys').map((s) => s.event), name: 'web-frontend' },
  };
  const ids = (events: Array<Record<string, unknown>>) =>
    [...new Set(JSON.stringify(events).match(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|d-[0-9A-Z]{9}|\b[0-9a-f]{40}\b/g) ?? [])].sort(
      (a, b) => b.length - a.length,
    );
  const pipelines = Array.from({ length: options.pipelines }, (_, i) => `team-${String(i % TEAMS).padStart(2, '0')}-svc-${String(i).padStart(4, '0')}`);
  const events: SimEvent[] = [];
  const failing = new Set<string>();
  for (let r = 0; r < options.runs; r += 1) {
    const template = random() < options.failingShare ? templates.failing : templates.deploying;
    const pipeline = pipelines[Math.floor(random() * pipelines.length)] ?? 'team-00-svc-0000';
    const start = Math.floor(random() * options.startWithinMs);
    const first = Date.parse(String(template.events[0]?.['time']));
    let text = JSON.stringify(template.events).replaceAll(template.name, pipeline);
    for (const id of ids(template.events)) text = text.replaceAll(id, `${id.slice(0, -6)}${String(r).padStart(6, '0')}`.slice(-id.length));
    const rewritten = JSON.parse(text) as Array<Record<string, unknown>>;
    const execution = String((rewritten[0]?.['detail'] as Record<string, unknown> | undefined)?.['execution-id']);
    const runKey = `pipeline/123456789012/eu-west-1/${pipeline}/${execution}`;
    if (template === templates.failing) failing.add(runKey);
    for (const [i, event] of rewritten.entries()) {
      const at = start + (Date.parse(String(event['time'])) - first);
      event['id'] = `${String(event['id']).slice(0, 24)}${String(r).padStart(6, '0')}${String(i).padStart(6, '0')}`;
      event['time'] = new Date(T0 + at).toISOString().replace(/\.\d{3}Z$/, 'Z');
      events.push({ at, body: JSON.stringify(event), runKey });
    }
  }
  return { events: events.sort((a, b) => a.at - b.at), failing };
}

interface Sent {
  readonly method: SlackMethod;
  readonly channel: string;
  readonly at: number;
  readonly ts?: string;
  readonly threadTs?: string;
  readonly topLevel: boolean;
}

/** Slack at the port: messages kept, limits enforced over trailing 60 s, 429 with Retry-After past them. */
function limitedSlack(limits: SlackLimits, clock: () => number) {
  const messages = new Map<string, SlackMessage & { ts: string }>();
  const sent: Sent[] = [];
  let rateLimited = 0;
  let seq = 0;
  const within = (method: SlackMethod, channel?: string) =>
    sent.filter((s) => s.method === method && s.at > clock() - 60_000 && (channel === undefined || s.channel === channel));
  const admit = (method: SlackMethod, channel: string) => {
    const checks: Array<[Sent[], number]> = [[within(method), limits[method]]];
    if (method === 'chat.postMessage') checks.push([within(method, channel), limits['chat.postMessage#channel']]);
    for (const [recent, limit] of checks) {
      if (recent.length < limit) continue;
      rateLimited += 1;
      const oldest = recent[recent.length - limit]?.at ?? clock();
      const retryAfter = Math.max(1, Math.ceil((oldest + 60_000 - clock()) / 1000));
      throw new SlackRateLimitedError(`${method}: ratelimited`, method, new Date(T0 + clock() + retryAfter * 1000));
    }
  };
  const port: SlackPort = {
    async postMessage(m) {
      admit('chat.postMessage', m.channel);
      seq += 1;
      const ts = `${Math.floor((T0 + clock()) / 1000)}.${String(seq).padStart(6, '0')}`;
      messages.set(`${m.channel}|${ts}`, { ...m, ts });
      sent.push({ method: 'chat.postMessage', channel: m.channel, at: clock(), ts, threadTs: m.threadTs, topLevel: !m.threadTs });
      return { channel: m.channel, ts };
    },
    async updateMessage(m) {
      admit('chat.update', m.channel);
      const key = `${m.channel}|${m.ts}`;
      if (!messages.has(key)) return 'gone';
      messages.set(key, { ...m });
      sent.push({ method: 'chat.update', channel: m.channel, at: clock(), ts: m.ts, topLevel: true });
      return 'updated';
    },
  };
  return { port, messages, sent, rateLimited: () => rateLimited };
}

/** The most items in any `span` ms, over times sorted ascending. */
function peak(times: readonly number[], span: number): number {
  let best = 0;
  let from = 0;
  for (let to = 0; to < times.length; to += 1) {
    while ((times[to] ?? 0) - (times[from] ?? 0) >= span) from += 1;
    best = Math.max(best, to - from + 1);
  }
  return best;
}

const quantile = (sorted: readonly number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;

/** @example const report = await simulateSlackLoad(ORG_SCALE); report.lost // 0 */
export async function simulateSlackLoad(options: LoadOptions): Promise<LoadReport> {
  let now = 0;
  const clock = () => now;
  const cfg = orgConfig();
  const globs = picomatchGlobs();
  const { events, failing } = runEvents(options);
  const store = createMemoryCardStore();
  const counted = countedRequests(store, createMemorySlackBudget());
  let runBatches = 0;
  const slack = limitedSlack(options.slackLimits, clock);
  const queue: Message[] = [];
  let lost = 0;
  let redeliveries = 0;
  let batches = 0;
  let seq = 0;
  const processedAt: Array<{ runKey: string; arrivedAt: number; at: number }> = [];
  const pipelines: PipelinesPort = {
    // Scenario 02's CodeDeploy action deploys to the application named after its pipeline, group `<pipeline>-prod`.
    deployTarget: async (ref) => ({ application: ref.pipeline, deploymentGroup: `${ref.pipeline}-prod` }),
  };
  const notify = {
    config: cfg,
    globs,
    store: counted.store,
    slack: slack.port,
    email: { publish: async () => undefined },
    logs: { tail: async () => ['npm ERR! Test failed. See above for more details.'] },
    pipelines,
    defaultTopicArn: 'arn:aws:sns:eu-west-1:123456789012:warden',
    now: () => new Date(T0 + now),
    // Another worker's first post takes one Slack round trip: let it finish, in virtual time no time passes.
    sleep: () => new Promise<void>((resolve) => setImmediate(resolve)),
    ...(options.unpaced
      ? {}
      : {
          pacing: {
            budget: counted.budget,
            redelivery: {
              schedule: async (run: { run: { kind: string; key: string }; subject: unknown }, at: Date) => {
                redeliveries += 1;
                const delay = Math.min(MAX_DELAY_MS, Math.max(0, at.getTime() - (T0 + now)));
                const body = JSON.stringify({ 'warden:redeliver': run });
                queue.push({ id: `r-${++seq}`, body, run: run.run.key, visibleAt: now + delay, receives: 0 });
              },
            },
          },
        }),
  };
  const logger = new Logger({ logLevel: 'SILENT' });
  const deadLetter = {
    send: async () => {
      lost += 1;
    },
  };
  const workers = Array.from({ length: options.workers }, () => ({ busyUntil: 0 }));
  let next = 0;
  while (next < events.length || queue.length > 0) {
    // EventBridge delivers to SQS about half a second after the event.
    while (next < events.length && (events[next]?.at ?? 0) + 500 <= now) {
      const e = events[next++];
      if (e) queue.push({ id: `e-${++seq}`, body: e.body, run: e.runKey, visibleAt: now, receives: 0, arrivedAt: e.at });
    }
    const started: Array<Promise<void>> = [];
    for (const worker of workers) {
      if (worker.busyUntil > now) continue;
      const visible = queue.filter((m) => m.visibleAt <= now).sort((a, b) => a.visibleAt - b.visibleAt);
      const batch = visible.slice(0, options.batchSize);
      if (batch.length === 0) break;
      for (const m of batch) {
        m.visibleAt = now + VISIBILITY_MS;
        m.receives += 1;
      }
      batches += 1;
      runBatches += new Set(batch.map((m) => m.run)).size;
      const callsBefore = slack.sent.length;
      started.push(
        (async () => {
          const records: BatchRecord[] = batch.map((m) => ({ id: m.id, body: m.body }));
          const { failed } = await processBatch(records, { deadLetter, logger, notify });
          for (const m of batch) {
            if (failed.includes(m.id)) {
              if (m.receives >= MAX_RECEIVES) {
                lost += 1;
                queue.splice(queue.indexOf(m), 1);
              }
              continue;
            }
            queue.splice(queue.indexOf(m), 1);
            if (m.arrivedAt !== undefined) processedAt.push({ runKey: m.run, arrivedAt: m.arrivedAt, at: now });
          }
          // An invocation's time: its own work plus a round trip per Slack call (about 60 ms each).
          worker.busyUntil = now + 30 + 60 * (slack.sent.length - callsBefore);
        })(),
      );
    }
    await Promise.all(started);
    now += STEP_MS;
    if (now > 4 * 3_600_000) throw new Error('simulation did not drain in 4 virtual hours');
  }

  // Every run's card: what Slack shows must be its final state, each failure replied to once.
  const cards = store.dump().cards;
  const undelivered: string[] = [];
  let expectedReplies = 0;
  let deliveredReplies = 0;
  const runKeys = new Set(events.map((e) => e.runKey));
  const cardCalls = new Map<string, number[]>();
  for (const runKey of runKeys) {
    const stored = cards[runKey];
    if (!stored) {
      undelivered.push(`${runKey}: no card`);
      continue;
    }
    const card = stored.card;
    const plan = planDelivery(card, destinationsFor(cfg, card.run.kind, card.subject, globs));
    if (plan.cards.length > 0 || plan.threads.length > 0)
      undelivered.push(`${runKey}: ${plan.cards.length} card(s), ${plan.threads.length} reply(ies) not delivered`);
    for (const [channel, placement] of Object.entries(card.slack)) {
      const shown = placement.ts ? slack.messages.get(`${channel}|${placement.ts}`) : undefined;
      if (!shown || fingerprint(shown.blocks) !== placement.rendered) undelivered.push(`${runKey}: ${channel} does not show the final state`);
      const calls = slack.sent.filter((s) => s.channel === channel && s.ts === placement.ts && !s.threadTs).map((s) => s.at);
      cardCalls.set(
        runKey,
        [...(cardCalls.get(runKey) ?? []), ...calls].sort((a, b) => a - b),
      );
      if (failing.has(runKey)) {
        expectedReplies += 1;
        const replies = slack.sent.filter((s) => s.channel === channel && s.threadTs === placement.ts).length;
        deliveredReplies += Math.min(1, replies);
        if (replies !== 1) undelivered.push(`${runKey}: ${replies} failure replies in ${channel}`);
      }
    }
  }
  const topLevelPosts = slack.sent.filter((s) => s.method === 'chat.postMessage' && s.topLevel).length;
  const placed = Object.values(cards).reduce((n, c) => n + Object.values(c.card.slack).filter((p) => p.ts).length, 0);
  if (topLevelPosts !== placed) undelivered.push(`${topLevelPosts - placed} top-level post(s) that no card holds (posted twice)`);

  // Delay: from an event's arrival to the first card call of its run at or after it was merged.
  const delays = processedAt
    .map(({ runKey, arrivedAt, at }) => {
      const shown = cardCalls.get(runKey)?.find((t) => t >= at);
      return (shown ?? at) - arrivedAt;
    })
    .sort((a, b) => a - b);
  const times = (method: SlackMethod) => slack.sent.filter((s) => s.method === method).map((s) => s.at);
  const perChannel = new Map<string, number[]>();
  for (const s of slack.sent.filter((c) => c.method === 'chat.postMessage')) perChannel.set(s.channel, [...(perChannel.get(s.channel) ?? []), s.at]);
  const requests = counted.counts();
  return {
    events: events.length,
    runs: runKeys.size,
    batches,
    calls: { 'chat.postMessage': times('chat.postMessage').length, 'chat.update': times('chat.update').length },
    peakPerMinute: {
      'chat.postMessage': peak(times('chat.postMessage'), 60_000),
      'chat.update': peak(times('chat.update'), 60_000),
      'chat.postMessage#channel': Math.max(0, ...[...perChannel.values()].map((t) => peak(t, 60_000))),
    },
    rateLimited: slack.rateLimited(),
    redeliveries,
    lost,
    undelivered,
    failureReplies: { expected: expectedReplies, delivered: deliveredReplies },
    topLevelPosts,
    delay: { median: quantile(delays, 0.5), p99: quantile(delays, 0.99), max: delays[delays.length - 1] ?? 0 },
    drainedAfterMs: now,
    dynamo: { requests: requests.total, perEvent: requests.total / events.length, perRunBatch: requests.total / runBatches },
  };
}
