/** zod issues as people read them: one line per problem, with its path. Shared by config and events. */
import type * as z from './zod';

/**
 * `routes[2].slack.channels[0]: must be a Slack channel ID ...`; one line per unknown key, at the
 * key's own path, so a typo is found where it was made.
 */
export function formatIssue(issue: z.core.$ZodIssue): string[] {
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => `${formatPath([...issue.path, key])}: unknown key`);
  }
  const message = issue.code === 'invalid_type' && issue.input === undefined ? 'required' : issue.message;
  const where = formatPath(issue.path);
  return [where ? `${where}: ${message}` : message];
}

/**
 * Formats a zod issue path the way people write it.
 *
 * @example formatPath(['routes', 2, 'match', 'pipelines']) // 'routes[2].match.pipelines'
 * @example formatPath(['detail', 'execution-id'])          // 'detail["execution-id"]'
 */
export function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((acc, key) => {
    if (typeof key === 'number') return `${acc}[${key}]`;
    const name = String(key);
    if (!/^[A-Za-z_$][\w$]*$/.test(name)) return `${acc}["${name}"]`;
    return acc ? `${acc}.${name}` : name;
  }, '');
}
