/** Timing helpers for the benchmark (wall-clock, milliseconds), and what its sections share. */
import type { BuildOptions } from 'esbuild';
import { emptyCard, merge } from '../functions/kernel/card/merge';
import type { RunCard } from '../functions/kernel/card/types';
import type { Config } from '../functions/kernel/config/schema';
import { normalize } from '../functions/kernel/events/normalize';
import { parseEvent } from '../functions/kernel/events/parse';
import type { GlobCompiler } from '../functions/kernel/glob';
import { routerFor } from '../functions/kernel/routing';
import { planDelivery } from '../functions/notify/domain/plan';

/** How `serverless package` bundles a function (serverless.yml custom.esbuild): minified CJS for node24, the AWS SDK from the runtime. */
export const LAMBDA_BUILD = {
  bundle: true,
  minify: true,
  platform: 'node',
  target: 'node24',
  format: 'cjs',
  external: ['@aws-sdk/*'],
  logLevel: 'error',
} as const satisfies BuildOptions;

/**
 * The pure part of notify's hot path, per event: parse → normalize → merge → route → plan/render,
 * on cards kept in a map (what a Lambda does besides waiting on DynamoDB and Slack).
 */
export function hotPathHandler(config: Config, globs: GlobCompiler): { handle: (raw: unknown) => void; cards: Map<string, RunCard> } {
  const cards = new Map<string, RunCard>();
  const route = routerFor(config, globs);
  const handle = (raw: unknown) => {
    const observations = normalize(parseEvent(raw));
    const first = observations[0];
    if (!first) return;
    const card = merge(cards.get(first.run.key) ?? emptyCard(first.run, first.subject), observations);
    cards.set(first.run.key, card);
    planDelivery(card, route(card.run.kind, card.subject));
  };
  return { handle, cards };
}

/** Runs `fn(i)` for i in [0, n) and returns each call's duration in ms. */
export function timeEach(n: number, fn: (i: number) => unknown): number[] {
  const times: number[] = new Array(n);
  for (let i = 0; i < n; i += 1) {
    const start = process.hrtime.bigint();
    fn(i);
    times[i] = Number(process.hrtime.bigint() - start) / 1e6;
  }
  return times;
}

/** The same for an async `fn`, one call after the other. */
export async function timeEachAsync(n: number, fn: (i: number) => Promise<unknown>): Promise<number[]> {
  const times: number[] = new Array(n);
  for (let i = 0; i < n; i += 1) {
    const start = process.hrtime.bigint();
    await fn(i);
    times[i] = Number(process.hrtime.bigint() - start) / 1e6;
  }
  return times;
}

export function stats(times: readonly number[]): { median: number; p99: number; mean: number } {
  const sorted = [...times].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  return { median: at(0.5), p99: at(0.99), mean: sorted.reduce((a, b) => a + b, 0) / Math.max(1, sorted.length) };
}

/**
 * `n` events cycled from the real samples, each run made distinct (ids rewritten) so the benchmark
 * merges into many cards, as a busy account does, instead of one ever-growing card.
 */
export function sampleEvents(real: readonly unknown[], n: number): unknown[] {
  return Array.from({ length: n }, (_, i) => {
    const event = structuredClone(real[i % real.length]) as Record<string, unknown>;
    const detail = event['detail'] as Record<string, unknown>;
    const run = Math.floor(i / real.length);
    event['id'] = `${String(event['id'])}-${i}`;
    for (const key of ['execution-id', 'deploymentId', 'packageVersion']) if (typeof detail[key] === 'string') detail[key] = `${String(detail[key])}-${run}`;
    if (typeof detail['build-id'] === 'string') detail['build-id'] = `${String(detail['build-id'])}${run}`;
    return event;
  });
}
