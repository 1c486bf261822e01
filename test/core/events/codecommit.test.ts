/** CodeCommit pull requests and branch/tag changes: parse, normalize, pattern, routing and the cards (test/fixtures/codecommit). */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { emptyCard, merge } from '../../../functions/kernel/card/merge';
import { viewOf } from '../../../functions/kernel/card/view';
import { EventRejectedError } from '../../../functions/kernel/errors';
import { normalize } from '../../../functions/kernel/events/normalize';
import type { Observation, Subject } from '../../../functions/kernel/events/observation';
import { parseEvent } from '../../../functions/kernel/events/parse';
import { picomatchGlobs } from '../../../functions/kernel/glob-picomatch';
import { blocksToText } from '../../../functions/kernel/render/text';
import { destinationsFor, routeMatches } from '../../../functions/kernel/routing';
import { renderEmail } from '../../../functions/notify/domain/email';
import { renderCard, shortUser } from '../../../functions/notify/domain/slack-card';
import { matchesPattern } from '../../../tools/event-pattern/matcher';
import { AWS_DOCS_DIR, AWS_EVENTS_DIR, readJsonTree } from '../../support/fixtures';
import { config, SAMPLES_DIR } from '../../support/scenarios';

const DIR = path.resolve(__dirname, '../../fixtures/codecommit');
const fixture = (name: string): Record<string, unknown> => JSON.parse(readFileSync(path.join(DIR, name), 'utf8')) as Record<string, unknown>;
const ANNOUNCED = [
  'pr-created.json',
  'pr-source-updated.json',
  'pr-approved.json',
  'pr-merged.json',
  'pr-closed-unmerged.json',
  'branch-updated.json',
  'branch-created.json',
  'tag-deleted.json',
  'comment-created.json',
  'comment-reply.json',
  'comment-updated.json',
];
const NOT_ANNOUNCED = ['not-announced/unreferenced-merge-commit.json', 'not-announced/pr-approval-rule-created.json'];
const PATTERN = JSON.parse(readFileSync(path.resolve(__dirname, '../../../events/codecommit.pattern.json'), 'utf8')) as Record<string, unknown>;
const OTHER_PATTERNS = [
  'codepipeline',
  'codebuild',
  'codedeploy',
  'codeartifact',
  'alarm',
  'approval',
  'rollback',
  'governance-cloudtrail',
  'package-trigger',
  'governance-stage-started',
];
const otherPattern = (name: string) =>
  JSON.parse(readFileSync(path.resolve(__dirname, `../../../events/${name}.pattern.json`), 'utf8')) as Record<string, unknown>;

const observe = (name: string): Observation[] => normalize(parseEvent(fixture(name)));
const cardOf = (names: readonly string[]) => {
  const observations = names.flatMap(observe);
  const first = observations[0]!;
  return merge(emptyCard(first.run, first.subject), observations);
};
const text = (names: readonly string[]) => blocksToText(renderCard(cardOf(names), 'all').blocks, { urls: false });

