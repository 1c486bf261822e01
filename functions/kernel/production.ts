/**
 * "Is this a production stage?", answered in one place for approvals, governance (rules,
 * enforcement, freezes) and the rollback guards' production-alarm rule, from the config's one
 * `productionStages` list (functions/kernel/config/production-stages.ts).
 */
import picomatch from 'picomatch';
import { DEFAULT_PRODUCTION_STAGES } from './config/production-stages';
import { type GlobCompiler, type NameTest, NOCASE_PREFIX } from './glob';

// Case-insensitive: `Prod`, `prod` and `PROD` are one stage to the people who name them.
const OPTIONS = { dot: true, nocase: true } as const;

const tests = new Map<string, NameTest>();

/**
 * A name test for a `productionStages` list: a stage is production when it matches a pattern and
 * no exclusion (`!pattern`). Memoized per list.
 *
 * @example productionStageTest(['*prod*', '!*preprod*'])('PreProd') // false
 */
export function productionStageTest(patterns: readonly string[] = DEFAULT_PRODUCTION_STAGES): NameTest {
  const key = JSON.stringify(patterns);
  let test = tests.get(key);
  if (!test) {
    const include = patterns.filter((p) => !p.startsWith('!'));
    const exclude = patterns.filter((p) => p.startsWith('!')).map((p) => p.slice(1));
    // picomatch reads a leading `!` as "not"; the exclusions are compiled without it.
    const included = include.length ? picomatch(include, OPTIONS) : () => false;
    const excluded = exclude.length ? picomatch(exclude, OPTIONS) : () => false;
    test = (stage) => stage !== '' && included(stage) && !excluded(stage);
    tests.set(key, test);
  }
  return test;
}

/**
 * Whether `stage` is a production stage under `patterns` (the config's `productionStages`).
 *
 * @example isProductionStage('Live', config.productionStages) // true with the default
 * @example isProductionStage('Delivery', config.productionStages) // false with the default
 */
export function isProductionStage(stage: string, patterns: readonly string[] = DEFAULT_PRODUCTION_STAGES): boolean {
  return productionStageTest(patterns)(stage);
}

/**
 * {@link productionStageTest} on a glob compiler instead of picomatch: the notify Lambda matches
 * with the patterns compiled at package time (functions/kernel/glob.ts), picomatch stays out of its bundle.
 *
 * @example productionStageTestWith(['*prod*', '!*preprod*'], precompiledGlobs)('PreProd') // false
 */
export function productionStageTestWith(patterns: readonly string[], glob: GlobCompiler): NameTest {
  // Per config and compiler, as routerFor does: built once, not for every card.
  let byGlob = compiledTests.get(patterns);
  if (!byGlob) {
    byGlob = new WeakMap();
    compiledTests.set(patterns, byGlob);
  }
  let test = byGlob.get(glob);
  if (!test) {
    test = testWith(patterns, glob);
    byGlob.set(glob, test);
  }
  return test;
}

const compiledTests = new WeakMap<readonly string[], WeakMap<GlobCompiler, NameTest>>();

function testWith(patterns: readonly string[], glob: GlobCompiler): NameTest {
  const include = patterns.filter((p) => !p.startsWith('!')).map((p) => glob(`${NOCASE_PREFIX}${p}`));
  const exclude = patterns.filter((p) => p.startsWith('!')).map((p) => glob(`${NOCASE_PREFIX}${p.slice(1)}`));
  return (stage) => stage !== '' && include.some((t) => t(stage)) && !exclude.some((t) => t(stage));
}
