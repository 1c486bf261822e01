/** The governance function's records in memory, for `warden replay` and the tests. */
import type { DoneRecordsPort } from './app/deps';
import { DONE_TTL_SECONDS } from './app/once';

/**
 * The done records in memory, with DynamoDB's semantics (a record is there until it expires): the
 * one implementation `warden replay` and the tests use.
 *
 * @example const done = createMemoryDoneRecords(); await done.claim('k') // true; again: false
 */
export function createMemoryDoneRecords(now: () => Date = () => new Date()): DoneRecordsPort & { readonly keys: () => string[] } {
  const expiries = new Map<string, number>();
  return {
    async claim(key) {
      const at = now().getTime();
      if ((expiries.get(key) ?? -Infinity) > at) return false;
      expiries.set(key, at + DONE_TTL_SECONDS * 1000);
      return true;
    },
    async release(key) {
      expiries.delete(key);
    },
    keys: () => [...expiries.keys()],
  };
}
