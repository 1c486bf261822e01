/**
 * SlackBudgetPort: the same cases against the DynamoDB budget (dynalite: real atomic ADDs, workers
 * racing in parallel) and the memory one (the load simulation, the hot path's tests).
 */
import { describe, expect, it } from 'vitest';
import type { SlackBudgetPort } from '../../functions/kernel/ports';
import { type SlackCall, WINDOW_LIMITS, WINDOW_MS } from '../../functions/kernel/slack-budget';
import { createDynamoSlackBudget } from '../../functions/platform/slack-budget-dynamo';
import { createMemorySlackBudget } from '../../functions/platform/slack-budget-memory';
import { useFreshTables } from '../support/contracts';

const tables = useFreshTables('budget');

const T0 = Date.parse('2026-12-02T10:00:00Z');
const at = (ms: number) => new Date(T0 + ms);
const updates = (n: number, channel = 'C0TEAM0001'): SlackCall[] => Array.from({ length: n }, () => ({ method: 'chat.update', channel }));
const posts = (n: number, channel = 'C0TEAM0001'): SlackCall[] => Array.from({ length: n }, () => ({ method: 'chat.postMessage', channel }));

describe.each([
  ['memory', async (): Promise<SlackBudgetPort> => createMemorySlackBudget()],
  ['dynamodb', async (): Promise<SlackBudgetPort> => createDynamoSlackBudget({ client: tables.dynamo().doc, tableName: await tables.fresh() })],
])('%s Slack budget', (_name, make) => {
  it('grants a window its limit of updates, in order, and sends the rest to later windows', async () => {
    const budget = await make();
    const grants = await budget.take(updates(WINDOW_LIMITS['chat.update'] + 2), at(1_000));
    expect(grants.slice(0, WINDOW_LIMITS['chat.update'])).toEqual(Array(WINDOW_LIMITS['chat.update']).fill(true));
    expect(grants.slice(WINDOW_LIMITS['chat.update'])).toEqual([at(WINDOW_MS), at(WINDOW_MS)]);
    // The next window starts afresh.
    expect(await budget.take(updates(1), at(WINDOW_MS + 5))).toEqual([true]);
  });

  it('is shared: workers taking at the same time together get no more than the limit', async () => {
    const budget = await make();
    const workers = await Promise.all(Array.from({ length: 5 }, () => budget.take(updates(3), at(2_000))));
    expect(workers.flat().filter((g) => g === true)).toHaveLength(WINDOW_LIMITS['chat.update']);
  });

  it('counts posts per workspace and per channel: a busy channel waits, another channel still goes', async () => {
    const budget = await make();
    const busy = await budget.take(posts(WINDOW_LIMITS['chat.postMessage#channel'] + 1, 'C0BUSY0001'), at(0));
    expect(busy.filter((g) => g === true)).toHaveLength(WINDOW_LIMITS['chat.postMessage#channel']);
    expect(await budget.take(posts(1, 'C0QUIET001'), at(1))).toEqual([true]);
    // Posts and updates are counted apart.
    expect(await budget.take(updates(1, 'C0BUSY0001'), at(2))).toEqual([true]);
  });

  it("holds a method for every worker until a 429's Retry-After, then lets it go again", async () => {
    const budget = await make();
    await budget.hold('chat.update', at(25_000), at(3_000));
    expect(await budget.take(updates(1), at(4_000))).toEqual([expect.any(Date)]);
    expect(await budget.take(updates(1), at(21_000))).toEqual([expect.any(Date)]);
    // Posts are not held by a 429 on updates.
    expect(await budget.take(posts(1), at(4_000))).toEqual([true]);
    expect(await budget.take(updates(1), at(30_000))).toEqual([true]);
  });
});

describe('the DynamoDB Slack budget', () => {
  it('takes posts to three channels and updates in one request: one window item, one atomic ADD per counter', async () => {
    const tableName = await tables.fresh();
    const sent: string[] = [];
    const client = {
      send: (command: { constructor: { name: string } }) => {
        sent.push(command.constructor.name);
        return tables.dynamo().doc.send(command as never);
      },
    } as unknown as Parameters<typeof createDynamoSlackBudget>[0]['client'];
    const budget = createDynamoSlackBudget({ client, tableName });
    const calls = [...posts(2, 'C0ONE00001'), ...posts(1, 'C0TWO00001'), ...posts(1, 'C0THREE001'), ...updates(3)];
    expect(await budget.take(calls, at(500))).toEqual(calls.map(() => true));
    expect(sent).toEqual(['UpdateCommand']);
    // The counts it answered are the window's: a second worker's take continues from them.
    const busy = await budget.take(posts(WINDOW_LIMITS['chat.postMessage#channel'], 'C0ONE00001'), at(600));
    expect(busy.filter((g) => g === true)).toHaveLength(WINDOW_LIMITS['chat.postMessage#channel'] - 2);
  });
});
