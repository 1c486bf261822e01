import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** `../shared` beside the project: real AWS events and EventBridge pattern cases (read-only). */
export const SHARED_DIR = path.resolve(__dirname, '../../../shared');

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
