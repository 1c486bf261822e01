import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { matchesPattern, validatePattern } from '../../../tools/event-pattern/matcher';
import { AWS_EVENTS_DIR, readJsonTree } from '../../support/fixtures';

/** serverless.yml loads these same files with `${file(...)}`, so a broken one would fail the deploy. */
const EVENTS_DIR = path.resolve(__dirname, '../../../events');
const SAMPLES_DIR = path.join(EVENTS_DIR, 'samples');

const files = existsSync(EVENTS_DIR)
  ? readdirSync(EVENTS_DIR)
      .filter((f) => f.endsWith('.pattern.json'))
      .sort()
  : [];
const patterns = files.map((file) => [file, JSON.parse(readFileSync(path.join(EVENTS_DIR, file), 'utf8')) as unknown] as const);
// CodeCommit's events: written from its user guide's examples (test/fixtures/codecommit/SOURCES.md).
const CODECOMMIT_DIR = path.resolve(__dirname, '../../fixtures/codecommit');
const knownEvents = [...readJsonTree(AWS_EVENTS_DIR), ...(existsSync(SAMPLES_DIR) ? readJsonTree(SAMPLES_DIR) : []), ...readJsonTree(CODECOMMIT_DIR)];

describe("the project's EventBridge patterns (events/*.pattern.json)", () => {
  it.skipIf(files.length === 0)('are there to check', () => {
    expect(patterns.length).toBeGreaterThan(0);
  });

  it.each(patterns)('%s is a pattern EventBridge accepts', (_file, pattern) => {
    expect(validatePattern(pattern)).toEqual([]);
  });

  // A valid pattern with a typo in a detail-type never fires; a real event it matches proves it can.
  it.each(patterns)('%s matches at least one real or sample event', (_file, pattern) => {
    const valid = z.record(z.string(), z.unknown()).parse(pattern);
    const matched = knownEvents.filter(([, event]) => matchesPattern(valid, event)).map(([name]) => name);
    expect(matched.length, 'no event in test/fixtures/aws-events, events/samples or test/fixtures/codecommit matches it').toBeGreaterThan(0);
  });
});
