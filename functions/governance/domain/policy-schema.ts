/**
 * The policy file as people write it (YAML). Everything else about the policy lives in policy.ts,
 * which stays free of the YAML parser for the Lambda bundles: import validatePolicy from there in
 * a handler, and from here anywhere.
 */
import { parseYaml } from '../../kernel/config/yaml';
import { type PolicyOptions, type PolicyResult, validatePolicy } from './policy';

export * from './policy';

/**
 * Parses and validates a policy file, reporting every problem with its path.
 *
 * @example
 * parsePolicy('version: 1\nrules:\n  - id: production-approval\n    scope: { pipelines: [] }')
 * // { ok: false, problems: ['rules[0].scope.pipelines: list is empty; omit the key to match any'] }
 */
export function parsePolicy(text: string, options: PolicyOptions = {}): PolicyResult {
  const yaml = parseYaml(text);
  if (!yaml.ok) return { ok: false, problems: yaml.problems };
  return validatePolicy(yaml.value, options);
}
