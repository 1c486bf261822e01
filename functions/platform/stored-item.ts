/**
 * An item read back from the cards table, parsed with its schema rather than cast: a hand edit, a bad
 * migration or an item of another kind fails loudly (PermanentError naming it and each problem), never
 * as a half-read record deep in a flow.
 */
import { PermanentError } from '../kernel/errors';
import { formatIssue } from '../kernel/issues';
import type * as z from '../kernel/zod';

export function parseStored<T>(schema: z.ZodMiniType<T>, value: unknown, what: string): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new PermanentError(`${what}: the stored item is malformed (${parsed.error.issues.flatMap(formatIssue).join('; ')})`);
}
