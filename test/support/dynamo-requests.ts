/**
 * A card store and Slack budget whose DynamoDB requests are counted as the DynamoDB adapters make
 * them: one per store call (a getMany of up to 100 keys is one BatchGetItem), one UpdateItem per
 * budget take whatever its methods and channels (none for an empty take), one per hold. For the
 * bench's per-run figures and the organization simulation.
 */
import type { CardStorePort, SlackBudgetPort } from '../../functions/kernel/ports';

export interface CountedRequests {
  readonly store: CardStorePort;
  readonly budget: SlackBudgetPort;
  /** Requests so far: the card store's (cards and links) and the budget's. */
  counts(): { readonly card: number; readonly budget: number; readonly total: number };
}

/** @example const counted = countedRequests(createMemoryCardStore(), createMemorySlackBudget()); … counted.counts().total */
export function countedRequests(store: CardStorePort, budget: SlackBudgetPort): CountedRequests {
  let card = 0;
  let taken = 0;
  const one =
    <A extends unknown[], R>(f: (...args: A) => Promise<R>) =>
    (...args: A) => {
      card += 1;
      return f(...args);
    };
  return {
    store: {
      get: one(store.get.bind(store)),
      getMany: (runKeys) => {
        card += Math.ceil(new Set(runKeys).size / 100);
        return store.getMany(runKeys);
      },
      put: one(store.put.bind(store)),
      getLink: one(store.getLink.bind(store)),
      putLink: one(store.putLink.bind(store)),
    },
    budget: {
      take: (calls, now) => {
        if (calls.length > 0) taken += 1;
        return budget.take(calls, now);
      },
      hold: (method, until, now) => {
        taken += 1;
        return budget.hold(method, until, now);
      },
    },
    counts: () => ({ card, budget: taken, total: card + taken }),
  };
}
