/**
 * An in-house EventBridge event-pattern matcher, faithful to AWS's Event Ruler (the engine behind
 * EventBridge), so local replay routes events exactly as the deployed rules will.
 *
 * How Event Ruler decides, and so how this module decides:
 * - The event is flattened into leaves keyed by dotted path (`detail.state`); arrays are
 *   "crushed out", so a key whose value is an array matches if any element matches. Objects and
 *   empty arrays are not leaves, `null` is.
 * - The pattern is flattened the same way; `$or` forks it into alternatives (at any depth).
 *   Because both sides are joined with ".", the key `"state.status"` equals `state: {status}`.
 * - An alternative matches when every one of its fields matches a leaf, and all leaves chosen
 *   from objects inside arrays come from the same array element ("array consistency").
 * - `{"exists": false}` holds when no leaf exists at that path among the leaves consistent with
 *   those already chosen; fields are visited in sorted path order, as Event Ruler does.
 */
import { PermanentError } from '../../functions/kernel/errors';
import { ABSENT, compileElement, isRecord, isScalar, type Report, type Scalar, type ValueTest } from './operators';

/**
 * An EventBridge event pattern, as written in `events/*.pattern.json`.
 *
 * @example
 * const pattern: EventPattern = { source: ['aws.codebuild'], detail: { 'build-status': ['FAILED'] } };
 */
export type EventPattern = Readonly<Record<string, unknown>>;

/**
 * A pattern EventBridge would refuse; `problems` each carry the JSON path they concern.
 * Permanent: no retry can fix a broken pattern file.
 *
 * @example
 * try { matchesPattern({ source: 'aws.codebuild' }, event); }
 * catch (e) { if (e instanceof InvalidPatternError) console.error(e.problems); } // ['source: must be an array ...']
 */
export class InvalidPatternError extends PermanentError {
  override name = 'InvalidPatternError';
  constructor(readonly problems: readonly string[]) {
    super(`invalid event pattern: ${problems.join('; ')}`);
  }
}

/** Array id → element index, for every array of objects a leaf sits inside. */
type Membership = ReadonlyMap<number, number>;
interface Leaf {
  readonly value: Scalar;
  readonly membership: Membership;
}
interface Condition {
  readonly path: string;
  readonly tests: readonly ValueTest[];
  readonly absentMatches: boolean;
}
/** One `$or` alternative: conditions that must all hold, sorted by path. */
type Alternative = readonly Condition[];
type Draft = ReadonlyMap<string, Condition>;
/** Where the compiler is: JSON path in the pattern (`at`), flattened field path, and `$or` depth. */
interface Where {
  readonly at: string;
  readonly path: string;
  readonly insideOr: boolean;
  readonly report: Report;
}
type LeafIndex = ReadonlyMap<string, readonly Leaf[]>;

const NO_MEMBERSHIP: Membership = new Map();
/** Event Ruler reserves operator names as field names inside `$or`, to keep `$or` unambiguous. */
const RESERVED_IN_OR: ReadonlySet<string> = new Set([
  ...['exactly', 'equals-ignore-case', 'prefix', 'suffix', 'anything-but', 'exists', 'wildcard', 'numeric', 'cidr', 'html'],
  ...['=', '<', '<=', '>', '>=', 'regex', 'not-wildcard', 'not-equals-ignore-case', 'ip-address-in-range', 'ip-address-not-in-range'],
  ...['date-after', 'date-on-or-after', 'date-before', 'date-on-or-before', 'in-date-range'],
]);
/** Patterns are read-only values reused for every event of a replay; compile each only once. */
const compiled = new WeakMap<object, readonly Alternative[]>();

/**
 * Whether `event` matches `pattern`, with EventBridge's semantics (see the module comment).
 * A non-object event never matches. Throws {@link InvalidPatternError} for a pattern
 * EventBridge would refuse, as `TestEventPattern` does.
 *
 * @example
 * matchesPattern(
 *   { source: ['aws.codepipeline'], detail: { state: [{ 'anything-but': ['STARTED', 'RESUMED'] }] } },
 *   { source: 'aws.codepipeline', detail: { 'execution-id': 'e-1', state: 'FAILED' } },
 * ); // true
 */
export function matchesPattern(pattern: EventPattern, event: unknown): boolean {
  const alternatives = compiledPattern(pattern);
  if (!isRecord(event)) return false;
  const leaves = flatten(event);
  return alternatives.some((alternative) => satisfies(alternative, leaves));
}

/**
 * Every problem that would make EventBridge refuse `pattern`, each prefixed with its JSON path;
 * empty when the pattern is valid. Used at build time to refuse a broken pattern file.
 *
 * @example
 * validatePattern({ detail: { state: ['RUNNING', { prefx: 'S' }] } });
 * // ['detail.state[1]: unknown operator "prefx"']
 */
export function validatePattern(pattern: unknown): string[] {
  return compile(pattern).problems;
}

function compiledPattern(pattern: EventPattern): readonly Alternative[] {
  const cached = compiled.get(pattern);
  if (cached !== undefined) return cached;
  const { problems, alternatives } = compile(pattern);
  if (problems.length > 0) throw new InvalidPatternError(problems);
  compiled.set(pattern, alternatives);
  return alternatives;
}

