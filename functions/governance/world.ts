/** The governance function's records in memory, for `warden replay`, `npm run dev` and the tests. */
import type { BypassesPort, DoneRecordsPort } from './app/deps';
import { DONE_TTL_SECONDS } from './app/once';
import type { Bypass } from './domain/enforcement';

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

export type BypassAudit = Parameters<BypassesPort['audit']>[0];

/**
 * Break-glass bypasses in memory, one per stage as the DynamoDB store keys them, with the audit
 * trail kept in order: the one implementation `warden replay`, `npm run dev` and the tests use.
 */
export function createMemoryBypasses(): BypassesPort & { readonly entries: Map<string, Bypass>; readonly audits: BypassAudit[] } {
  const entries = new Map<string, Bypass>();
  const audits: BypassAudit[] = [];
  return {
    entries,
    audits,
    list: async () => [...entries.values()],
    put: async (bypass) => void entries.set(`${bypass.pipeline}/${bypass.stage}`, bypass),
    remove: async (pipeline, stage) => void entries.delete(`${pipeline}/${stage}`),
    audit: async (entry) => void audits.push({ ...entry }),
  };
}
