import { describe, expect, it } from 'vitest';
import { grantsFor, heldWindows, type SlackCall, WINDOW_LIMITS, WINDOW_MS, windowKeysOf } from '../../functions/kernel/slack-budget';

const update: SlackCall = { method: 'chat.update', channel: 'C1' };

describe("Slack's budget windows", () => {
  it("stay under Slack's published limits in any 60 seconds, even across window boundaries", () => {
    const windowsTouched = Math.ceil(60_000 / WINDOW_MS) + 1;
    // chat.update is Tier 3, "50+ per minute"; chat.postMessage "several hundred per minute" per workspace, "1 per second" per channel.
    expect(WINDOW_LIMITS['chat.update'] * windowsTouched).toBeLessThan(50);
    expect(WINDOW_LIMITS['chat.postMessage'] * windowsTouched).toBeLessThanOrEqual(300);
    expect(WINDOW_LIMITS['chat.postMessage#channel'] * windowsTouched).toBeLessThanOrEqual(60);
  });

  it('counts a post against the workspace and its channel, an update against the workspace', () => {
    expect(windowKeysOf(update, 12_345).map((k) => k.id)).toEqual(['chat.update']);
    expect(windowKeysOf({ method: 'chat.postMessage', channel: 'C9' }, 12_345).map((k) => `${k.id}@${k.start}`)).toEqual([
      'chat.postMessage@10000',
      'chat.postMessage#C9@10000',
    ]);
  });

  it('spreads a backlog over the following windows by how far over the limit each call stands', () => {
    const limit = WINDOW_LIMITS['chat.update'];
    // Three calls that made the counter limit * 2 + 1: the first two over the limit wait one window, the last two.
    const calls = [update, update, update];
    const grants = grantsFor(calls, new Map([[`chat.update@0`, limit * 2 + 1]]), 500);
    expect(grants).toEqual([new Date(WINDOW_MS), new Date(WINDOW_MS), new Date(2 * WINDOW_MS)]);
    expect(grantsFor(calls, new Map([[`chat.update@0`, 3]]), 500)).toEqual([true, true, true]);
  });

  it('closes the windows a Retry-After covers, and only those', () => {
    expect(heldWindows('chat.update', 3_000, 25_000).map((k) => k.start)).toEqual([0, 10_000, 20_000]);
    expect(heldWindows('chat.update', 3_000, 3_000)).toEqual([]);
  });
});
