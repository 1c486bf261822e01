/**
 * Replay's side of "no failure unannounced": a failed build a pipeline started, which no pipeline
 * action claims, is announced on its own card once replay's clock passes its grace (notify's
 * delayed redelivery comes back through replay's queue, cli/replay-queue.ts); a late action links
 * the two cards. Scenarios: events/unclaimed-build (scripts/make-unclaimed-scenarios.ts).
 */
import { describe, expect, it } from 'vitest';
import { type ReplayLine, replayLines, warden } from '../support/warden-cli';

const WORLD = 'events/unclaimed-build/unclaimed.world.json';
const NEVER = 'events/unclaimed-build/never-claimed';
const LATE = 'events/unclaimed-build/claimed-late';
/** 03-build-failed.json's time plus the default grace (10 minutes), and the event that sent the redelivery. */
const NEVER_DUE = `redelivery 2026-11-23T09:25:58.000Z, sent by ${NEVER}/03-build-failed.json`;

function replay(...args: string[]): ReplayLine[] {
  const { code, stdout, stderr } = warden('replay', '--json', '--world', WORLD, ...args);
  expect(stderr).toBe('');
  expect(code).toBe(0);
  const all = replayLines(stdout);
  expect(all.filter((l) => l.error)).toEqual([]);
  return all;
}
const text = (l: ReplayLine) => JSON.stringify(l.input['blocks']);
const cards = (all: readonly ReplayLine[]) => all.filter((l) => l.call === 'slack.chat.postMessage' && !l.input['thread_ts']);
const buildCards = (all: readonly ReplayLine[]) => cards(all).filter((l) => /payments-\w+-build #42\S* build failed/.test(text(l)));

describe('warden replay of a failed build its pipeline never reports', () => {
  it('without --advance: the build is parked, nothing is announced', () => {
    const all = replay(NEVER);
    expect(all.filter((l) => l.event === `${NEVER}/03-build-failed.json`)).toEqual([]);
    expect(buildCards(all)).toEqual([]);
    expect(all.some((l) => l.event.startsWith('redelivery '))).toBe(false);
  });

  it('with --advance shorter than the grace (9m): still nothing', () => {
    const all = replay('--advance', '9m', NEVER);
    expect(buildCards(all)).toEqual([]);
    expect(all.some((l) => l.event.startsWith('redelivery '))).toBe(false);
  });

  it("with --advance 15m: the build's own card, failure reply and email at the end of the grace, attributed to the redelivery", () => {
    const all = replay('--advance', '15m', NEVER);
    const redelivered = all.filter((l) => l.event === NEVER_DUE);
    expect(redelivered.every((l) => l.at === '2026-11-23T09:25:58.000Z')).toBe(true);
    const posted = buildCards(all);
    expect(posted.map((l) => [l.event, l.input['channel']])).toEqual([
      [NEVER_DUE, 'C0PAYMENTS1'],
      [NEVER_DUE, 'C0PLATFORM1'],
    ]);
    for (const card of posted) expect(text(card)).toContain('payments-reconciler-build #42');
    const replies = redelivered.filter((l) => l.call === 'slack.chat.postMessage' && l.input['thread_ts']);
    expect(replies.map((l) => l.input['channel'])).toEqual(['C0PAYMENTS1', 'C0PLATFORM1']);
    for (const reply of replies) {
      expect(text(reply)).toContain('COMMAND_EXECUTION_ERROR');
      expect(text(reply)).toContain('nets refunds against captures');
    }
    expect(redelivered.filter((l) => l.call === 'sns.publish')).toHaveLength(1);
    // The pipeline card (posted by the first event) is left alone.
    expect(all.filter((l) => l.call === 'slack.chat.update')).toEqual([]);
  });

  it('the human output shows the redelivery as an entry of its own, after the event that sent it', () => {
    const { code, stdout } = warden('replay', '--advance', '15m', '--world', WORLD, NEVER);
    expect(code).toBe(0);
    expect(stdout).toContain(`▸ ${NEVER}/03-build-failed.json\n    (nothing to send: no route, or nothing visible changed)\n\n▸ ${NEVER_DUE}\n`);
    expect(stdout).toMatch(new RegExp(`▸ ${NEVER_DUE}\\n  Slack C0PAYMENTS1 · new card\\n    │ ❌ payments-reconciler-build #42 build failed`));
    expect(stdout).toContain('4 events replayed, 0 rejected · Slack: 4 cards posted, 0 updates, 2 thread replies · 1 email');
  });
});

describe('warden replay of a failed build its pipeline action reports after the grace', () => {
  it("announces the build, then the late action links the two: the pipeline card shows the build, the build's card names the run", () => {
    const all = replay(LATE);
    const order = [...new Set(all.map((l) => l.event))];
    const announced = `redelivery 2026-11-23T10:25:58.000Z, sent by ${LATE}/02-build-failed.json`;
    const linked = `redelivery 2026-11-23T10:27:29.000Z, sent by ${LATE}/03-action-build-failed-late.json`;
    // No event of the build in 02 shows anything: it is parked (and has no --advance to wait for: the late action's time passes its grace).
    expect(order).toEqual([
      `${LATE}/01-pipeline-started.json`,
      announced,
      `${LATE}/03-action-build-failed-late.json`,
      linked,
      `${LATE}/04-pipeline-failed.json`,
    ]);
    expect(buildCards(all).map((l) => l.event)).toEqual([announced, announced]);
    const action = all.filter((l) => l.event === `${LATE}/03-action-build-failed-late.json`);
    // The pipeline card takes the build in...
    for (const update of action.filter((l) => l.call === 'slack.chat.update')) expect(text(update)).toContain('payments-settlement-build #42');
    // ...and asks, at once, for the build's card to be delivered again: it names the pipeline run.
    const named = all.filter((l) => l.event === linked && l.call === 'slack.chat.update');
    expect(named).toHaveLength(2);
    for (const update of named) expect(text(update)).toMatch(/part of \*payments-settlement\* <[^|]+\|execution 5cbb1be6>/);
  });
});
