import { formatIssue } from '../issues';
import { approvalsProblems } from './approvals';
import { governanceProblems } from './governance';
import { rollbackProblems } from './rollback';
import { ConfigSchema, type Config } from './schema';

const CROSS_CHECKS = [approvalsProblems, rollbackProblems, governanceProblems];

export type ConfigResult = { readonly ok: true; readonly config: Config } | { readonly ok: false; readonly problems: string[] };

/**
 * Validates an already-parsed configuration object (the Lambda re-checks its embedded config this
 * way, without a YAML parser in its bundle).
 *
 * @example validateConfig({ version: 1 }) // { ok: false, problems: ['routes: required'] }
 */
export function validateConfig(value: unknown): ConfigResult {
  const result = ConfigSchema.safeParse(value);
  if (result.success) {
    // Checks across sections run on a config whose every section is well-formed.
    const problems = CROSS_CHECKS.flatMap((check) => check(result.data));
    return problems.length ? { ok: false, problems } : { ok: true, config: result.data };
  }
  return { ok: false, problems: result.error.issues.flatMap(formatIssue) };
}
