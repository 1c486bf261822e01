/**
 * The config every function was bundled with: `serverless package` validates config/warden.yml and
 * esbuild `define` replaces WARDEN_EMBEDDED_CONFIG with it (a JSON string literal). Outside a bundle
 * (tests, the dev server) it comes from the environment variable WARDEN_CONFIG_JSON.
 */

import type { Config } from '../kernel/config/schema';
import { validateConfig } from '../kernel/config/validate';
import { ConfigError } from '../kernel/errors';

declare const WARDEN_EMBEDDED_CONFIG: string | undefined;

/** Validated again at start-up, so a hand-edited bundle fails loudly instead of routing wrongly. */
export function embeddedConfig(source = typeof WARDEN_EMBEDDED_CONFIG === 'undefined' ? process.env['WARDEN_CONFIG_JSON'] : WARDEN_EMBEDDED_CONFIG): Config {
  if (!source) throw new ConfigError(['no configuration: package with `serverless package` (it embeds config/warden.yml)']);
  const result = validateConfig(JSON.parse(source));
  if (!result.ok) throw new ConfigError(result.problems);
  return result.config;
}
