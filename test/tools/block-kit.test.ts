import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PermanentError } from '../../functions/kernel/errors';
import { createSlackPort } from '../../functions/platform/slack';
import { validateMessage } from '../../tools/block-kit/validate';
import { type SlackServer, startSlackServer } from '../support/slack-server';

type Block = Record<string, unknown>;

const str = (n: number, c = 'a') => c.repeat(n);
const plain = (text: string) => ({ type: 'plain_text', text });
const mrkdwn = (text: string) => ({ type: 'mrkdwn', text });
const section = (text: string): Block => ({ type: 'section', text: mrkdwn(text) });
const button = (extra: Block = {}): Block => ({ type: 'button', action_id: 'go', text: plain('Go'), ...extra });
const actions = (...elements: Block[]): Block => ({ type: 'actions', elements });
const withBlocks = (...blocks: Block[]) => ({ text: 'fallback', blocks });
const confirm = (extra: Block = {}): Block => ({ title: plain('Sure?'), text: mrkdwn('Really.'), confirm: plain('Yes'), deny: plain('No'), ...extra });
const image = (extra: Block = {}): Block => ({ type: 'image', image_url: 'https://example.com/a.png', alt_text: 'a', ...extra });
const input = (extra: Block = {}): Block => ({
  type: 'input',
  label: plain('Comment'),
  element: { type: 'plain_text_input', action_id: 'comment' },
  ...extra,
});

const problemsOf = (message: { text?: unknown; blocks?: unknown }, options?: { strictLinks?: boolean }): string[] => {
  const result = validateMessage(message, options);
  return result.ok ? [] : result.problems;
};

interface Limit {
  readonly name: string;
  readonly limit: number;
  /** The JSON path the problem names. */
  readonly path: string;
  /** A message whose limited value has `n` characters or items; valid in every other respect. */
  readonly build: (n: number) => { text?: string; blocks?: Block[] };
  /** What a value over the limit is refused with (default invalid_blocks). */
  readonly error?: string;
}

