import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { ConfigSchema, type Config } from './schema';

export type ConfigResult = { readonly ok: true; readonly config: Config } | { readonly ok: false; readonly problems: string[] };

/**
 * Parses and validates a YAML (or JSON) configuration, reporting every problem with its path.
 *
 * @example
 * parseConfig('version: 1\nroutes: []')
 * // { ok: false, problems: ['routes: at least one route'] }
 */
export function parseConfig(text: string): ConfigResult {
  const doc = parseDocument(text, { prettyErrors: true });
  if (doc.errors.length > 0) {
    return { ok: false, problems: doc.errors.map((e) => `yaml: ${e.message.split('\n')[0] ?? e.message}`) };
  }
  return validateConfig(doc.toJS());
}

/** Validates an already-parsed configuration object. */
export function validateConfig(value: unknown): ConfigResult {
  const result = ConfigSchema.safeParse(value);
  if (result.success) return { ok: true, config: result.data };
  return { ok: false, problems: result.error.issues.flatMap(formatIssue) };
}

/**
 * `routes[2].slack.channels[0]: must be a Slack channel ID ...`; one line per unknown key, at the
 * key's own path, so a typo is found where it was made.
 */
export function formatIssue(issue: z.core.$ZodIssue): string[] {
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => `${formatPath([...issue.path, key])}: unknown key`);
  }
  const message = issue.code === 'invalid_type' && issue.input === undefined ? 'required' : issue.message;
  const where = formatPath(issue.path);
  return [where ? `${where}: ${message}` : message];
}

/** Formats a zod issue path the way people write it: `routes[2].match.pipelines`. */
export function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((acc, key) => {
    if (typeof key === 'number') return `${acc}[${key}]`;
    const name = String(key);
    const safe = /^[A-Za-z_$][\w$]*$/.test(name) ? name : `["${name}"]`;
    if (safe.startsWith('[')) return `${acc}${safe}`;
    return acc ? `${acc}.${safe}` : safe;
  }, '');
}
