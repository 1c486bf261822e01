import type { Streak } from '../kernel/delivery/streak';
import { CardConflictError } from '../kernel/errors';
import type { StreakStorePort } from '../kernel/ports';

/**
 * Failure streaks in memory, with DynamoDB's version semantics (the same contract tests run against
 * both): `warden replay` and the tests.
 *
 * @example
 * const streaks = createMemoryStreaks();
 * await streaks.put('123456789012/eu-west-1/web', { failures: [] }, 0); // version 1
 */
export function createMemoryStreaks(): StreakStorePort & { readonly dump: () => Record<string, Streak> } {
  const items = new Map<string, { streak: Streak; version: number }>();
  return {
    dump: () => structuredClone(Object.fromEntries([...items].map(([k, v]) => [k, v.streak]))),
    async get(key) {
      const item = items.get(key);
      return item ? structuredClone(item) : undefined;
    },
    async put(key, streak, expectedVersion) {
      const current = items.get(key)?.version ?? 0;
      if (current !== expectedVersion) throw new CardConflictError(`streak ${key}: version ${expectedVersion} is no longer current`);
      items.set(key, { streak: JSON.parse(JSON.stringify(streak)) as Streak, version: expectedVersion + 1 });
    },
  };
}
