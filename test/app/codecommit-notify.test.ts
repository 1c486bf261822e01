/** CodeCommit through the hot path: a pull request's events update one card in place; a branch change is a card of its own. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { notifyEvent } from '../../functions/notify/app/notify-event';
import { createRecorder, type RecordedCall } from '../../functions/platform/recording';
import { config, memoryNotifyDeps, rng, sampleWorld, shuffle } from '../support/scenarios';

const DIR = path.resolve(__dirname, '../fixtures/codecommit');
const fixture = (name: string): Record<string, unknown> => JSON.parse(readFileSync(path.join(DIR, name), 'utf8')) as Record<string, unknown>;
const PR_EVENTS = ['pr-created.json', 'pr-source-updated.json', 'pr-approved.json', 'pr-merged.json'].map(fixture);

const CONFIG = config(`
version: 1
routes:
  - name: catch-all
    match: {}
    slack: { channels: [C0ALL00001], level: all }
    email: { topics: [default], level: all }
  - name: code reviews
    match: { codecommit: ["payments-*"] }
    slack: { channels: [C0REVIEW01], level: all }
`);

async function run(events: readonly Record<string, unknown>[]): Promise<RecordedCall[]> {
  const recorder = createRecorder(sampleWorld());
  const deps = memoryNotifyDeps(CONFIG, recorder);
  for (const event of events) await notifyEvent(event, deps);
  return recorder.calls;
}

const inChannel = (calls: RecordedCall[], channel: string) => calls.filter((c) => c.call.startsWith('slack.chat.') && c.input['channel'] === channel);
const posts = (calls: RecordedCall[], channel: string) => inChannel(calls, channel).filter((c) => c.call === 'slack.chat.postMessage');
const lastBlocks = (calls: RecordedCall[], channel: string) => JSON.stringify(inChannel(calls, channel).at(-1)?.input['blocks']);

describe('a CodeCommit pull request through notifyEvent', () => {
  it('created, source updated, approved, merged: one card, updated in place, ending merged', async () => {
    const calls = await run(PR_EVENTS);
    expect(posts(calls, 'C0REVIEW01')).toHaveLength(1);
    expect(inChannel(calls, 'C0REVIEW01').filter((c) => c.call === 'slack.chat.update').length).toBeGreaterThanOrEqual(3);
    const last = lastBlocks(calls, 'C0REVIEW01');
    expect(last).toContain('PR #12 Add idempotency keys');
    expect(last).toContain(':white_check_mark:');
    expect(last).toContain('* merged in *payments-api*');
    expect(last).toContain('approved by lee');
    expect(last).toContain('`feature/idempotency` → `main`');
  });

  it('gives the same final card in any order, with duplicates', async () => {
    const reference = lastBlocks(await run(PR_EVENTS), 'C0REVIEW01');
    for (let seed = 1; seed <= 30; seed += 1) {
      const random = rng(seed);
      const calls = await run(shuffle([...PR_EVENTS, ...PR_EVENTS.filter(() => random() < 0.3)], random));
      expect(lastBlocks(calls, 'C0REVIEW01'), `seed ${seed}`).toBe(reference);
      expect(posts(calls, 'C0REVIEW01'), `seed ${seed}`).toHaveLength(1);
    }
  });

  it('a catch-all route posts and emails nothing for CodeCommit', async () => {
    const calls = await run([...PR_EVENTS, fixture('branch-updated.json')]);
    expect(inChannel(calls, 'C0ALL00001')).toEqual([]);
    expect(calls.filter((c) => c.call === 'sns.publish')).toEqual([]);
  });
});

describe('a CodeCommit branch update through notifyEvent', () => {
  it('is a short card of its own', async () => {
    const calls = await run([fixture('branch-updated.json'), fixture('branch-updated.json')]);
    expect(posts(calls, 'C0REVIEW01')).toHaveLength(1);
    expect(inChannel(calls, 'C0REVIEW01')).toHaveLength(1);
    expect(lastBlocks(calls, 'C0REVIEW01')).toContain('branch *main* updated in *<');
    expect(lastBlocks(calls, 'C0REVIEW01')).toContain(': `9f1c2ab` → `4e5d6f7` by dana');
  });

  it('two pushes are two cards; a repository no route names gets none', async () => {
    const other = fixture('branch-updated.json');
    const orders = { ...other, id: 'another', detail: { ...(other['detail'] as object), repositoryName: 'orders-api' } };
    const calls = await run([fixture('branch-updated.json'), fixture('branch-created.json'), orders]);
    expect(posts(calls, 'C0REVIEW01')).toHaveLength(2);
  });
});