const LIMITS: readonly Limit[] = [
  { name: 'blocks in a message', limit: 50, path: 'blocks', build: (n) => withBlocks(...Array.from({ length: n }, () => ({ type: 'divider' }))) },
  { name: 'message text', limit: 40_000, path: 'text', build: (n) => ({ text: str(n) }), error: 'msg_too_long' },
  { name: 'block_id', limit: 255, path: 'blocks[0].block_id', build: (n) => withBlocks({ type: 'divider', block_id: str(n) }) },
  { name: 'section text', limit: 3_000, path: 'blocks[0].text.text', build: (n) => withBlocks(section(str(n))) },
  {
    name: 'section fields',
    limit: 10,
    path: 'blocks[0].fields',
    build: (n) => withBlocks({ type: 'section', fields: Array.from({ length: n }, () => mrkdwn('x')) }),
  },
  { name: 'section field text', limit: 2_000, path: 'blocks[0].fields[0].text', build: (n) => withBlocks({ type: 'section', fields: [mrkdwn(str(n))] }) },
  { name: 'header text', limit: 150, path: 'blocks[0].text.text', build: (n) => withBlocks({ type: 'header', text: plain(str(n)) }) },
  {
    name: 'context elements',
    limit: 10,
    path: 'blocks[0].elements',
    build: (n) => withBlocks({ type: 'context', elements: Array.from({ length: n }, () => mrkdwn('x')) }),
  },
  { name: 'context text', limit: 3_000, path: 'blocks[0].elements[0].text', build: (n) => withBlocks({ type: 'context', elements: [plain(str(n))] }) },
  {
    name: 'context image url',
    limit: 3_000,
    path: 'blocks[0].elements[0].image_url',
    build: (n) => withBlocks({ type: 'context', elements: [{ type: 'image', image_url: str(n), alt_text: 'a' }] }),
  },
  {
    name: 'actions elements',
    limit: 25,
    path: 'blocks[0].elements',
    build: (n) => withBlocks(actions(...Array.from({ length: n }, (_, i) => button({ action_id: `go-${i}` })))),
  },
  { name: 'button text', limit: 75, path: 'blocks[0].elements[0].text.text', build: (n) => withBlocks(actions(button({ text: plain(str(n)) }))) },
  { name: 'button action_id', limit: 255, path: 'blocks[0].elements[0].action_id', build: (n) => withBlocks(actions(button({ action_id: str(n) }))) },
  { name: 'button value', limit: 2_000, path: 'blocks[0].elements[0].value', build: (n) => withBlocks(actions(button({ value: str(n) }))) },
  { name: 'button url', limit: 3_000, path: 'blocks[0].elements[0].url', build: (n) => withBlocks(actions(button({ url: str(n) }))) },
  {
    name: 'button accessibility_label',
    limit: 75,
    path: 'blocks[0].elements[0].accessibility_label',
    build: (n) => withBlocks(actions(button({ accessibility_label: str(n) }))),
  },
  {
    name: 'confirm title',
    limit: 100,
    path: 'blocks[0].elements[0].confirm.title.text',
    build: (n) => withBlocks(actions(button({ confirm: confirm({ title: plain(str(n)) }) }))),
  },
  {
    name: 'confirm text',
    limit: 300,
    path: 'blocks[0].elements[0].confirm.text.text',
    build: (n) => withBlocks(actions(button({ confirm: confirm({ text: mrkdwn(str(n)) }) }))),
  },
  {
    name: 'confirm button',
    limit: 30,
    path: 'blocks[0].elements[0].confirm.confirm.text',
    build: (n) => withBlocks(actions(button({ confirm: confirm({ confirm: plain(str(n)) }) }))),
  },
  {
    name: 'deny button',
    limit: 30,
    path: 'blocks[0].elements[0].confirm.deny.text',
    build: (n) => withBlocks(actions(button({ confirm: confirm({ deny: plain(str(n)) }) }))),
  },
  {
    name: 'section accessory button value',
    limit: 2_000,
    path: 'blocks[0].accessory.value',
    build: (n) => withBlocks({ ...section('x'), accessory: button({ value: str(n) }) }),
  },
  { name: 'image block url', limit: 3_000, path: 'blocks[0].image_url', build: (n) => withBlocks(image({ image_url: str(n) })) },
  { name: 'image block alt_text', limit: 2_000, path: 'blocks[0].alt_text', build: (n) => withBlocks(image({ alt_text: str(n) })) },
  { name: 'image block title', limit: 2_000, path: 'blocks[0].title.text', build: (n) => withBlocks(image({ title: plain(str(n)) })) },
  { name: 'input label', limit: 2_000, path: 'blocks[0].label.text', build: (n) => withBlocks(input({ label: plain(str(n)) })) },
  { name: 'input hint', limit: 2_000, path: 'blocks[0].hint.text', build: (n) => withBlocks(input({ hint: plain(str(n)) })) },
  {
    name: 'input element action_id',
    limit: 255,
    path: 'blocks[0].element.action_id',
    build: (n) => withBlocks(input({ element: { type: 'plain_text_input', action_id: str(n) } })),
  },
  { name: 'markdown block text', limit: 12_000, path: 'blocks[0].text', build: (n) => withBlocks({ type: 'markdown', text: str(n) }) },
];

describe('validateMessage: each limit', () => {
  it.each(LIMITS)('$name: $limit passes', ({ build, limit }) => {
    expect(validateMessage(build(limit))).toEqual({ ok: true });
  });

  it.each(LIMITS)('$name: one over $limit is refused, naming $path', ({ build, limit, path, error }) => {
    const result = validateMessage(build(limit + 1));
    expect(result).toMatchObject({ ok: false, error: error ?? 'invalid_blocks' });
    const problems = result.ok ? [] : result.problems;
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(new RegExp(`^${path.replace(/[[\].]/g, '\\$&')}: ${limit + 1} \\w+, the limit is ${limit} \\(`));
  });

  it.each([
    ['section text', withBlocks(section('')), 'blocks[0].text.text: 0 characters, at least 1 (section text)'],
    ['context elements', withBlocks({ type: 'context', elements: [] }), 'blocks[0].elements: 0 items, at least 1 (context elements)'],
    ['actions elements', withBlocks(actions()), 'blocks[0].elements: 0 items, at least 1 (actions elements)'],
    ['button text', withBlocks(actions(button({ text: plain('') }))), 'blocks[0].elements[0].text.text: 0 characters, at least 1 (button text)'],
    ['markdown text', withBlocks({ type: 'markdown', text: '' }), 'blocks[0].text: 0 characters, at least 1 (markdown text)'],
  ])('%s: below the minimum is refused', (_name, message, problem) => {
    expect(validateMessage(message)).toEqual({ ok: false, error: 'invalid_blocks', problems: [problem] });
  });
});

