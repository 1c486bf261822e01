import picomatch from 'picomatch';
import { type CompiledGlob, type GlobCompiler, globsOf, type NameTest, NOCASE_PREFIX } from './glob';

// `dot: true`: names such as `.github-sync` are names like any other, not hidden files.
const OPTIONS = { dot: true } as const;
// A production stage pattern is matched case-insensitively (functions/kernel/production.ts).
const NOCASE = { dot: true, nocase: true } as const;
const compile = (glob: string) =>
  glob.startsWith(NOCASE_PREFIX) ? picomatch.makeRe(glob.slice(NOCASE_PREFIX.length), NOCASE) : picomatch.makeRe(glob, OPTIONS);

/** Route globs compiled with picomatch, memoized (the CLI, replay, tests and the benchmark). */
export function picomatchGlobs(): GlobCompiler {
  const tests = new Map<string, NameTest>();
  return (pattern) => {
    let test = tests.get(pattern);
    if (!test) {
      test = pattern.startsWith(NOCASE_PREFIX) ? picomatch(pattern.slice(NOCASE_PREFIX.length), NOCASE) : picomatch(pattern, OPTIONS);
      tests.set(pattern, test);
    }
    return test;
  };
}

/**
 * The regular expressions picomatch builds for every glob of a configuration, as JSON; embedded in
 * the Lambda bundle at package time (infra/packaging/define.ts).
 *
 * @example compileGlobs(config)['payments-*'] // { source: '^(?:^(?:payments\\-[^/]*?)$)$', flags: '' }
 */
export function compileGlobs(config: Parameters<typeof globsOf>[0]): Record<string, CompiledGlob> {
  return Object.fromEntries(
    globsOf(config).map((glob) => {
      const regex = compile(glob);
      return [glob, { source: regex.source, flags: regex.flags }];
    }),
  );
}
