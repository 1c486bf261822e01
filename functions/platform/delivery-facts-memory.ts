import { type DeliveryFact, factKey } from '../kernel/delivery/fact';
import type { DeliveryFactsPort } from '../kernel/ports';

export type MemoryDeliveryFacts = DeliveryFactsPort & {
  /** Every fact stored, oldest first (by `at`, then key). */
  readonly all: () => DeliveryFact[];
};

/**
 * Delivery facts in memory, keyed as the DynamoDB store keys them (`factKey`): `warden replay`,
 * `warden metrics` and the tests. The same contract tests run against both stores.
 *
 * @example
 * const facts = createMemoryDeliveryFacts();
 * await facts.record([deployment]);
 * await facts.record([deployment]); // still one
 * facts.all().length;               // 1
 */
export function createMemoryDeliveryFacts(): MemoryDeliveryFacts {
  const facts = new Map<string, DeliveryFact>();
  const sorted = () =>
    [...facts.entries()].sort(([ka, a], [kb, b]) => a.at.localeCompare(b.at) || ka.localeCompare(kb)).map(([, fact]) => structuredClone(fact));
  return {
    all: sorted,
    async record(list) {
      for (const fact of list) facts.set(factKey(fact), structuredClone(fact));
    },
    async between({ from, to }) {
      return sorted().filter((f) => {
        const at = Date.parse(f.at);
        return at >= from.getTime() && at < to.getTime();
      });
    },
  };
}
