/**
 * Real EventBridge events for the routing test: the AWS events copied into the project
 * (test/fixtures/aws-events, provenance in its SOURCES.md) and the scenario samples
 * (events/samples/<scenario>/*.json, but the `*.world.json` worlds). Anything without an
 * EventBridge envelope (the SNS approval message) is left out.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_DIR } from '../support/package';

export interface RealEvent {
  readonly source: string;
  readonly 'detail-type': string;
  readonly detail: Record<string, unknown>;
  readonly resources?: string[];
  readonly time?: string;
}

const FOLDERS = ['test/fixtures/aws-events', 'events/samples'];

/** `[path relative to the project, event]`, sorted by path. */
export function realEvents(): Array<[string, RealEvent]> {
  return FOLDERS.flatMap((folder) => jsonFiles(path.join(PROJECT_DIR, folder)))
    .filter((file) => !file.endsWith('.world.json'))
    .map((file): [string, unknown] => [path.relative(PROJECT_DIR, file), JSON.parse(readFileSync(file, 'utf8'))])
    .filter((entry): entry is [string, RealEvent] => isEnvelope(entry[1]));
}

function jsonFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => path.join(dir, name));
}

function isEnvelope(value: unknown): value is RealEvent {
  const event = value as Partial<RealEvent> | null;
  return typeof event?.source === 'string' && typeof event['detail-type'] === 'string' && typeof event.detail === 'object' && event.detail !== null;
}
