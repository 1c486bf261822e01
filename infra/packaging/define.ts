/** esbuild `define`: what every bundle embeds at package time. */
import { compileGlobs } from '../../functions/kernel/glob-picomatch';

/**
 * A value as the JS string literal of its JSON; `$` is written `\u0024` so osls never mistakes a
 * `${` in a route for a variable of its own when it re-reads the resolved value.
 *
 * @example embeddedLiteral({ a: '$x' }) // '"{\\"a\\":\\"\\u0024x\\"}"'
 */
export function embeddedLiteral(value: unknown): string {
  return JSON.stringify(JSON.stringify(value)).replaceAll('$', '\\u0024');
}

/**
 * The validated config (defaults applied), read by the handlers as `WARDEN_EMBEDDED_CONFIG`, and
 * the routes' globs as picomatch's regular expressions (`WARDEN_EMBEDDED_GLOBS`): picomatch itself
 * stays out of the bundle.
 *
 * @example JSON.parse(JSON.parse(esbuildDefineOf(config).WARDEN_EMBEDDED_CONFIG)) // config
 */
export function esbuildDefineOf(config: Parameters<typeof compileGlobs>[0]): { WARDEN_EMBEDDED_CONFIG: string; WARDEN_EMBEDDED_GLOBS: string } {
  return {
    WARDEN_EMBEDDED_CONFIG: embeddedLiteral(config),
    WARDEN_EMBEDDED_GLOBS: embeddedLiteral(compileGlobs(config)),
  };
}
