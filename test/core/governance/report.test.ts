/**
 * Governance reports as people read them: the Slack report (Block Kit) and its thread, the email,
 * and the freeze message with its break-glass buttons, within Slack's and SNS's limits.
 */
import { describe, expect, it } from 'vitest';
import type { TransitionAction } from '../../../functions/governance/domain/enforcement';
import type { Violation } from '../../../functions/governance/domain/evaluate';
import {
  actionLine,
  BYPASS_ACTION,
  byResource,
  MAX_THREAD_REPLIES,
  renderFreezeActions,
  renderReport,
  renderReportEmail,
  renderResource,
  renderThread,
} from '../../../functions/governance/domain/report';
import { validateMessage } from '../../../tools/block-kit/validate';

const v = (name: string, ruleId: string, severity: Violation['severity'] = 'error', extra: Partial<Violation> = {}): Violation => ({
  ruleId,
  rule: ruleId,
  severity,
  mode: 'report',
  resource: { kind: 'pipeline', name },
  message: `${ruleId} is broken in ${name}`,
  ...extra,
});
const disable = (pipeline: string, stage = 'Prod'): TransitionAction => ({
  action: 'disable',
  pipeline,
  stage,
  reason: `pipeline-warden - freeze year-end until 2027-01-04 08.00 Europe-Berlin`,
});
type Block = {
  type: string;
  text?: { text: string };
  block_id?: string;
  elements?: Array<Record<string, unknown> & { action_id: string; value: string; text: { text: string } }>;
};
const blocksOf = (m: { blocks: readonly Record<string, unknown>[] }) => m.blocks as unknown as Block[];

describe('renderReport', () => {
  it.each([
    ['all comply', [], '✅ Pipeline policy · daily audit: all 12 resources comply'],
    [
      'errors and warnings',
      [v('a', 'r1'), v('a', 'r2', 'warning'), v('b', 'r3', 'info')],
      '⛔ Pipeline policy · daily audit: 2 of 12 resources violate it (1 error, 2 other)',
    ],
    ['warnings only', [v('a', 'r2', 'warning')], '⚠️ Pipeline policy · daily audit: 1 of 12 resources violate it (0 errors, 1 other)'],
  ] as const)('headline when %s', (_what, violations, headline) => {
    const message = renderReport({ what: 'daily audit', checked: 12, violations, actions: [] });
    expect(message.text).toBe(headline);
    expect(blocksOf(message)[0]?.text?.text).toBe(`*${headline}*`);
  });

  it('lists resources with errors first, each with its rule ids, then the transition changes; names are escaped', () => {
    const message = renderReport({
      what: 'change to <web>',
      checked: 3,
      violations: [v('z-warn', 'approval-timeout', 'warning'), v('a&b', 'production-approval'), v('a&b', 'pipeline-type-v2', 'warning')],
      actions: [disable('a&b')],
    });
    const [, list, actions] = blocksOf(message);
    // The fallback text is read as mrkdwn too (notifications): escaped like the blocks.
    expect(message.text).toContain('change to &lt;web&gt;');
    expect(blocksOf(message)[0]?.text?.text).toContain('change to &lt;web&gt;');
    expect(list?.text?.text).toBe('⛔ pipeline a&amp;b: `production-approval`, `pipeline-type-v2`\n⚠️ pipeline z-warn: `approval-timeout`');
    expect(actions?.text?.text).toBe('🔒 closed the way into *Prod* of *a&amp;b* (pipeline-warden - freeze year-end until 2027-01-04 08.00 Europe-Berlin)');
  });

  it("keeps every section within Slack's 3000 characters", () => {
    const many = Array.from({ length: 400 }, (_, i) => v(`pipeline-with-a-long-name-${i}`, 'production-approval'));
    for (const block of blocksOf(renderReport({ what: 'daily audit', checked: 400, violations: many, actions: [] })))
      expect(block.text!.text.length).toBeLessThanOrEqual(3000);
  });

  it.each([40, 400])('a report of %i violating resources is a message Slack accepts (tools/block-kit)', (n) => {
    const many = Array.from({ length: n }, (_, i) => v(`pipeline-with-a-long-name-${i}`, i % 2 ? 'production-approval' : 'pipeline-type-v2'));
    expect(validateMessage(renderReport({ what: 'daily audit', checked: n, violations: many, actions: [] }))).toEqual({ ok: true });
  });
});

describe('the thread', () => {
  it('has one reply per violating resource, each violation with its mode and stage', () => {
    const replies = renderThread([
      v('web', 'production-approval', 'error', { mode: 'enforce', stage: 'Prod' }),
      v('web', 'approval-timeout', 'warning'),
      v('api', 'pipeline-type-v2', 'info', { resource: { kind: 'project', name: 'api' } }),
    ]);
    expect(replies.map((r) => r.text)).toEqual(['pipeline web: 2 violation(s)', 'project api: 1 violation(s)']);
    expect(blocksOf(replies[0]!)[0]?.text?.text).toBe(
      '*pipeline web*\n⛔ `production-approval` [enforce] · stage Prod: production-approval is broken in web\n⚠️ `approval-timeout`: approval-timeout is broken in web',
    );
  });

  it(`stops at ${MAX_THREAD_REPLIES} replies and says how many more there are`, () => {
    const violations = Array.from({ length: MAX_THREAD_REPLIES + 7 }, (_, i) => v(`p${String(i).padStart(3, '0')}`, 'production-approval'));
    const replies = renderThread(violations);
    expect(replies).toHaveLength(MAX_THREAD_REPLIES + 1);
    expect(replies.at(-1)?.text).toMatch(/^…and 7 more resources with violations: the email report lists every one/);
    expect(renderThread(violations.slice(0, MAX_THREAD_REPLIES))).toHaveLength(MAX_THREAD_REPLIES);
  });

  it('groups by kind and name, so a pipeline and a project of one name are two resources', () => {
    const groups = byResource([v('web', 'a'), v('web', 'b', 'error', { resource: { kind: 'project', name: 'web' } })]);
    expect(groups.map(([name]) => name)).toEqual(['pipeline web', 'project web']);
    expect(renderResource('pipeline web', []).text).toBe('pipeline web: 0 violation(s)');
  });
});

