import { CardConflictError } from '../core/errors';
import type { CardStorePort, StoredCard } from './ports';

/**
 * The card store in memory, with the same version semantics as DynamoDB (the same contract tests
 * run against both). Used by `warden replay` and by tests of the hot path. Values are deep-copied
 * in and out, as a database would, so callers cannot change stored state by accident.
 */
export function createMemoryCardStore(): CardStorePort & { readonly size: () => number } {
  const cards = new Map<string, StoredCard>();
  const links = new Map<string, string>();
  return {
    size: () => cards.size,
    async get(runKey) {
      const stored = cards.get(runKey);
      return stored ? structuredClone(stored) : undefined;
    },
    async put(card, expectedVersion) {
      const current = cards.get(card.run.key)?.version ?? 0;
      if (current !== expectedVersion) throw new CardConflictError(`run ${card.run.key}: version ${expectedVersion} is no longer current`);
      cards.set(card.run.key, { card: structuredClone(card), version: expectedVersion + 1 });
    },
    async getLink(kind, externalId) {
      return links.get(`${kind}#${externalId}`);
    },
    async putLink(kind, externalId, runKey) {
      links.set(`${kind}#${externalId}`, runKey);
    },
  };
}
