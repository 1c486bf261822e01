import type { SlackBudgetPort } from '../kernel/ports';
import { demandOf, grantsFor, HELD, heldWindows, keyString } from '../kernel/slack-budget';

export type MemorySlackBudget = SlackBudgetPort & {
  /** Each window counter's value, for tests and the load simulation. */
  readonly counters: () => ReadonlyMap<string, number>;
};

/**
 * Slack's budget in memory, with the DynamoDB budget's semantics (the same contract tests run against
 * both): one budget shared by every worker of a process, as the table is shared by every Lambda.
 *
 * @example
 * const budget = createMemorySlackBudget();
 * await budget.take([{ method: 'chat.update', channel: 'C0123ABCD' }], new Date()); // [true]
 */
export function createMemorySlackBudget(): MemorySlackBudget {
  const counters = new Map<string, number>();
  return {
    counters: () => new Map(counters),
    async take(calls, now) {
      const at = now.getTime();
      const counted = new Map<string, number>();
      // Added and read with no await in between: atomic, as DynamoDB's ADD is.
      for (const [k, { n }] of demandOf(calls, at)) {
        counters.set(k, (counters.get(k) ?? 0) + n);
        counted.set(k, counters.get(k) ?? n);
      }
      return grantsFor(calls, counted, at);
    },
    async hold(method, until, now) {
      for (const key of heldWindows(method, now.getTime(), until.getTime())) counters.set(keyString(key), HELD);
    },
  };
}
