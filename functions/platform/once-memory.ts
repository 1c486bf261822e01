import type { OncePort } from '../kernel/ports';

/** Claims in memory, as the DynamoDB ones behave (the contract tests run both): replay and tests. */
export function createMemoryOnce(): OncePort & { readonly claimed: () => string[] } {
  const keys = new Set<string>();
  return {
    claimed: () => [...keys],
    async claim(key) {
      if (keys.has(key)) return false;
      keys.add(key);
      return true;
    },
    async release(key) {
      keys.delete(key);
    },
  };
}
