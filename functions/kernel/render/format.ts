/** Small, shared pieces of every rendering: icons, words, links, escaping. */
import type { Outcome, Subject } from '../events/observation';

/** Slack emoji shortcodes; `text.ts` maps them back to characters for the terminal and email. */
export const ICON: Readonly<Record<Outcome, string>> = {
  running: ':hourglass_flowing_sand:',
  succeeded: ':white_check_mark:',
  failed: ':x:',
  stopped: ':black_square_for_stop:',
  waiting: ':raised_hand:',
  info: ':information_source:',
};

export const WORD: Readonly<Record<Outcome, string>> = {
  running: 'in progress',
  succeeded: 'succeeded',
  failed: 'failed',
  stopped: 'stopped',
  waiting: 'waiting for approval',
  info: 'updated',
};

/**
 * Escapes the three characters Slack's mrkdwn treats as control characters (Slack, "Formatting
 * text": `&`, `<`, `>` become HTML entities). Every value from an event or a resource name goes
 * through it, so a name like `<!channel>` is shown, never acted on.
 *
 * @example esc('<!channel> & co') // '&lt;!channel&gt; &amp; co'
 */
export function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * A URL as it may stand inside `<url|label>`: http(s) only, and without the characters Slack's link
 * syntax cannot hold (`<`, `>`, `|`, whitespace: percent-encoded; `&` as Slack's entity). Anything
 * else (another scheme, not a URL) is undefined: the label is then shown without a link.
 *
 * @example slackUrl('https://example.com/a|<!channel>') // 'https://example.com/a%7C%3C!channel%3E'
 * @example slackUrl('javascript:alert(1)')             // undefined
 */
export function slackUrl(url: string | undefined): string | undefined {
  if (!url || url.length > MAX_URL || !/^https?:\/\//i.test(url) || !URL.canParse(url)) return undefined;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters in a URL are encoded, never sent raw
  return url.replace(/[<>|\s\u0000-\u001f\u007f]/g, (c) => encodeURIComponent(c)).replace(/&/g, '&amp;');
}

/** Longer URLs are no console or log link of ours, and would not fit a 3,000-character section with their line. */
const MAX_URL = 2_000;

/** A mrkdwn link, or the bare label when there is no URL (or none Slack may link to). */
export function link(url: string | undefined, label: string): string {
  const safe = slackUrl(url);
  return safe ? `<${safe}|${esc(label)}>` : esc(label);
}

/**
 * Slack shows at most 40,000 characters of a message's `text`; a notification and a screen reader
 * need far fewer, so every message's fallback text is cut well below that.
 */
export const MAX_FALLBACK_TEXT = 3_000;

/**
 * The fallback `text` of a message from its mrkdwn: links become their labels, bold, italics and
 * code marks go, the escapes stay (Slack parses `text` too: an unescaped `<!channel>` there would
 * notify the channel), and it is cut to MAX_FALLBACK_TEXT.
 *
 * @example fallbackText('*<https://x|web>* failed: &lt;!here&gt;') // 'web failed: &lt;!here&gt;'
 */
export function fallbackText(mrkdwn: string): string {
  return clip(mrkdwn.replace(/<([^|>]+)\|([^>]+)>/g, '$2').replace(/[*_`]/g, ''), MAX_FALLBACK_TEXT);
}

/**
 * The fallback `text` of a message written as plain text (no markup): escaped and cut to
 * MAX_FALLBACK_TEXT.
 *
 * @example plainFallback('web <!here> failed') // 'web &lt;!here&gt; failed'
 */
export function plainFallback(text: string): string {
  return clip(esc(text), MAX_FALLBACK_TEXT);
}

/** First 8 characters of an execution or build id: enough to tell runs apart at a glance. */
export function shortId(id: string): string {
  const tail = id.includes(':') ? id.slice(id.lastIndexOf(':') + 1) : id;
  return tail.slice(0, 8);
}

/** `2017-04-22 03:31:47 UTC` (escaped: the time is the event's, whatever it holds). */
export function when(iso: string): string {
  return esc(`${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC`);
}

/** Cuts text to `max` characters, marking the cut. */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = Math.max(0, max - 1);
  // Never half a surrogate pair: a lone surrogate is not valid UTF-8 for Slack or SNS.
  if (end > 0 && /[\ud800-\udbff]/.test(text.charAt(end - 1))) end -= 1;
  return `${text.slice(0, end)}…`;
}

/** encodeURIComponent, which throws on a lone surrogate: an event's names may hold one. */
const enc = (part: string) => encodeURIComponent(part.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd'));

const CONSOLE = (region: string) => `https://${enc(region)}.console.aws.amazon.com`;

/** Console deep links. Built from documented console routes; they need no API call. Every part from an event is encoded. */
export const consoleUrl = {
  pipelineExecution: (s: Subject, executionId: string) =>
    `${CONSOLE(s.region)}/codesuite/codepipeline/pipelines/${enc(s.pipeline ?? '')}/executions/${enc(executionId)}/timeline?region=${enc(s.region)}`,
  build: (s: Subject, buildId: string) =>
    `${CONSOLE(s.region)}/codesuite/codebuild/${enc(s.account)}/projects/${enc(buildId.split(':')[0] ?? '')}/build/${enc(buildId)}/?region=${enc(s.region)}`,
  deployment: (s: Subject, deploymentId: string) => `${CONSOLE(s.region)}/codesuite/codedeploy/deployments/${enc(deploymentId)}?region=${enc(s.region)}`,
  repository: (s: Subject, domainOwner: string, domain: string, repository: string) =>
    `${CONSOLE(s.region)}/codesuite/codeartifact/d/${enc(domainOwner)}/${enc(domain)}/r/${enc(repository)}?region=${enc(s.region)}`,
  alarm: (s: Subject, alarm: string) => `${CONSOLE(s.region)}/cloudwatch/home?region=${enc(s.region)}#alarmsV2:alarm/${enc(alarm)}`,
};

/**
 * A route's mention as Slack writes it: a user, a user group, `@here` or `@channel`.
 *
 * @example mention('S0ONCALL1') // '<!subteam^S0ONCALL1>'
 */
export function mention(id: string): string {
  if (id === 'here' || id === 'channel') return `<!${id}>`;
  return id.startsWith('S') ? `<!subteam^${id}>` : `<@${id}>`;
}
