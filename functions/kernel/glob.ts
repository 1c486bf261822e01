/**
 * Route globs (`payments-*`, `web-{api,worker}`) as name tests. Routing takes the compiler as a
 * parameter: the CLI and replay compile with picomatch (`glob-picomatch.ts`); the Lambda uses the
 * regular expressions picomatch produced at package time (`compiledGlobs`), which keeps picomatch's
 * 24 KB parser out of a bundle that must stay under 250 KB. Both come from `picomatch.makeRe`, so
 * they match the same names (a test holds them to it).
 */

export type NameTest = (name: string) => boolean;
export type GlobCompiler = (pattern: string) => NameTest;

/** A regular expression as JSON can carry it. */
export interface CompiledGlob {
  readonly source: string;
  readonly flags: string;
}

type Matches = Readonly<Record<string, readonly string[] | Readonly<Record<string, unknown>> | undefined>>;

/**
 * A glob matched case-insensitively is named `nocase:<glob>` (the production stage patterns: `Prod`,
 * `prod` and `PROD` are one stage to the people who name them).
 */
export const NOCASE_PREFIX = 'nocase:';

/** Keys of a match whose values are not globs: account ids and tags are compared as they are. */
const NOT_GLOBS = new Set(['accounts', 'tags']);

/**
 * Every glob the notify function matches names with, in order of appearance, without repeats:
 * the routes', the approval policies' (notify leaves a governed approval's email to the approval flow)
 * the streak rules', and the production stage patterns (case-insensitive, see {@link NOCASE_PREFIX}).
 */
export function globsOf(config: {
  readonly routes: readonly { readonly match: Matches }[];
  readonly approvals?: { readonly policies: readonly { readonly match: Matches }[] };
  readonly insights?: { readonly streaks: readonly { readonly pipelines?: readonly string[] }[] };
  readonly productionStages?: readonly string[];
}): string[] {
  const matches = [
    ...config.routes.map((r) => r.match),
    ...(config.approvals?.policies ?? []).map((p) => p.match),
    ...(config.insights?.streaks ?? []).map((s) => ({ pipelines: s.pipelines })),
  ];
  const all = matches.flatMap((match) =>
    Object.entries(match).flatMap(([key, values]) => (NOT_GLOBS.has(key) || !Array.isArray(values) ? [] : (values as readonly string[]))),
  );
  // Notify tells production stages apart for the delivery facts (functions/kernel/delivery/derive.ts).
  const stages = (config.productionStages ?? []).map((p) => `${NOCASE_PREFIX}${p.startsWith('!') ? p.slice(1) : p}`);
  return [...new Set([...all, ...stages])];
}

/**
 * A compiler over globs compiled ahead of time; an unknown glob is a packaging error, reported at
 * start-up by {@link missingGlobs} rather than at the first event.
 *
 * @example precompiled({ 'web-*': { source: '^(?:web-[^/]*?)$', flags: '' } })('web-*')('web-api') // true
 */
export function precompiled(globs: Readonly<Record<string, CompiledGlob>>): GlobCompiler {
  const tests = new Map<string, NameTest>();
  return (pattern) => {
    let test = tests.get(pattern);
    if (!test) {
      const compiled = globs[pattern];
      if (!compiled) throw new Error(`glob ${JSON.stringify(pattern)} was not compiled at package time`);
      const regex = new RegExp(compiled.source, compiled.flags);
      // picomatch's matcher answers false for an empty name before trying its regex; so must this.
      test = (name) => name !== '' && regex.test(name);
      tests.set(pattern, test);
    }
    return test;
  };
}

/** Globs of the configuration that `globs` does not hold. */
export function missingGlobs(config: Parameters<typeof globsOf>[0], globs: Readonly<Record<string, CompiledGlob>>): string[] {
  return globsOf(config).filter((g) => !(g in globs));
}
