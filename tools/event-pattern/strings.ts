/** The string operators of event patterns: prefix, suffix, equals-ignore-case and wildcard. */
/** Receives a problem with the JSON path of the pattern node it concerns. */
export type Report = (path: string, message: string) => void;

export type StringOperator = 'prefix' | 'suffix' | 'equals-ignore-case' | 'wildcard';

export function stringTest(operator: StringOperator, text: string, ignoreCase: boolean): (value: string) => boolean {
  const fold = (s: string): string => (ignoreCase ? s.toLowerCase() : s);
  const wanted = fold(text);
  switch (operator) {
    case 'prefix':
      return (value) => fold(value).startsWith(wanted);
    case 'suffix':
      return (value) => fold(value).endsWith(wanted);
    case 'equals-ignore-case':
      return (value) => value.toLowerCase() === text.toLowerCase();
    case 'wildcard': {
      const regex = wildcardRegex(text);
      return (value) => regex.test(value);
    }
  }
}

/** Event Ruler refuses `**` (ambiguous) and a backslash that escapes anything but `*` or `\`. */
export function validWildcard(text: string, at: string, report: Report): boolean {
  const unescaped = text.replace(/\\[*\\]/g, '_');
  const problem = unescaped.includes('**')
    ? 'consecutive wildcard characters are not allowed'
    : unescaped.includes('\\')
      ? 'a backslash may only escape "*" or "\\"'
      : undefined;
  if (problem !== undefined) report(at, problem);
  return problem === undefined;
}

/** Splitting on a capture group puts the wildcards and escapes at the odd indexes. */
function wildcardRegex(text: string): RegExp {
  const body = text
    .split(/(\\[*\\]|\*)/)
    .map((part, i) => (i % 2 === 0 ? escapeRegex(part) : part === '*' ? '.*' : escapeRegex(part.slice(1))))
    .join('');
  return new RegExp(`^${body}$`, 's');
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
