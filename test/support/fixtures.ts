import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** Real AWS events copied into the project, one folder per service; provenance in its SOURCES.md. */
export const AWS_EVENTS_DIR = path.resolve(__dirname, '../fixtures/aws-events');

/** Real EventBridge event-pattern cases (`pattern`, `event`, `match`); provenance in its README.md. */
export const EVENTBRIDGE_PATTERNS_DIR = path.resolve(__dirname, '../fixtures/eventbridge-patterns');

/** The AWS documentation's own examples (the CodeArtifact event the real events lack). */
export const AWS_DOCS_DIR = path.resolve(__dirname, '../fixtures/aws-docs');

/** Every `*.json` file below `dir`, recursively, as `[relativePath, parsedJson]`. */
export function readJsonTree(dir: string): Array<[string, unknown]> {
  const out: Array<[string, unknown]> = [];
  const walk = (d: string): void => {
    for (const entry of readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(d, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.json')) out.push([path.relative(dir, full), JSON.parse(readFileSync(full, 'utf8'))]);
    }
  };
  walk(dir);
  return out;
}
