/**
 * CodeCommit pull request comments through the hot path: each comment is one thread reply under its
 * pull request's card (who, what they wrote, read with GetComment), sent once whatever the duplicates.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CommitsPort } from '../../functions/kernel/ports';
import { blocksToText } from '../../functions/kernel/render/text';
import { notifyEvent } from '../../functions/notify/app/notify-event';
import { createRecorder, type RecordedCall, type World } from '../../functions/platform/recording';
import { config, memoryNotifyDeps } from '../support/scenarios';

const DIR = path.resolve(__dirname, '../fixtures/codecommit');
const fixture = (name: string): Record<string, unknown> => JSON.parse(readFileSync(path.join(DIR, name), 'utf8')) as Record<string, unknown>;
const COMMENT_ID = '695b2c1d-0000-4000-8000-00000000c0de';
const REPLY_ID = '463b2c1d-0000-4000-8000-00000000c0de';
const WORLD = {
  comments: { [COMMENT_ID]: fixture('get-comment/retry-cap.json'), [REPLY_ID]: fixture('get-comment/retry-cap-reply.json') },
} as unknown as World;
const PR_URL = 'https://eu-west-1.console.aws.amazon.com/codesuite/codecommit/repositories/payments-api/pull-requests/12/details?region=eu-west-1';

const CONFIG = config(`
version: 1
routes:
  - name: code reviews
    match: { codecommit: ["payments-*"] }
    slack: { channels: [C0REVIEW01], level: all }
    email: { topics: [default], level: all }
`);

async function run(events: readonly Record<string, unknown>[], world: World = WORLD, commits?: CommitsPort): Promise<RecordedCall[]> {
  const recorder = createRecorder(world);
  const deps = memoryNotifyDeps(CONFIG, recorder, { commits: commits ?? recorder.commits });
  for (const event of events) await notifyEvent(event, deps);
  return recorder.calls;
}

const posts = (calls: RecordedCall[]) => calls.filter((c) => c.call === 'slack.chat.postMessage' && c.input['channel'] === 'C0REVIEW01');
const cards = (calls: RecordedCall[]) => posts(calls).filter((c) => !c.input['thread_ts']);
const replies = (calls: RecordedCall[]) => posts(calls).filter((c) => c.input['thread_ts']);
const mrkdwn = (call: RecordedCall | undefined) => ((call?.input['blocks'] ?? []) as { text?: { text: string } }[]).map((b) => b.text?.text).join('\n');
const readable = (call: RecordedCall | undefined) => blocksToText(call?.input['blocks'] as never, { urls: false });

describe('a comment on a pull request', () => {
  it("is one thread reply under the pull request's card: who, and what they wrote, escaped for Slack", async () => {
    const calls = await run([fixture('pr-created.json'), fixture('comment-created.json')]);
    expect(cards(calls)).toHaveLength(1);
    const [reply] = replies(calls);
    expect(replies(calls)).toHaveLength(1);
    expect(reply?.input['thread_ts']).toBe(cards(calls)[0]?.output?.['ts']);
    expect(mrkdwn(reply)).toBe(
      `💬 *lee* commented on <${PR_URL.replace(/&/g, '&amp;')}|PR #12>\n` +
        '> Should the retry cap be &lt;= 3 &amp; logged?\n> See &lt;https://example.com/rfc|the RFC&gt;.',
    );
    expect(reply?.input['text']).toBe('lee commented on PR #12');
    expect(calls.filter((c) => c.call === 'codecommit.getComment').map((c) => c.input)).toEqual([{ commentId: COMMENT_ID }]);
    // The card itself is not updated for a comment, and no email goes for one.
    expect(calls.filter((c) => c.call === 'slack.chat.update')).toEqual([]);
    expect(calls.filter((c) => c.call === 'sns.publish')).toHaveLength(1);
  });

  it('delivered three times, is replied to once and read once', async () => {
    const comment = fixture('comment-created.json');
    const calls = await run([fixture('pr-created.json'), comment, comment, comment]);
    expect(replies(calls)).toHaveLength(1);
    expect(calls.filter((c) => c.call === 'codecommit.getComment')).toHaveLength(1);
  });

  it('a reply to a comment and an edit are replies of their own; the edit is read again', async () => {
    const calls = await run([fixture('pr-created.json'), fixture('comment-created.json'), fixture('comment-reply.json'), fixture('comment-updated.json')]);
    expect(replies(calls).map(readable)).toEqual([
      expect.stringMatching(/^💬 lee commented on PR #12\n> Should the retry cap/),
      '💬 dana replied on PR #12\n> Yes: capped at 3, each retry logged.',
      expect.stringMatching(/^💬 lee edited a comment on PR #12\n> Should the retry cap/),
    ]);
    expect(calls.filter((c) => c.call === 'codecommit.getComment').map((c) => c.input['commentId'])).toEqual([COMMENT_ID, REPLY_ID, COMMENT_ID]);
  });

  it('when GetComment fails or finds nothing, still says who commented, with the link to the pull request', async () => {
    const failing: CommitsPort = { commit: async () => undefined, comment: () => Promise.reject(new Error('ThrottlingException')) };
    for (const calls of [
      await run([fixture('pr-created.json'), fixture('comment-created.json')], {}),
      await run([fixture('pr-created.json'), fixture('comment-created.json')], WORLD, failing),
    ]) {
      expect(replies(calls)).toHaveLength(1);
      expect(mrkdwn(replies(calls)[0])).toBe(`💬 *lee* commented on <${PR_URL}|PR #12>`);
    }
  });

  it('without a GetComment read at all (a port without `comment`), the reply goes the same', async () => {
    const calls = await run([fixture('pr-created.json'), fixture('comment-created.json')], WORLD, { commit: async () => undefined });
    expect(readable(replies(calls)[0])).toBe('💬 lee commented on PR #12');
  });

  it('a long comment is cut to a short excerpt', async () => {
    const long = { comment: { commentId: COMMENT_ID, content: `${'word '.repeat(200)}END`, deleted: false } };
    const calls = await run([fixture('pr-created.json'), fixture('comment-created.json')], { comments: { [COMMENT_ID]: long } } as unknown as World);
    const quote = mrkdwn(replies(calls)[0]).split('\n')[1] ?? '';
    expect(quote.length).toBeLessThanOrEqual(2 + 300);
    expect(quote.endsWith('…')).toBe(true);
    expect(quote).not.toContain('END');
  });

  it('coming before its pull request, makes the card (from the comment) and replies under it; the pull request fills the card in later', async () => {
    const calls = await run([fixture('comment-created.json'), fixture('pr-created.json'), fixture('comment-created.json')]);
    expect(cards(calls)).toHaveLength(1);
    expect(readable(cards(calls)[0])).toContain('PR #12 updated in payments-api');
    expect(replies(calls)).toHaveLength(1);
    const update = calls.filter((c) => c.call === 'slack.chat.update').at(-1);
    expect(readable(update)).toContain('PR #12 Add idempotency keys open in payments-api');
  });

  it('a comment in a repository no route names gets no card and no reply', async () => {
    const other = fixture('comment-created.json');
    const calls = await run([{ ...other, detail: { ...(other['detail'] as object), repositoryName: 'orders-api' } }]);
    expect(posts(calls)).toEqual([]);
  });
});
