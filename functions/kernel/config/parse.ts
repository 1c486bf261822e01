import { crossCheck } from './cross-checks';
import { type ConfigResult, validateConfig } from './validate';
import { parseYaml } from './yaml';

/**
 * Parses and validates a YAML (or JSON) configuration, reporting every problem with its path.
 *
 * @example
 * parseConfig('version: 1\nroutes: []')
 * // { ok: false, problems: ['routes: at least one route'] }
 */
export function parseConfig(text: string): ConfigResult {
  // Syntax errors, and alias errors and alias bombs, are problems with their path, not a throw.
  const yaml = parseYaml(text);
  if (!yaml.ok) return { ok: false, problems: yaml.problems };
  const result = validateConfig(yaml.value);
  if (!result.ok) return result;
  const problems = crossCheck(result.config);
  return problems.length ? { ok: false, problems } : result;
}
