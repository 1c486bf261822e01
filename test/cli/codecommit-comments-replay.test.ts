/** `warden replay` of a pull request and a comment on it (test/fixtures/codecommit): the card, then one thread reply under it. */
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { warden } from '../support/warden-cli';

const FIXTURES = path.resolve(__dirname, '../fixtures/codecommit');

/** A scenario folder: the pull request created, a comment on it, and that comment delivered again. */
function scenario(): { dir: string; config: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'warden-comments-'));
  copyFileSync(path.join(FIXTURES, 'pr-created.json'), path.join(dir, '01-pr-created.json'));
  copyFileSync(path.join(FIXTURES, 'comment-created.json'), path.join(dir, '02-comment.json'));
  copyFileSync(path.join(FIXTURES, 'comment-created.json'), path.join(dir, '03-comment-again.json'));
  const config = path.join(mkdtempSync(path.join(tmpdir(), 'warden-comments-config-')), 'warden.yml');
  writeFileSync(
    config,
    [
      'version: 1',
      'routes:',
      '  - name: code reviews',
      '    match: { codecommit: ["payments-*"] }',
      '    slack: { channels: [C0REVIEW01], level: all }',
      '',
    ].join('\n'),
  );
  return { dir, config };
}

describe('warden replay: a comment on a pull request', () => {
  it('shows the card, then one thread reply naming who commented, whatever the duplicates', () => {
    const { dir, config } = scenario();
    const { code, stdout } = warden('replay', '--config', config, dir);
    expect(code).toBe(0);
    expect(stdout).toContain('⏳ PR #12 Add idempotency keys open in payments-api');
    // The world file has no comments to answer GetComment with: the reply says who commented, without the text.
    expect(stdout).toContain('codecommit.getComment {"commentId":"695b2c1d-0000-4000-8000-00000000c0de"}');
    expect(stdout).toMatch(/Slack C0REVIEW01 · thread reply\n\s+│ 💬 lee commented on PR #12\n/);
    expect(stdout).toContain('3 events replayed, 0 rejected · Slack: 1 card posted, 0 updates, 1 thread reply · 0 emails');
  });

  it("--json: the reply is in the card's thread and links the pull request", () => {
    const { dir, config } = scenario();
    const { code, stdout } = warden('replay', '--json', '--config', config, dir);
    expect(code).toBe(0);
    const calls = stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { call: string; input: Record<string, unknown>; output?: Record<string, unknown> });
    const posts = calls.filter((c) => c.call === 'slack.chat.postMessage');
    expect(posts).toHaveLength(2);
    const [card, reply] = posts;
    expect(card?.input['thread_ts']).toBeUndefined();
    expect(reply?.input['thread_ts']).toBeDefined();
    expect(reply?.input['text']).toBe('lee commented on PR #12');
    expect(JSON.stringify(reply?.input['blocks'])).toContain(
      '💬 *lee* commented on <https://eu-west-1.console.aws.amazon.com/codesuite/codecommit/repositories/payments-api/pull-requests/12/details?region=eu-west-1|PR #12>',
    );
  });
});

describe('warden replay: a comment answered by the --world file', () => {
  it("the reply quotes the comment's text (shown as Slack shows it)", () => {
    const { dir, config } = scenario();
    const world = path.join(dir, '..', `${path.basename(dir)}.world.json`);
    const comment = JSON.parse(readFileSync(path.join(FIXTURES, 'get-comment/retry-cap.json'), 'utf8')) as { comment: { commentId: string } };
    writeFileSync(world, JSON.stringify({ comments: { [comment.comment.commentId]: comment } }));
    const { code, stdout, stderr } = warden('replay', '--config', config, '--world', world, dir);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toMatch(
      /│ 💬 lee commented on PR #12\n\s+│ > Should the retry cap be <= 3 & logged\?\n\s+│ > See <https:\/\/example.com\/rfc\|the RFC>\.\n/,
    );
    expect(stdout).toContain('1 thread reply');
  });

  it('refuses a comment entry with a key get-comment does not print, naming its path', () => {
    const { dir, config } = scenario();
    const world = path.join(dir, '..', `${path.basename(dir)}.bad.world.json`);
    writeFileSync(world, JSON.stringify({ comments: { c1: { comment: { content: 'x' }, extra: 1 } } }));
    const { code, stderr } = warden('replay', '--config', config, '--world', world, dir);
    expect(code).not.toBe(0);
    expect(stderr).toContain('comments.c1');
  });
});