describe('renderReportEmail', () => {
  it('has a one-line subject of at most 100 characters and every resource in the body, in plain text', () => {
    const email = renderReportEmail(
      {
        what: `change to ${'x'.repeat(120)}\nsecond line`,
        checked: 2,
        violations: [v('my_pipeline', 'production-approval', 'error', { mode: 'enforce', stage: 'Prod' })],
        actions: [disable('my_pipeline')],
      },
      'arn:aws:sns:eu-west-1:123456789012:t',
    );
    expect(email.topicArn).toBe('arn:aws:sns:eu-west-1:123456789012:t');
    expect(email.subject.length).toBeLessThanOrEqual(100);
    expect(email.subject).not.toMatch(/[\r\n]/);
    expect(email.body).toContain('pipeline my_pipeline\n  error production-approval [enforce] (stage Prod): production-approval is broken in my_pipeline');
    // Plain text: underscores and names survive, no mrkdwn bold.
    expect(email.body).toContain('Stage transitions:\n  🔒 closed the way into Prod of my_pipeline (pipeline-warden - freeze year-end');
    expect(email.body).not.toContain('*');
  });

  it('lists all resources, beyond what the Slack thread shows', () => {
    const violations = Array.from({ length: MAX_THREAD_REPLIES + 5 }, (_, i) => v(`p${i}`, 'production-approval'));
    const email = renderReportEmail({ what: 'daily audit', checked: 50, violations, actions: [] }, 'arn');
    expect(email.body.match(/^pipeline p\d+$/gm)).toHaveLength(MAX_THREAD_REPLIES + 5);
  });
});

describe('actionLine', () => {
  it.each<[TransitionAction, string]>([
    [
      { action: 'enable', pipeline: 'p', stage: 'Prod', was: 'pipeline-warden - rule x' },
      '🔓 reopened the way into *Prod* of *p* (it had been closed: pipeline-warden - rule x)',
    ],
    [
      { action: 'release', pipeline: 'p', stage: 'Prod', reason: 'pipeline-warden - rule x' },
      '👀 *Prod* of *p* was reopened by a person while it should be closed (pipeline-warden - rule x); left open',
    ],
    [{ action: 'forget', pipeline: 'p', stage: 'Prod', why: 'it is open again' }, 'ℹ️ *Prod* of *p*: no longer managed by pipeline-warden (it is open again)'],
  ])('%j', (action, line) => {
    expect(actionLine(action)).toBe(line);
  });
});

describe('renderFreezeActions (the freeze message)', () => {
  it('has a confirmed "let one execution in" button only for stages a break-glass freeze closed', () => {
    const actions: TransitionAction[] = [disable('web'), disable('api'), { action: 'enable', pipeline: 'old', stage: 'Prod', was: 'x' }];
    const message = renderFreezeActions(
      actions,
      new Map([
        ['web/Prod', 'year-end'],
        ['old/Prod', 'year-end'],
      ]),
    );
    const buttons = blocksOf(message)
      .filter((b) => b.type === 'actions')
      .flatMap((b) => b.elements ?? []);
    expect(buttons).toHaveLength(1);
    const [button] = buttons;
    expect(button?.action_id.startsWith(`${BYPASS_ACTION}:`)).toBe(true);
    expect(JSON.parse(button!.value)).toEqual({ pipeline: 'web', stage: 'Prod', freeze: 'year-end' });
    expect(button?.text.text).toBe('Let one execution into web › Prod');
    expect(button?.['confirm']).toMatchObject({ title: { text: 'Break the freeze?' }, confirm: { text: 'Let one in' }, deny: { text: 'Cancel' } });
    expect(blocksOf(message)[0]?.text?.text.split('\n')).toHaveLength(3);
  });

  it("stays within Slack's limits: 25 elements per actions block, unique action ids, button text ≤ 75, value ≤ 2000", () => {
    const actions = Array.from({ length: 60 }, (_, i) => disable(`a-very-long-pipeline-name-for-the-payments-platform-${i}`, 'Production-eu-west-1'));
    const message = renderFreezeActions(actions, new Map(actions.map((a) => [`${a.pipeline}/${a.stage}`, 'year-end'])));
    const blocks = blocksOf(message).filter((b) => b.type === 'actions');
    expect(blocks.map((b) => b.elements?.length)).toEqual([25, 25, 10]);
    const ids = blocks.flatMap((b) => b.elements!.map((e) => e.action_id));
    expect(new Set(ids).size).toBe(60);
    expect(new Set(blocks.map((b) => b.block_id)).size).toBe(3);
    for (const e of blocks.flatMap((b) => b.elements!)) {
      expect(e.text.text.length).toBeLessThanOrEqual(75);
      expect(e.value.length).toBeLessThanOrEqual(2000);
    }
  });

  it('without break-glass there is no button at all', () => {
    expect(blocksOf(renderFreezeActions([disable('web')])).map((b) => b.type)).toEqual(['section']);
  });
});
