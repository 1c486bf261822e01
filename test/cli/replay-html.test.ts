/** The preview page's mrkdwn: Slack's formatting as HTML, and nothing an event carries runs as HTML. */
import { describe, expect, it } from 'vitest';
import { mrkdwn, replayPage } from '../../cli/replay-html';

describe('mrkdwn as HTML', () => {
  it('formats bold around a link, code, quotes, mentions and the emoji the cards use', () => {
    expect(mrkdwn(':x: *<https://example.com/p?a=1&amp;b=2|payments-api>* failed')).toBe(
      '❌ <b><a href="https://example.com/p?a=1&amp;b=2">payments-api</a></b> failed',
    );
    expect(mrkdwn('`exit 1` in <@U0LEAD0001> and <!subteam^S0ONCALL01>')).toBe(
      '<code>exit 1</code> in <span class="mention">@U0LEAD0001</span> and <span class="mention">@S0ONCALL01</span>',
    );
    expect(mrkdwn('&gt; Threshold crossed\nnext')).toBe('<blockquote>Threshold crossed</blockquote><br>next');
    expect(mrkdwn('```a *b* <c>```')).toBe('<pre>a *b* &lt;c></pre>');
  });

  it('keeps what an event carries as text: Slack-escaped markup stays escaped, a script link goes nowhere', () => {
    expect(mrkdwn('&lt;script&gt;alert(1)&lt;/script&gt;')).toBe('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(mrkdwn('<javascript:alert(1)|click>')).toBe('<a href="#">click</a>');
    expect(mrkdwn('a " quote')).toBe('a " quote');
  });
});

describe('the page', () => {
  it('puts a reply under its card by ts, an update over the card, and an email aside', () => {
    const html = replayPage([
      {
        event: 'e1.json',
        calls: [
          { call: 'slack.chat.postMessage', input: { channel: 'C1', text: 'card v1' }, output: { ts: '1.1' } },
          { call: 'slack.chat.postMessage', input: { channel: 'C1', text: 'the reply', thread_ts: '1.1' }, output: { ts: '1.2' } },
          { call: 'slack.chat.update', input: { channel: 'C1', ts: '1.1', text: 'card v2' } },
          { call: 'sns.publish', input: { Subject: 'the subject', Message: 'the <body>' } },
        ],
      },
    ]);
    expect(html).toMatch(/<article class="card">.*card v2.*<details class="timeline">.*card v1.*<div class="thread">.*the reply/s);
    expect(html).toContain('<h3>the subject</h3><pre>the &lt;body&gt;</pre>');
  });
});
