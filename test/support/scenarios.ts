import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseConfig } from '../../functions/kernel/config/parse';
import type { Config } from '../../functions/kernel/config/schema';
import { picomatchGlobs } from '../../functions/kernel/glob-picomatch';
import type { NotifyDeps } from '../../functions/notify/app/deps';
import { createMemoryCardStore } from '../../functions/platform/memory-store';
import type { Recorder, World } from '../../functions/platform/recording';

export const SAMPLES_DIR = path.resolve(__dirname, '../../events/samples');

/** The events of one scenario folder under events/samples, in file order. */
export function scenario(name: string): Array<{ file: string; event: Record<string, unknown> }> {
  const dir = path.join(SAMPLES_DIR, name);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => ({ file, event: JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as Record<string, unknown> }));
}

export const sampleWorld = (): World => JSON.parse(readFileSync(path.join(SAMPLES_DIR, 'samples.world.json'), 'utf8')) as World;

/** The stack's default SNS topic in these tests. */
export const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:pipeline-warden-notifications';

/**
 * notify's dependencies as replay wires them: the in-memory card store and the recorder's Slack,
 * email, build logs and pipelines, on a fixed clock; `overrides` replace any of them.
 */
export function memoryNotifyDeps(config: Config, recorder: Recorder, overrides: Partial<NotifyDeps> = {}): NotifyDeps {
  return {
    config,
    globs: picomatchGlobs(),
    store: createMemoryCardStore(),
    slack: recorder.slack,
    email: recorder.email,
    logs: recorder.logs,
    pipelines: recorder.pipelines,
    tags: recorder.tags,
    diagnostics: recorder.diagnostics,
    defaultTopicArn: TOPIC,
    now: () => new Date('2026-11-23T12:00:00Z'),
    ...overrides,
  };
}

/** A config from YAML text; throws with the problems if it does not validate. */
export function config(yaml: string): Config {
  const result = parseConfig(yaml);
  if (!result.ok) throw new Error(result.problems.join('\n'));
  return result.config;
}

/** mulberry32: a seeded PRNG so a failing ordering can be reproduced from its seed. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function shuffle<T>(items: readonly T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

/**
 * Every pipeline to two channels: a detailed one (level all, the on-call group mentioned, failures by
 * email) and a calm one (status changes only). The hot path's order and batch tests run on it.
 */
export const TWO_CHANNELS = config(`
version: 1
routes:
  - match: { pipelines: ["*"] }
    slack: { channels: [C0TEAM0001], mentions: [S0ONCALL01], level: all }
    email: { topics: [default], level: failures }
  - match: { pipelines: ["*"] }
    slack: { channels: [C0AUDIT001], level: status-changes }
`);
