import { parseDocument } from 'yaml';
import { crossCheck } from './cross-checks';
import { validateConfig, type ConfigResult } from './validate';

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
  const result = validateConfig(doc.toJS());
  if (!result.ok) return result;
  const problems = crossCheck(result.config);
  return problems.length ? { ok: false, problems } : result;
}
