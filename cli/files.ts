import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { type EventPattern, validatePattern } from '../tools/event-pattern/matcher';

/** The project root (where `events/` holds the rule patterns), whatever the working directory. */
export const PROJECT_ROOT = path.resolve(__dirname, '..');

/**
 * The stack's EventBridge rule patterns, read from the same files serverless.yml loads.
 * A broken pattern file is an error here, as it would be at deploy time.
 */
export function loadRulePatterns(dir = path.join(PROJECT_ROOT, 'events')): Array<{ name: string; pattern: EventPattern }> {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.pattern.json'))
    .sort()
    .map((f) => {
      const pattern: unknown = JSON.parse(readFileSync(path.join(dir, f), 'utf8'));
      const problems = validatePattern(pattern);
      if (problems.length) throw new Error(`${f}: invalid event pattern: ${problems.join('; ')}`);
      return { name: f, pattern: pattern as EventPattern };
    });
}

export interface EventFile {
  readonly name: string;
  readonly event: unknown;
  /** Set when the file could not be read as JSON. */
  readonly error?: string;
}

/**
 * Event files in the order given; a folder contributes its `*.json` files recursively, sorted by
 * path (name scenario files `01-…`, `02-…`). World files (`*.world.json`) and patterns are skipped.
 * A file may hold one event or an array of events.
 */
export function collectEventFiles(paths: readonly string[]): EventFile[] {
  const files = paths.flatMap((p) => (statSync(p).isDirectory() ? walk(p) : [p]));
  return files.flatMap((file) => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(file, 'utf8'));
    } catch (error) {
      // Reported like the queue would treat it (rejected), without stopping the replay.
      return [{ name: file, event: undefined, error: `not JSON: ${(error as Error).message}` }];
    }
    return Array.isArray(parsed) ? parsed.map((event, i) => ({ name: `${file}#${i}`, event })) : [{ name: file, event: parsed }];
  });
}

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((entry) => {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) return walk(full);
      const skip = entry.name.endsWith('.world.json') || entry.name.endsWith('.pattern.json') || !entry.name.endsWith('.json');
      return skip ? [] : [full];
    });
}
