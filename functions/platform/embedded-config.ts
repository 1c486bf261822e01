/**
 * The config every function was bundled with: `serverless package` validates config/warden.yml and
 * esbuild `define` replaces WARDEN_EMBEDDED_CONFIG with it (a JSON string literal). Outside a bundle
 * (tests, the dev server) it comes from the environment variable WARDEN_CONFIG_JSON.
 */

import type { Config } from '../kernel/config/schema';
import { validateConfig } from '../kernel/config/validate';
import { ConfigError } from '../kernel/errors';

declare const WARDEN_EMBEDDED_CONFIG: string | undefined;

/**
 * The bundled config is taken as it is: `serverless package` validated it (defaults applied) with the
 * same schema, so validating it again at start-up only added ~14 ms to every cold start (`npm run
 * bench`) and the schema to every bundle. Outside a bundle (tests, the dev server), the config from
 * `source` or WARDEN_CONFIG_JSON is validated, every problem reported.
 */
export function embeddedConfig(source?: string): Config {
  // In a bundle esbuild folds the test to false and drops the block, and with it the only use of
  // validateConfig: the whole config schema stays out of the bundle (package.json `sideEffects`).
  if (typeof WARDEN_EMBEDDED_CONFIG === 'undefined') {
    const text = source ?? process.env['WARDEN_CONFIG_JSON'];
    if (!text) throw new ConfigError(['no configuration: package with `serverless package` (it embeds config/warden.yml)']);
    const result = validateConfig(JSON.parse(text));
    if (!result.ok) throw new ConfigError(result.problems);
    return result.config;
  }
  return JSON.parse(WARDEN_EMBEDDED_CONFIG) as Config;
}
