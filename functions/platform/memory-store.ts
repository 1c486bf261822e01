import type { RunCard } from '../kernel/card/types';
import { CardConflictError } from '../kernel/errors';
import type { CardStorePort, LinkKind, StoredCard } from '../kernel/ports';

/** Everything a memory store holds, keyed as DynamoDB keys it (run key; `<kind>#<externalId>`). */
export interface MemoryStoreContents {
  readonly cards: Readonly<Record<string, StoredCard>>;
  readonly links: Readonly<Record<string, string>>;
}

export type MemoryCardStore = CardStorePort & {
  /** A deep copy of what is stored, for replay output and test assertions. */
  readonly dump: () => MemoryStoreContents;
  /** How many cards are stored. */
  readonly size: () => number;
};

/**
 * The card store in memory, with the same version semantics as DynamoDB (the same contract tests
 * run against both, test/contracts/card-store.contract.test.ts). Used by `warden replay` and by
 * tests of the hot path. Values are copied in and out, as a database would, so callers cannot
 * change stored state by accident; a card is stored as its JSON form, as the DynamoDB store writes
 * it, so an `undefined` optional field is absent when read back, not present as undefined.
 *
 * @example
 * const store = createMemoryCardStore();
 * await store.put(card, 0);          // version 1
 * await store.put(card, 0);          // throws CardConflictError, as DynamoDB would
 * store.dump().cards[card.run.key];  // { card, version: 1 }
 */
export function createMemoryCardStore(): MemoryCardStore {
  const cards = new Map<string, StoredCard>();
  const links = new Map<string, string>();
  const linkKey = (kind: LinkKind, externalId: string) => `${kind}#${externalId}`;
  return {
    size: () => cards.size,
    dump: () => structuredClone({ cards: Object.fromEntries(cards), links: Object.fromEntries(links) }),
    async get(runKey) {
      const stored = cards.get(runKey);
      return stored ? structuredClone(stored) : undefined;
    },
    async getMany(runKeys) {
      const found = new Map<string, StoredCard>();
      for (const key of runKeys) {
        const stored = cards.get(key);
        if (stored) found.set(key, structuredClone(stored));
      }
      return found;
    },
    async put(card, expectedVersion) {
      // Check and set with no await in between: that is what makes the check atomic here, as the
      // condition expression makes it atomic in DynamoDB.
      const current = cards.get(card.run.key)?.version ?? 0;
      if (current !== expectedVersion) throw new CardConflictError(`run ${card.run.key}: version ${expectedVersion} is no longer current`);
      cards.set(card.run.key, { card: JSON.parse(JSON.stringify(card)) as RunCard, version: expectedVersion + 1 });
    },
    async getLink(kind, externalId) {
      return links.get(linkKey(kind, externalId));
    },
    async putLink(kind, externalId, runKey) {
      links.set(linkKey(kind, externalId), runKey);
    },
  };
}
