/**
 * The value operators of EventBridge event patterns: what one element of a pattern's value array
 * (`"x"`, `{ "prefix": "x" }`, `{ "numeric": [">", 0] }`, ...) means for one leaf of the event.
 *
 * Semantics follow AWS's Event Ruler, the engine behind EventBridge: string operators only ever
 * match JSON strings, `numeric` only JSON numbers, and `anything-but` matches every leaf the
 * excluded values do not cover, whatever its type (so `null` passes `{"anything-but": "x"}`).
 */
import { compareIps, parseIp } from './ip';
import { type Report, type StringOperator, stringTest, validWildcard } from './strings';

/** A leaf of the event as EventBridge sees it: a JSON string, number, boolean or null. */
export type Scalar = string | number | boolean | null;

/** Decides whether one leaf value satisfies one pattern element. */
export type ValueTest = (value: Scalar) => boolean;

/** `{"exists": false}` is decided by the field's absence, not by any value, so it gets a marker. */
export const ABSENT = 'absent';

export type { Report };

type OperatorCompiler = (arg: unknown, at: string, report: Report) => ValueTest | typeof ABSENT | undefined;

/** Event Ruler's numeric encoding covers ±5e9 with six decimals; anything outside cannot compare. */
const NUMERIC_LIMIT = 5e9;
const MAX_DECIMALS = 6;

/** A JSON object (not an array, not null). @example isRecord({ a: 1 }) // true */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A value EventBridge treats as a leaf. @example isScalar(null) // true; isScalar({}) // false */
export function isScalar(value: unknown): value is Scalar {
  return value === null || typeof value === 'string' || typeof value === 'boolean' || Number.isFinite(value);
}

/**
 * Compiles one element of a pattern's value array; reports (and returns undefined) when it is
 * malformed, so one pass both validates and builds the matcher.
 *
 * @example
 * const test = compileElement({ prefix: 'us-' }, 'detail.region[0]', report);
 * typeof test === 'function' && test('us-east-1'); // true
 */
export function compileElement(element: unknown, at: string, report: Report): ValueTest | typeof ABSENT | undefined {
  if (isScalar(element)) return exact(element);
  if (!isRecord(element)) {
    return void report(at, 'a match value must be a string, number, true, false, null or an operator object');
  }
  const entry = soleEntry(element);
  if (entry === undefined) {
    return void report(at, `an operator object must have exactly one key, found ${Object.keys(element).length}`);
  }
  const [name, arg] = entry;
  const compile = OPERATORS.get(name);
  if (compile === undefined) return void report(at, `unknown operator "${name}"`);
  return compile(arg, `${at}.${name}`, report);
}

function soleEntry(object: Record<string, unknown>): [string, unknown] | undefined {
  const entries = Object.entries(object);
  return entries.length === 1 ? entries[0] : undefined;
}

function exact(expected: Scalar): ValueTest {
  const ip = typeof expected === 'string' ? parseIp(expected) : undefined;
  // Event Ruler turns an IP literal into an address range, so "2001:db8::1" equals "2001:DB8:0::1".
  if (ip !== undefined) return (value) => typeof value === 'string' && compareIps(parseIp(value), ip) === 0;
  return (value) => value === expected;
}

/** Only `prefix` and `suffix` also take `{"equals-ignore-case": string}`. */
function stringOperator(operator: StringOperator): OperatorCompiler {
  const affix = operator === 'prefix' || operator === 'suffix';
  return (arg, at, report) => {
    const nested = affix && isRecord(arg) ? soleEntry(arg) : undefined;
    const ignoreCase = nested?.[0] === 'equals-ignore-case';
    const text = ignoreCase ? nested?.[1] : arg;
    if (typeof text !== 'string') {
      return void report(at, affix ? 'must be a string or {"equals-ignore-case": "<string>"}' : 'must be a string');
    }
    if (operator === 'wildcard' && !validWildcard(text, at, report)) return undefined;
    return onStrings(stringTest(operator, text, ignoreCase));
  };
}

function onStrings(test: (value: string) => boolean): ValueTest {
  return (value) => typeof value === 'string' && test(value);
}

function anythingBut(arg: unknown, at: string, report: Report): ValueTest | undefined {
  if (isRecord(arg)) return anythingButOperator(arg, at, report);
  const values: readonly unknown[] = Array.isArray(arg) ? arg : [arg];
  const excluded: ReadonlySet<unknown> = new Set(values);
  const allStrings = values.every((v) => typeof v === 'string');
  const allNumbers = values.every((v) => typeof v === 'number');
  if (values.length === 0 || !(allStrings || allNumbers)) {
    return void report(at, 'must be a string, a number, or a non-empty list of only strings or only numbers');
  }
  if (allNumbers && !values.every((v, i) => validNumber(v, Array.isArray(arg) ? `${at}[${i}]` : at, report))) return undefined;
  return (value) => !excluded.has(value);
}

const ANYTHING_BUT_OPERATORS: ReadonlySet<string> = new Set(['prefix', 'suffix', 'equals-ignore-case', 'wildcard']);

function isStringOperator(name: string): name is StringOperator {
  return ANYTHING_BUT_OPERATORS.has(name);
}

