import { formatIssue } from '../issues';
import { type Config, ConfigSchema } from './schema';

export type ConfigResult = { readonly ok: true; readonly config: Config } | { readonly ok: false; readonly problems: string[] };

/**
 * Validates an already-parsed configuration object against the schema (the Lambda re-checks its
 * embedded config this way, without a YAML parser in its bundle). The checks across sections
 * (`crossCheck`) already passed at package time.
 *
 * @example validateConfig({ version: 1 }) // { ok: false, problems: ['routes: required'] }
 */
export function validateConfig(value: unknown): ConfigResult {
  // reportInput: formatIssue tells a missing key ("required") from a wrong value by the issue's input.
  const result = ConfigSchema.safeParse(value, { reportInput: true });
  if (result.success) return { ok: true, config: result.data };
  return { ok: false, problems: result.error.issues.flatMap(formatIssue) };
}