describe('validateMessage: the cases the issue names', () => {
  it('refuses 51 blocks', () => {
    expect(problemsOf(withBlocks(...Array.from({ length: 51 }, () => section('x'))))).toEqual(['blocks: 51 blocks, the limit is 50 (blocks in a message)']);
  });

  it('refuses a section of 3,001 characters', () => {
    expect(problemsOf(withBlocks(section('ok'), section(str(3_001))))).toEqual(['blocks[1].text.text: 3001 characters, the limit is 3000 (section text)']);
  });

  it('refuses a header of 151 characters', () => {
    expect(problemsOf(withBlocks({ type: 'header', text: plain(str(151)) }))).toEqual(['blocks[0].text.text: 151 characters, the limit is 150 (header text)']);
  });

  it('refuses a button value of 2,001 characters', () => {
    expect(problemsOf(withBlocks(actions(button({ value: str(2_001) }))))).toEqual([
      'blocks[0].elements[0].value: 2001 characters, the limit is 2000 (button value)',
    ]);
  });

  it('takes a plain_text header and refuses a mrkdwn one', () => {
    expect(validateMessage(withBlocks({ type: 'header', text: plain('Deploy') }))).toEqual({ ok: true });
    expect(problemsOf(withBlocks({ type: 'header', text: mrkdwn('*Deploy*') }))).toEqual(['blocks[0].text.type: must be plain_text, not mrkdwn (header text)']);
  });

  it('refuses an unknown block type, and a block without one', () => {
    expect(problemsOf(withBlocks(section('x'), { type: 'sektion', text: mrkdwn('x') }, { text: mrkdwn('x') }))).toEqual([
      'blocks[1].type: unknown block type "sektion" for a message',
      'blocks[2].type: missing (block type)',
    ]);
  });

  it('refuses a text of 40,001 characters with msg_too_long', () => {
    expect(validateMessage({ text: str(40_001) })).toEqual({
      ok: false,
      error: 'msg_too_long',
      problems: ['text: 40001 characters, the limit is 40000 (message text)'],
    });
  });

  it('reports every problem together, each with its path', () => {
    const result = validateMessage({
      text: str(40_001),
      blocks: [
        { type: 'header', text: mrkdwn(str(151)) },
        section(''),
        { type: 'section' },
        actions(button({ style: 'green', value: str(2_001), text: { type: 'plain_text', text: 'Go', verbatim: true } })),
        { type: 'context', elements: [button()] },
        { type: 'image', alt_text: 'a' },
      ],
    });
    expect(result).toEqual({
      ok: false,
      // Block problems win over the text's length: the message is refused either way.
      error: 'invalid_blocks',
      problems: [
        'text: 40001 characters, the limit is 40000 (message text)',
        'blocks[0].text.type: must be plain_text, not mrkdwn (header text)',
        'blocks[0].text.text: 151 characters, the limit is 150 (header text)',
        'blocks[1].text.text: 0 characters, at least 1 (section text)',
        'blocks[2]: needs text or fields (section)',
        'blocks[3].elements[0].text.verbatim: only a mrkdwn object takes verbatim (button text)',
        'blocks[3].elements[0].value: 2001 characters, the limit is 2000 (button value)',
        'blocks[3].elements[0].style: must be primary or danger (button style)',
        'blocks[4].elements[0]: must be a text object or an image element (context element)',
        'blocks[5]: needs exactly one of image_url and slack_file (image)',
      ],
    });
  });
});

