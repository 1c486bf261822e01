import type { Config } from '../kernel/config/schema';
import { ConfigError } from '../kernel/errors';
import { type CompiledGlob, type GlobCompiler, missingGlobs, precompiled } from '../kernel/glob';

// Replaced at bundle time by esbuild `define`: the route globs as the regular expressions picomatch
// compiled (see functions/kernel/glob.ts), for every function that matches names (notify, the digest).
// The config itself: embedded-config.ts.
declare const WARDEN_EMBEDDED_GLOBS: string | undefined;

/** The route globs compiled at package time; every glob of the config must be there. */
export function embeddedGlobs(
  config: Config,
  source = typeof WARDEN_EMBEDDED_GLOBS === 'undefined' ? process.env['WARDEN_GLOBS_JSON'] : WARDEN_EMBEDDED_GLOBS,
): GlobCompiler {
  const globs = JSON.parse(source ?? '{}') as Record<string, CompiledGlob>;
  const missing = missingGlobs(config, globs);
  if (missing.length)
    throw new ConfigError(missing.map((g) => `glob ${JSON.stringify(g)}: not compiled at package time (package again with \`serverless package\`)`));
  return precompiled(globs);
}