describe('CodeCommit events (test/fixtures/codecommit, written from the user guide: SOURCES.md)', () => {
  it.each(ANNOUNCED)('%s parses, normalizes and renders for Slack and email', (name) => {
    const observations = observe(name);
    expect(observations.length).toBeGreaterThan(0);
    const card = cardOf([name]);
    for (const level of ['all', 'status-changes', 'failures'] as const) {
      const message = renderCard(card, level);
      expect(message.text.length).toBeGreaterThan(0);
      expect(blocksToText(message.blocks, { urls: false })).not.toMatch(/undefined|\[object Object\]|NaN/);
    }
    const email = renderEmail(card, 'arn:aws:sns:eu-west-1:111122223333:t', { failures: [] });
    expect(email.subject).not.toMatch(/undefined|[\r\n]/);
  });

  it('a pull request event names one card per pull request, routed by its CodeCommit repository', () => {
    const keys = ['pr-created.json', 'pr-source-updated.json', 'pr-approved.json', 'pr-merged.json'].flatMap(observe).map((o) => o.run);
    expect(new Set(keys.map((k) => k.key))).toEqual(new Set(['pull-request/111122223333/eu-west-1/payments-api/12']));
    expect(keys.every((k) => k.kind === 'pull-request')).toBe(true);
    const [created] = observe('pr-created.json');
    expect(created?.subject).toEqual({ account: '111122223333', region: 'eu-west-1', codecommit: 'payments-api' });
    expect(created?.fact).toEqual({
      type: 'pull-request',
      pullRequestId: '12',
      repository: 'payments-api',
      state: 'OPEN',
      event: 'pullRequestCreated',
      title: 'Add idempotency keys',
      source: 'feature/idempotency',
      destination: 'main',
      sourceCommit: '1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d',
      author: 'arn:aws:iam::111122223333:user/dana',
      caller: 'arn:aws:iam::111122223333:user/dana',
    });
    expect(observe('pr-merged.json')[0]?.fact).toMatchObject({ state: 'MERGED' });
    expect(observe('pr-closed-unmerged.json')[0]?.fact).toMatchObject({ state: 'CLOSED', pullRequestId: '13' });
  });

  it('an approval event also records who approved', () => {
    const facts = observe('pr-approved.json').map((o) => o.fact);
    expect(facts).toHaveLength(2);
    expect(facts[1]).toEqual({
      type: 'pull-request-approval',
      pullRequestId: '12',
      approver: 'arn:aws:sts::111122223333:assumed-role/Reviewer/lee',
      state: 'APPROVE',
    });
  });

  it('a branch or tag change is a card of its own, keyed by the commit', () => {
    const [updated] = observe('branch-updated.json');
    expect(updated?.run).toEqual({
      kind: 'reference',
      key: 'reference/111122223333/eu-west-1/payments-api/branch/main@4e5d6f708192a3b4c5d6e7f8091a2b3c4d5e6f70',
    });
    expect(updated?.fact).toMatchObject({
      type: 'reference',
      state: 'UPDATED',
      referenceName: 'main',
      oldCommitId: '9f1c2ab4d5e6f708192a3b4c5d6e7f8091a2b3c4',
    });
    expect(observe('tag-deleted.json')[0]?.run.key).toBe(
      'reference/111122223333/eu-west-1/payments-api/tag/v1.4.0-rc1@deleted-2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e',
    );
  });

  it('an unreferenced merge commit (no reference) is rejected', () => {
    expect(() => parseEvent(fixture('not-announced/unreferenced-merge-commit.json'))).toThrow(EventRejectedError);
  });

  it("a comment on a pull request (once not read: now announced) joins that pull request's card, one entity per comment and per edit", () => {
    const [created] = observe('comment-created.json');
    expect(created?.run).toEqual({ kind: 'pull-request', key: 'pull-request/111122223333/eu-west-1/payments-api/12' });
    expect(created?.subject).toEqual({ account: '111122223333', region: 'eu-west-1', codecommit: 'payments-api' });
    expect(created?.fact).toEqual({
      type: 'pull-request-comment',
      pullRequestId: '12',
      commentId: '695b2c1d-0000-4000-8000-00000000c0de',
      state: 'CREATED',
      caller: 'arn:aws:sts::111122223333:assumed-role/Reviewer/lee',
    });
    expect(observe('comment-reply.json')[0]?.fact).toMatchObject({
      inReplyTo: '695b2c1d-0000-4000-8000-00000000c0de',
      caller: 'arn:aws:iam::111122223333:user/dana',
    });
    expect(observe('comment-updated.json')[0]?.fact).toMatchObject({ state: 'UPDATED', at: '2026-03-03T09:20:00.000Z' });
    const card = cardOf(['pr-created.json', 'comment-created.json', 'comment-reply.json', 'comment-updated.json', 'comment-created.json']);
    expect(Object.keys(card.facts).filter((k) => k.startsWith('comment:'))).toEqual([
      'comment:695b2c1d-0000-4000-8000-00000000c0de',
      'comment:463b2c1d-0000-4000-8000-00000000c0de',
      'comment:695b2c1d-0000-4000-8000-00000000c0de@2026-03-03T09:20:00.000Z',
    ]);
    // The card itself does not change for a comment: the reply says it (test/app/codecommit-comments.test.ts).
    expect(text(['pr-created.json', 'comment-created.json'])).toBe(text(['pr-created.json']));
  });
});