describe('validateMessage: text objects, elements and the message', () => {
  it('takes emoji on plain_text only and verbatim on mrkdwn only', () => {
    expect(
      validateMessage(withBlocks({ type: 'section', text: { ...plain('x'), emoji: true } }, { type: 'section', text: { ...mrkdwn('x'), verbatim: true } })),
    ).toEqual({
      ok: true,
    });
    expect(
      problemsOf(withBlocks({ type: 'section', text: { ...mrkdwn('x'), emoji: true } }, { type: 'section', text: { ...plain('x'), verbatim: true } })),
    ).toEqual([
      'blocks[0].text.emoji: only a plain_text object takes emoji (section text)',
      'blocks[1].text.verbatim: only a mrkdwn object takes verbatim (section text)',
    ]);
  });

  it('refuses a text object of another type', () => {
    expect(problemsOf(withBlocks({ type: 'section', text: { type: 'markdown', text: 'x' } }))).toEqual([
      'blocks[0].text.type: must be plain_text or mrkdwn, not "markdown" (section text)',
    ]);
  });

  it('counts characters as code points: 3,000 emoji fit a section', () => {
    expect(validateMessage(withBlocks(section(str(3_000, '😀'))))).toEqual({ ok: true });
    expect(problemsOf(withBlocks(section(str(3_001, '😀'))))).toEqual(['blocks[0].text.text: 3001 characters, the limit is 3000 (section text)']);
  });

  it('refuses an element a block does not take', () => {
    expect(problemsOf(withBlocks(actions({ type: 'plain_text_input', action_id: 'x' }), { ...section('x'), accessory: { type: 'datetimepicker' } }))).toEqual([
      'blocks[0].elements[0].type: "plain_text_input" is not an element of an actions block',
      'blocks[1].accessory.type: "datetimepicker" is not an element of a section accessory',
    ]);
  });

  it('takes a button and an input with a confirmation dialog and a comment box, as the approval card sends them', () => {
    const message = withBlocks(
      input({ block_id: 'approval-comment', optional: true, dispatch_action: false }),
      actions(button({ style: 'primary', value: 'k', confirm: confirm() }), button({ action_id: 'no', style: 'danger' })),
      { type: 'context', elements: [mrkdwn('<https://example.com|execution> · started'), image()] },
      { type: 'divider' },
      { type: 'rich_text', elements: [] },
    );
    expect(validateMessage(message)).toEqual({ ok: true });
  });

  it('refuses a confirmation dialog that misses its parts', () => {
    expect(problemsOf(withBlocks(actions(button({ confirm: { text: mrkdwn('x') } }))))).toEqual([
      'blocks[0].elements[0].confirm.title: missing (confirm title)',
      'blocks[0].elements[0].confirm.confirm: missing (confirm button)',
      'blocks[0].elements[0].confirm.deny: missing (deny button)',
    ]);
  });

  it('needs text or blocks (no_text), and takes text alone', () => {
    expect(validateMessage({})).toMatchObject({ ok: false, error: 'no_text' });
    expect(validateMessage({ text: '', blocks: [] })).toMatchObject({ ok: false, error: 'no_text' });
    expect(validateMessage({ text: 'hello' })).toEqual({ ok: true });
    expect(validateMessage({ blocks: [section('hello')] })).toEqual({ ok: true });
  });

  it('refuses blocks that are not an array', () => {
    expect(validateMessage({ text: 'x', blocks: '[{"type":' })).toEqual({
      ok: false,
      error: 'invalid_blocks',
      problems: ['blocks: must be an array of blocks'],
    });
  });
});

describe('validateMessage: malformed mrkdwn links', () => {
  const cut = `*<https://console.aws.amazon.com/codesuite/codepipeline|payments-api* failed`;

  it('refuses a link left open under strictLinks (the default)', () => {
    expect(validateMessage(withBlocks(section(cut)))).toEqual({
      ok: false,
      error: 'invalid_blocks',
      problems: ['blocks[0].text.text: malformed_link: "<https://console.aws.amazon.com/codesuit" at character 1 is not closed with ">"'],
    });
  });

  it('only warns without strictLinks: Slack itself posts such a message and shows the link broken', () => {
    expect(validateMessage(withBlocks(section(cut)), { strictLinks: false })).toEqual({
      ok: true,
      warnings: ['blocks[0].text.text: malformed_link: "<https://console.aws.amazon.com/codesuit" at character 1 is not closed with ">"'],
    });
  });

  it.each([
    ['a link opened inside another', 'see <https://a.example|a and <https://b.example|b>'],
    ['a mention cut short', 'cc <@U0APPROVER'],
    ['a user group cut short', 'cc <!subteam^S0ONCALL'],
    ['a channel cut short', 'in <#C0DEPLOYS'],
    ['a mailto cut short', '<mailto:ops@example.com|ops'],
  ])('refuses %s', (_name, text) => {
    expect(problemsOf(withBlocks(section(text)))).toEqual([expect.stringContaining('malformed_link')]);
  });

  it('takes closed links, mentions and escaped angle brackets, and does not look into plain_text', () => {
    const text = '<https://a.example|a> <@U0APPROVER> <!subteam^S0ONCALL> <!here> <#C0DEPLOYS> &lt;http://not-a-link';
    expect(validateMessage(withBlocks(section(text), { type: 'section', text: plain('<https://open') }))).toEqual({ ok: true });
  });

  it('checks fields and context elements too', () => {
    expect(problemsOf(withBlocks({ type: 'section', fields: [mrkdwn('<https://x')] }, { type: 'context', elements: [mrkdwn('<https://y')] }))).toEqual([
      'blocks[0].fields[0].text: malformed_link: "<https://x" at character 0 is not closed with ">"',
      'blocks[1].elements[0].text: malformed_link: "<https://y" at character 0 is not closed with ">"',
    ]);
  });
});

