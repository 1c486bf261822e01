/**
 * Output that cannot be turned against its readers (security review, issue 10 finding 11): every
 * value from an event or a resource name is escaped for Slack's mrkdwn (Slack, "Formatting text":
 * `&`, `<`, `>` as HTML entities) in the blocks AND in the fallback `text`, links take only http(s)
 * URLs without the characters Slack's link syntax cannot hold, and the fallback text is capped.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderReport, renderThread } from '../../../functions/governance/domain/report';
import { emptyCard, merge } from '../../../functions/kernel/card/merge';
import type { RunCard } from '../../../functions/kernel/card/types';
import { normalize } from '../../../functions/kernel/events/normalize';
import { parseEvent } from '../../../functions/kernel/events/parse';
import { clip, esc, fallbackText, link, MAX_FALLBACK_TEXT, plainFallback, slackUrl } from '../../../functions/kernel/render/format';
import { renderCard } from '../../../functions/notify/domain/slack-card';
import { renderFailure } from '../../../functions/notify/domain/slack-thread';
import { renderRollback, renderRollbackEmail } from '../../../functions/rollback/domain/render';

const INJECT = '<!channel> <@U0ATTACKER> <https://evil.example|click>';
/** What must never reach Slack unescaped: a mention, a broadcast, or a link we did not make. */
const RAW_CONTROL = /<[!@#]|<https:\/\/evil/;

const sample = (file: string) => JSON.parse(readFileSync(`events/samples/${file}`, 'utf8')) as Record<string, any>;
const cardOf = (raw: unknown): RunCard => {
  const observations = normalize(parseEvent(raw));
  return merge(emptyCard(observations[0]!.run, observations[0]!.subject), observations);
};
const everyText = (m: { text: string; blocks: readonly unknown[] }) => [m.text, JSON.stringify(m.blocks)];

describe('link()', () => {
  it.each([
    ['a | ends the URL and starts a label of the attacker', 'https://ci.example/run|<!channel>'],
    ['a > ends the link, the rest is mrkdwn', 'https://ci.example/run><!channel>'],
    ['a < opens a second link', 'https://ci.example/<!here>'],
    ['whitespace', 'https://ci.example/a b\n<!channel>'],
  ])('%s: percent-encoded, one link, no mention', (_what, url) => {
    const out = link(url, 'details');
    expect(out).toMatch(/^<https:\/\/ci\.example\/[^<>|]*\|details>$/);
    expect(out).not.toMatch(RAW_CONTROL);
  });

  it.each(['javascript:alert(1)', 'slack://channel?id=C1', 'ftp://x.example/a', 'not a url', '//evil.example/x', 'https://'])(
    'only http(s): %s is shown as the label alone',
    (url) => {
      expect(link(url, '<b>')).toBe('&lt;b&gt;');
    },
  );

  it("keeps a good URL, with & as Slack's entity, and escapes the label", () => {
    expect(link('https://eu-west-1.console.aws.amazon.com/x?a=1&b=2#frag', 'a & <b>')).toBe(
      '<https://eu-west-1.console.aws.amazon.com/x?a=1&amp;b=2#frag|a &amp; &lt;b&gt;>',
    );
    expect(slackUrl(`https://x.example/${'a'.repeat(3_000)}`)).toBeUndefined();
  });
});

describe('fallback text', () => {
  it('keeps the escapes (Slack parses `text` too) and is capped', () => {
    expect(fallbackText(`*${link('https://x.example', 'web')}* failed: ${esc(INJECT)}`)).toBe(
      'web failed: &lt;!channel&gt; &lt;@U0ATTACKER&gt; &lt;https://evil.example|click&gt;',
    );
    expect(plainFallback(INJECT)).not.toMatch(RAW_CONTROL);
    expect(fallbackText('x'.repeat(50_000)).length).toBe(MAX_FALLBACK_TEXT);
  });

  it('never cuts a surrogate pair in half', () => {
    expect(clip('ab🚀cd', 4)).toBe('ab…');
  });
});

describe('run cards and thread replies', () => {
  it('an alarm named <!channel>: not in the card, not in its fallback text (plain() decoded it)', () => {
    const raw = sample('06-rollback-pipeline/04-alarm-5xx.json');
    raw['detail'].alarmName = INJECT;
    const message = renderCard(cardOf(raw), 'all');
    for (const text of everyText(message)) expect(text).not.toMatch(RAW_CONTROL);
    expect(message.text).toContain('&lt;!channel&gt;');
  });

  it('a package named <!channel> at version <!here>', () => {
    const raw = sample('03-codeartifact-publish/01-package-version-published.json');
    Object.assign(raw['detail'], { packageName: '<!channel>', packageVersion: '<!here>', repositoryName: INJECT, packageNamespace: '<@U0X>' });
    for (const text of everyText(renderCard(cardOf(raw), 'all'))) expect(text).not.toMatch(RAW_CONTROL);
  });

  it('a pipeline, execution id, account and region that carry mrkdwn, and an external execution URL with | and >', () => {
    const raw = sample('02-pipeline-deploys/10-action-build-succeeded.json');
    Object.assign(raw, { account: '<!here>', region: '<!channel>' });
    Object.assign(raw['detail'], { pipeline: INJECT, 'execution-id': '<!here>', state: 'FAILED' });
    raw['detail']['execution-result'] = {
      'external-execution-id': '<!here>',
      'external-execution-url': 'https://ci.example/x|<!channel>',
      'external-execution-summary': INJECT,
    };
    const card = cardOf(raw);
    for (const text of everyText(renderCard(card, 'all'))) expect(text).not.toMatch(RAW_CONTROL);
    const failure = Object.values(card.facts).find((f) => f.fact.type === 'action')!;
    for (const text of everyText(renderFailure(card, failure, { mentions: [], logLines: [INJECT] }))) expect(text).not.toMatch(RAW_CONTROL);
  });

  it("the config's mentions are the only ones a thread reply carries", () => {
    const raw = sample('02-pipeline-deploys/10-action-build-succeeded.json');
    Object.assign(raw['detail'], { state: 'FAILED', action: INJECT });
    const card = cardOf(raw);
    const reply = renderFailure(card, Object.values(card.facts).find((f) => f.fact.type === 'action')!, { mentions: ['S0ONCALL1', 'here'], logLines: [] });
    expect(JSON.stringify(reply.blocks).match(/<[!@][^>]*>/g)).toEqual(['<!subteam^S0ONCALL1>', '<!here>']);
    expect(reply.text).not.toMatch(RAW_CONTROL);
  });
});

describe('rollback and governance messages', () => {
  const alarm = { name: INJECT, account: '123456789012', region: 'eu-west-1', time: '2026-11-23T10:30:00.000Z' };

  it('a rollback names its alarm escaped, in blocks and text; the email keeps the name as it is', () => {
    const report = { alarm, target: { kind: 'codedeploy' as const, application: '<!here>', deploymentGroup: 'prod' }, guard: 'web' };
    for (const text of everyText(renderRollback(report, 'ended'))) expect(text).not.toMatch(RAW_CONTROL);
    expect(renderRollbackEmail(report, 'arn:aws:sns:eu-west-1:123456789012:t').subject).toContain('<!channel>');
  });

  it('a governance report and its thread about a resource named <!channel>', () => {
    const v = {
      ruleId: 'production-approval',
      rule: 'production-approval',
      severity: 'error' as const,
      mode: 'report' as const,
      resource: { kind: 'pipeline' as const, name: INJECT },
      message: INJECT,
    };
    const input = { what: `change to ${INJECT}`, checked: 1, violations: [v], actions: [] };
    for (const message of [renderReport(input), ...renderThread(input.violations)])
      for (const text of everyText(message)) expect(text).not.toMatch(RAW_CONTROL);
  });
});