describe('the cards', () => {
  it('a pull request: title, state, branches, author and approvals; merged reads succeeded', () => {
    const events = ['pr-created.json', 'pr-source-updated.json', 'pr-approved.json', 'pr-merged.json'];
    expect(text(events.slice(0, 1))).toContain('⏳ PR #12 Add idempotency keys open in payments-api');
    const merged = text(events);
    expect(merged).toContain('✅ PR #12 Add idempotency keys merged in payments-api');
    expect(merged).toContain('feature/idempotency → main');
    expect(merged).toContain('approved by lee');
    expect(merged).toContain('by dana');
    expect(merged).toContain('source 2b3c4d5');
    expect(viewOf(cardOf(events)).outcome).toBe('succeeded');
    // Any order gives the same card: merged stays merged.
    expect(text([...events].reverse())).toBe(merged);
  });

  it('a pull request closed without a merge reads stopped; an open one running', () => {
    expect(viewOf(cardOf(['pr-closed-unmerged.json'])).outcome).toBe('stopped');
    expect(text(['pr-closed-unmerged.json'])).toContain('⏹ PR #13 Try a new retry policy closed in payments-api');
    expect(viewOf(cardOf(['pr-created.json'])).outcome).toBe('running');
  });

  it('a branch update: "branch main updated in payments-api: 9f1c2ab → 4e5d6f7 by dana"', () => {
    expect(text(['branch-updated.json'])).toContain('branch main updated in payments-api: 9f1c2ab → 4e5d6f7 by dana');
    expect(text(['branch-created.json'])).toContain('branch feature/idempotency created in payments-api at 1a2b3c4 by dana');
    expect(text(['tag-deleted.json'])).toContain('tag v1.4.0-rc1 deleted in payments-api (was 2b3c4d5)');
  });

  it('shortens IAM and STS ARNs to the person', () => {
    expect(shortUser('arn:aws:sts::111122223333:assumed-role/Admin/Mary_Major')).toBe('Mary_Major');
    expect(shortUser('arn:aws:iam::111122223333:user/dana')).toBe('dana');
    expect(shortUser('arn:aws:iam::111122223333:root')).toBe('root');
  });
});

describe('routing: only routes with `codecommit` announce CodeCommit', () => {
  const cfg = config(`
version: 1
routes:
  - name: everything
    match: {}
    slack: { channels: [C0ALL00001] }
  - name: code reviews
    match: { codecommit: ["payments-*"] }
    slack: { channels: [C0REVIEW01] }
  - name: artifacts
    match: { repositories: ["payments-*"] }
    slack: { channels: [C0ARTIF001] }
`);
  const globs = picomatchGlobs();
  const subject: Subject = { account: '111122223333', region: 'eu-west-1', codecommit: 'payments-api' };

  it.each(['pull-request', 'reference'] as const)('a %s reaches the codecommit route only, not the catch-all nor CodeArtifact repositories', (kind) => {
    expect(destinationsFor(cfg, kind, subject, globs).slack.map((s) => s.channel)).toEqual(['C0REVIEW01']);
    expect(destinationsFor(cfg, kind, { ...subject, codecommit: 'orders-api' }, globs).slack).toEqual([]);
  });

  it('a codecommit route does not take pipelines or packages', () => {
    const route = cfg.routes[1]!;
    expect(routeMatches(route, 'pipeline', { account: '111122223333', region: 'eu-west-1', pipeline: 'payments-api' }, globs)).toBe(false);
    expect(routeMatches(route, 'package', { account: '111122223333', region: 'eu-west-1', repository: 'payments-api' }, globs)).toBe(false);
  });
});

describe('events/codecommit.pattern.json', () => {
  it.each(ANNOUNCED)('matches %s, and no other notify or governance pattern does', (name) => {
    expect(matchesPattern(PATTERN, fixture(name))).toBe(true);
    expect(OTHER_PATTERNS.filter((p) => matchesPattern(otherPattern(p), fixture(name)))).toEqual([]);
  });

  it.each(NOT_ANNOUNCED)('does not match %s', (name) => {
    expect(matchesPattern(PATTERN, fixture(name))).toBe(false);
  });

  it('matches none of the other sample events (real, documented and replay samples)', () => {
    const samples = [...readJsonTree(AWS_EVENTS_DIR), ...readJsonTree(AWS_DOCS_DIR), ...readJsonTree(SAMPLES_DIR).filter(([f]) => !f.endsWith('world.json'))];
    expect(samples.length).toBeGreaterThan(20);
    expect(samples.filter(([, event]) => matchesPattern(PATTERN, event)).map(([f]) => f)).toEqual([]);
  });
});