describe('the strict local Slack server', () => {
  let slack: SlackServer;
  beforeAll(async () => {
    slack = await startSlackServer();
  });
  afterAll(() => slack?.close());
  beforeEach(() => slack.reset());

  const port = () =>
    createSlackPort({
      token: 'xoxb-test-token',
      slackApiUrl: slack.url,
      retryConfig: { retries: 0 },
      logger: { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} },
    });
  const blocks51 = Array.from({ length: 51 }, (_, i) => section(`line ${i}`));

  it('refuses 51 blocks through the real adapter: a PermanentError naming invalid_blocks, nothing stored', async () => {
    const error = await port()
      .postMessage({ channel: 'C0DEPLOYS', text: 'fallback', blocks: blocks51 })
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(PermanentError);
    expect((error as Error).message).toBe('Slack chat.postMessage to channel C0DEPLOYS failed: invalid_blocks');
    // What Slack sends back, as the client hands it to the adapter (the error's cause).
    expect((error as Error).cause).toMatchObject({
      data: {
        ok: false,
        error: 'invalid_blocks',
        response_metadata: { messages: ['[ERROR] 51 blocks, the limit is 50 (blocks in a message) [json-pointer:/blocks]'] },
      },
    });
    expect(slack.messages()).toEqual([]);
    expect(slack.requests.map((r) => [r.method, r.status, r.error, r.problems])).toEqual([
      ['chat.postMessage', 200, 'invalid_blocks', ['blocks: 51 blocks, the limit is 50 (blocks in a message)']],
    ]);
  });

  it('refuses an update that breaks a limit and keeps the message as it was', async () => {
    const posted = await port().postMessage({ channel: 'C0DEPLOYS', text: 'started', blocks: [section('started')] });
    const error = await port()
      .updateMessage({ channel: posted.channel, ts: posted.ts, text: 'failed', blocks: [section(str(3_001))] })
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(PermanentError);
    expect((error as Error).message).toContain('invalid_blocks');
    expect((error as Error).cause).toMatchObject({
      data: { response_metadata: { messages: ['[ERROR] 3001 characters, the limit is 3000 (section text) [json-pointer:/blocks/0/text/text]'] } },
    });
    expect(slack.messages()).toMatchObject([{ ts: posted.ts, text: 'started', blocks: [section('started')], updates: 0 }]);
  });

  it('refuses a message text over 40,000 characters with msg_too_long', async () => {
    const error = await port()
      .postMessage({ channel: 'C0DEPLOYS', text: str(40_001) })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PermanentError);
    expect((error as Error).message).toContain('msg_too_long');
    expect(slack.messages()).toEqual([]);
  });

  it('refuses an ephemeral post with invalid blocks', async () => {
    const response = await fetch(`${slack.url}chat.postEphemeral`, {
      method: 'POST',
      headers: { authorization: 'Bearer xoxb-test-token', 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify({ channel: 'C0DEPLOYS', user: 'U0APPROVER', text: 'x', blocks: [{ type: 'header', text: mrkdwn('x') }] }),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      ok: false,
      error: 'invalid_blocks',
      response_metadata: { messages: ['[ERROR] must be plain_text, not mrkdwn (header text) [json-pointer:/blocks/0/text/type]'] },
    });
  });

  it('takes the same 51 blocks when started with strict: false', async () => {
    const lax = await startSlackServer({ strict: false });
    try {
      const p = createSlackPort({ token: 'xoxb-test-token', slackApiUrl: lax.url, retryConfig: { retries: 0 } });
      await p.postMessage({ channel: 'C0DEPLOYS', text: 'fallback', blocks: blocks51 });
      expect(lax.messages()).toHaveLength(1);
    } finally {
      await lax.close();
    }
  });
});