function anythingButOperator(arg: Record<string, unknown>, at: string, report: Report): ValueTest | undefined {
  const entry = soleEntry(arg);
  if (entry === undefined || !isStringOperator(entry[0])) {
    return void report(at, 'must hold exactly one of "prefix", "suffix", "equals-ignore-case", "wildcard"');
  }
  const [operator, raw] = entry;
  const where = `${at}.${operator}`;
  const texts: readonly unknown[] = Array.isArray(raw) ? raw : [raw];
  if (texts.length === 0 || !texts.every((t): t is string => typeof t === 'string')) {
    return void report(where, 'must be a string or a non-empty list of strings');
  }
  if ((operator === 'prefix' || operator === 'suffix') && texts.includes('')) {
    return void report(where, `an empty ${operator} is not allowed`);
  }
  if (operator === 'wildcard' && !texts.every((t) => validWildcard(t, where, report))) return undefined;
  const tests = texts.map((t) => stringTest(operator, t, false));
  return (value) => typeof value !== 'string' || !tests.some((test) => test(value));
}

type Comparison = '=' | '<' | '<=' | '>' | '>=';
const COMPARE: Readonly<Record<Comparison, (a: number, b: number) => boolean>> = {
  '=': (a, b) => a === b,
  '<': (a, b) => a < b,
  '<=': (a, b) => a <= b,
  '>': (a, b) => a > b,
  '>=': (a, b) => a >= b,
};

function isComparison(value: unknown, allowed: readonly Comparison[]): value is Comparison {
  return typeof value === 'string' && (allowed as readonly string[]).includes(value);
}

function numeric(arg: unknown, at: string, report: Report): ValueTest | undefined {
  const parts: readonly unknown[] = Array.isArray(arg) ? arg : [];
  const [op1, n1, op2, n2] = parts;
  const single = parts.length === 2 && isComparison(op1, ['=', '<', '<=', '>', '>=']);
  const range = parts.length === 4 && isComparison(op1, ['>', '>=']) && isComparison(op2, ['<', '<=']);
  if (!(single || range) || !isComparison(op1, ['=', '<', '<=', '>', '>='])) {
    return void report(at, 'must be [op, number] or [">"|">=", number, "<"|"<=", number], e.g. [">", 0, "<=", 5]');
  }
  if (!validNumber(n1, `${at}[1]`, report) || (range && !validNumber(n2, `${at}[3]`, report))) return undefined;
  if (range && !(typeof n1 === 'number' && typeof n2 === 'number' && n1 < n2)) {
    return void report(at, 'the lower bound must be less than the upper bound');
  }
  const checks: Array<(v: number) => boolean> = [(v) => COMPARE[op1](v, Number(n1))];
  if (range && isComparison(op2, ['<', '<='])) checks.push((v) => COMPARE[op2](v, Number(n2)));
  return (value) => typeof value === 'number' && Math.abs(value) <= NUMERIC_LIMIT && checks.every((check) => check(value));
}

function validNumber(value: unknown, at: string, report: Report): boolean {
  const problem =
    typeof value !== 'number'
      ? 'must be a number'
      : Math.abs(value) > NUMERIC_LIMIT
        ? `must be between -${NUMERIC_LIMIT} and ${NUMERIC_LIMIT}`
        : decimals(value) > MAX_DECIMALS
          ? `may have at most ${MAX_DECIMALS} decimal places`
          : undefined;
  if (problem !== undefined) report(at, problem);
  return problem === undefined;
}

function decimals(value: number): number {
  const [mantissa = '', exponent = '0'] = String(value).split('e');
  return Math.max(0, (mantissa.split('.')[1] ?? '').length - Number(exponent));
}

function exists(arg: unknown, at: string, report: Report): ValueTest | typeof ABSENT | undefined {
  if (typeof arg !== 'boolean') return void report(at, 'must be true or false');
  return arg ? () => true : ABSENT;
}

function cidr(arg: unknown, at: string, report: Report): ValueTest | undefined {
  const [address = '', bits = '', ...extra] = typeof arg === 'string' ? arg.split('/') : [];
  const base = parseIp(address);
  const maskBits = /^\d{1,3}$/.test(bits) ? Number(bits) : Number.NaN;
  if (base === undefined || extra.length > 0 || !(maskBits <= base.length * 8)) {
    return void report(at, 'must be an IPv4 or IPv6 CIDR block such as "10.0.0.0/24" or "2001:db8::/32"');
  }
  // Like Event Ruler, the range starts at the address as written (host bits are not cleared).
  const top = base.map((byte, i) => byte | (0xff >> Math.min(8, Math.max(0, maskBits - 8 * i))));
  return (value) => {
    const ip = typeof value === 'string' ? parseIp(value) : undefined;
    return ip !== undefined && ip.length === base.length && compareIps(ip, base) >= 0 && compareIps(ip, top) <= 0;
  };
}

const OPERATORS: ReadonlyMap<string, OperatorCompiler> = new Map<string, OperatorCompiler>([
  ['prefix', stringOperator('prefix')],
  ['suffix', stringOperator('suffix')],
  ['equals-ignore-case', stringOperator('equals-ignore-case')],
  ['wildcard', stringOperator('wildcard')],
  ['anything-but', anythingBut],
  ['numeric', numeric],
  ['exists', exists],
  ['cidr', cidr],
]);