function compile(pattern: unknown): { problems: string[]; alternatives: Alternative[] } {
  const problems = new Set<string>();
  const report: Report = (at, message) => problems.add(`${at}: ${message}`);
  if (!isRecord(pattern)) {
    report('(pattern)', 'must be a JSON object');
    return { problems: [...problems], alternatives: [] };
  }
  const drafts = expandObject(pattern, { at: '', path: '', insideOr: false, report }, []);
  const byPath = (a: Condition, b: Condition): number => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);
  return { problems: [...problems], alternatives: drafts.map((draft) => [...draft.values()].sort(byPath)) };
}

/** Mirrors Event Ruler's compiler: each field is added to every alternative built so far. */
function expandObject(object: Record<string, unknown>, where: Where, drafts: readonly Draft[]): Draft[] {
  const { report } = where;
  const entries = Object.entries(object);
  if (entries.length === 0) report(where.at || '(pattern)', 'empty objects are not allowed');
  let out: Draft[] = [...drafts];
  for (const [key, value] of entries) {
    const child: Where = { ...where, at: where.at === '' ? key : `${where.at}.${key}`, path: join(where.path, key) };
    if (key === '$or') {
      out = expandOr(value, { ...child, path: where.path }, out);
      continue;
    }
    if (where.insideOr && RESERVED_IN_OR.has(key)) report(child.at, `"${key}" is an operator name and cannot be a field inside $or`);
    if (Array.isArray(value)) out = withCondition(out, condition(child, value));
    else if (isRecord(value)) out = expandObject(value, child, out);
    else report(child.at, 'must be an array of match values or an object');
  }
  return out;
}

function expandOr(value: unknown, where: Where, drafts: readonly Draft[]): Draft[] {
  if (!Array.isArray(value) || value.length < 2) {
    where.report(where.at, 'must be an array of at least 2 objects');
    return [...drafts];
  }
  const base = drafts.length > 0 ? drafts : [new Map<string, Condition>()];
  const options: readonly unknown[] = value;
  return options.flatMap((option, i) => {
    const at = `${where.at}[${i}]`;
    if (isRecord(option)) return expandObject(option, { ...where, at, insideOr: true }, base);
    where.report(at, 'each $or alternative must be an object');
    return [];
  });
}

function condition(where: Where, values: readonly unknown[]): Condition {
  if (values.length === 0) where.report(where.at, 'empty arrays are not allowed');
  const compiledValues = values.map((element, i) => compileElement(element, `${where.at}[${i}]`, where.report));
  return {
    path: where.path,
    tests: compiledValues.filter((c): c is ValueTest => typeof c === 'function'),
    absentMatches: compiledValues.includes(ABSENT),
  };
}

/** A path given twice (e.g. `"a.b"` and `a: {b}`) keeps the last one, as the AWS docs state. */
function withCondition(drafts: readonly Draft[], added: Condition): Draft[] {
  const base = drafts.length > 0 ? drafts : [new Map<string, Condition>()];
  return base.map((draft) => new Map(draft).set(added.path, added));
}

function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

/** Only objects and arrays inside an array get a membership; scalars inherit their parent's. */
function flatten(event: Record<string, unknown>): LeafIndex {
  const leaves = new Map<string, Leaf[]>();
  let arrays = 0;
  const visit = (value: unknown, path: string, membership: Membership): void => {
    if (Array.isArray(value)) {
      const id = arrays++;
      const elements: readonly unknown[] = value;
      elements.forEach((element, index) => {
        const nested = isRecord(element) || Array.isArray(element);
        visit(element, path, nested ? new Map(membership).set(id, index) : membership);
      });
    } else if (isRecord(value)) {
      for (const [key, child] of Object.entries(value)) visit(child, join(path, key), membership);
    } else if (isScalar(value)) {
      const list = leaves.get(path);
      if (list === undefined) leaves.set(path, [{ value, membership }]);
      else list.push({ value, membership });
    }
  };
  visit(event, '', NO_MEMBERSHIP);
  return leaves;
}

/** Backtracks over the leaves of each condition in path order, as Event Ruler's ACFinder does. */
function satisfies(alternative: Alternative, leaves: LeafIndex): boolean {
  const from = (index: number, membership: Membership): boolean => {
    const condition = alternative[index];
    if (condition === undefined) return true;
    let present = false;
    for (const leaf of leaves.get(condition.path) ?? []) {
      const merged = merge(membership, leaf.membership);
      if (merged === undefined) continue;
      present = true;
      if (condition.tests.some((test) => test(leaf.value)) && from(index + 1, merged)) return true;
    }
    return condition.absentMatches && !present && from(index + 1, membership);
  };
  return from(0, NO_MEMBERSHIP);
}

/** The union of two memberships, or undefined when they put the same array at different elements. */
function merge(a: Membership, b: Membership): Membership | undefined {
  let out: Map<number, number> | undefined;
  for (const [id, index] of b) {
    const mine = a.get(id);
    if (mine === index) continue;
    if (mine !== undefined) return undefined;
    out ??= new Map(a);
    out.set(id, index);
  }
  return out ?? a;
}
