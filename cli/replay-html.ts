/**
 * `warden replay --html FILE`: one self-contained page that shows every message of a replay as Slack
 * lays it out (sections, fields, context, buttons, dividers), each card with its successive updates
 * as a timeline and its thread replies under it, per channel, and the emails beside them, so a team
 * tuning its routes and levels sees what its channels will look like.
 *
 * Written here, not with a library: there is no maintained Block Kit to HTML renderer (Slack's Block
 * Kit Builder is a web app), and what a preview needs is a small subset: the blocks and mrkdwn that
 * pipeline-warden itself sends.
 */
import type { RecordedCall } from '../functions/platform/recording';
import type { ReplayedEvent } from './replay-print';

interface Version {
  readonly event: string;
  readonly at?: string;
  readonly text: string;
  readonly blocks: readonly unknown[];
}

interface Message {
  readonly ts: string;
  readonly versions: Version[];
  readonly replies: Version[];
}

interface Channel {
  readonly id: string;
  readonly messages: Message[];
  /** Replies whose card this replay never posted (it was posted before the first event). */
  readonly orphans: Version[];
}

interface EmailView {
  readonly event: string;
  readonly subject: string;
  readonly body: string;
}

/** Every Slack message and email of a replay, as a page. */
export function replayPage(results: readonly ReplayedEvent[], title = 'pipeline-warden replay'): string {
  const channels = new Map<string, Channel>();
  const emails: EmailView[] = [];
  const errors: Array<{ event: string; error: string }> = [];
  const channel = (id: string) => {
    let c = channels.get(id);
    if (!c) {
      c = { id, messages: [], orphans: [] };
      channels.set(id, c);
    }
    return c;
  };
  for (const result of results) {
    if (result.error) errors.push({ event: result.event, error: result.error });
    for (const call of result.calls) record(call, result.event, channel, emails);
  }
  const body = [
    `<header><h1>${escapeHtml(title)}</h1><p>${results.length} event(s), ${channels.size} channel(s), ${emails.length} email(s). Nothing was sent.</p></header>`,
    errors.length
      ? `<section class="errors"><h2>Problems</h2>${errors.map((e) => `<p class="error"><b>${escapeHtml(e.event)}</b>: ${escapeHtml(e.error)}</p>`).join('')}</section>`
      : '',
    '<main>',
    `<div class="channels">${[...channels.values()].map(renderChannel).join('')}</div>`,
    `<aside class="emails"><h2>Email</h2>${emails.length ? emails.map(renderEmail).join('') : '<p class="none">no email</p>'}</aside>`,
    '</main>',
  ].join('\n');
  return `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title><style>${CSS}</style></head><body>\n${body}\n</body></html>\n`;
}

function record(call: RecordedCall, event: string, channel: (id: string) => Channel, emails: EmailView[]): void {
  const input = call.input;
  const version = (): Version => ({
    event,
    ...(call.at ? { at: call.at } : {}),
    text: typeof input['text'] === 'string' ? input['text'] : '',
    blocks: Array.isArray(input['blocks']) ? input['blocks'] : [],
  });
  const c = typeof input['channel'] === 'string' ? channel(input['channel']) : undefined;
  switch (call.call) {
    case 'slack.chat.postMessage': {
      if (!c) return;
      const threadTs = input['thread_ts'];
      if (typeof threadTs === 'string') {
        const parent = c.messages.find((m) => m.ts === threadTs);
        (parent ? parent.replies : c.orphans).push(version());
        return;
      }
      const ts = typeof call.output?.['ts'] === 'string' ? call.output['ts'] : `#${c.messages.length}`;
      c.messages.push({ ts, versions: [version()], replies: [] });
      return;
    }
    case 'slack.chat.update': {
      const message = c?.messages.find((m) => m.ts === input['ts']);
      if (message) message.versions.push(version());
      return;
    }
    case 'slack.chat.postEphemeral':
      c?.orphans.push({ ...version(), text: `(only visible to ${String(input['user'])}) ${version().text}` });
      return;
    case 'sns.publish':
      emails.push({ event, subject: String(input['Subject'] ?? ''), body: String(input['Message'] ?? '') });
      return;
    default:
      return;
  }
}

function renderChannel(c: Channel): string {
  const messages = c.messages.map(renderMessage).join('');
  const orphans = c.orphans.length
    ? `<div class="thread orphans"><p class="note">replies to messages posted before this replay</p>${c.orphans.map(renderReply).join('')}</div>`
    : '';
  return `<section class="channel"><h2>#${escapeHtml(c.id)}</h2>${messages}${orphans}</section>`;
}

/** A card: what it shows now, its earlier states as a timeline, its thread. */
function renderMessage(m: Message): string {
  const latest = m.versions[m.versions.length - 1];
  if (!latest) return '';
  const timeline =
    m.versions.length > 1
      ? `<details class="timeline"><summary>${m.versions.length - 1} earlier state(s)</summary><ol>${m.versions
          .slice(0, -1)
          .map((v) => `<li><span class="meta">${escapeHtml(v.at ?? '')} · ${escapeHtml(v.event)}</span>${renderBlocks(v)}</li>`)
          .join('')}</ol></details>`
      : '';
  const thread = m.replies.length ? `<div class="thread">${m.replies.map(renderReply).join('')}</div>` : '';
  return `<article class="card"><div class="bot">pipeline-warden <span class="meta">${escapeHtml(latest.at ?? '')} · updated ${m.versions.length - 1} time(s)</span></div>${renderBlocks(latest)}${timeline}${thread}</article>`;
}

function renderReply(v: Version): string {
  return `<div class="reply"><div class="bot">pipeline-warden <span class="meta">${escapeHtml(v.at ?? '')}</span></div>${renderBlocks(v)}</div>`;
}

function renderEmail(e: EmailView): string {
  return `<article class="email"><h3>${escapeHtml(e.subject)}</h3><pre>${escapeHtml(e.body)}</pre><p class="meta">${escapeHtml(e.event)}</p></article>`;
}

type Json = Record<string, unknown>;
const obj = (value: unknown): Json => (typeof value === 'object' && value !== null ? (value as Json) : {});
const textOf = (value: unknown): string => {
  const t = obj(value);
  const text = typeof t['text'] === 'string' ? t['text'] : '';
  return t['type'] === 'mrkdwn' ? mrkdwn(text) : escapeHtml(text);
};

function renderBlocks(v: Version): string {
  if (v.blocks.length === 0) return `<div class="block section">${mrkdwn(v.text)}</div>`;
  return v.blocks.map(renderBlock).join('');
}

function renderBlock(value: unknown): string {
  const block = obj(value);
  switch (block['type']) {
    case 'header':
      return `<div class="block header">${textOf(block['text'])}</div>`;
    case 'section': {
      const fields = Array.isArray(block['fields']) ? `<div class="fields">${block['fields'].map((f) => `<div>${textOf(f)}</div>`).join('')}</div>` : '';
      const accessory = block['accessory'] ? renderElement(block['accessory']) : '';
      return `<div class="block section">${block['text'] ? `<div>${textOf(block['text'])}</div>` : ''}${fields}${accessory}</div>`;
    }
    case 'context':
      return `<div class="block context">${(Array.isArray(block['elements']) ? block['elements'] : []).map((e) => `<span>${textOf(e)}</span>`).join('')}</div>`;
    case 'actions':
      return `<div class="block actions">${(Array.isArray(block['elements']) ? block['elements'] : []).map(renderElement).join('')}</div>`;
    case 'divider':
      return '<hr class="block divider">';
    case 'input': {
      const element = obj(block['element']);
      const placeholder = textOf(element['placeholder']);
      return `<label class="block input"><span>${textOf(block['label'])}</span><input type="text" placeholder="${placeholder.replace(/"/g, '&quot;')}" disabled></label>`;
    }
    default:
      return `<div class="block unknown">(${escapeHtml(String(block['type']))} block)</div>`;
  }
}

function renderElement(value: unknown): string {
  const e = obj(value);
  if (e['type'] === 'button') {
    const style = e['style'] === 'primary' || e['style'] === 'danger' ? ` ${e['style']}` : '';
    const label = textOf(e['text']);
    return typeof e['url'] === 'string'
      ? `<a class="button${style}" href="${escapeHtml(e['url'])}">${label}</a>`
      : `<button class="button${style}" type="button" title="${escapeHtml(String(e['action_id'] ?? ''))}">${label}</button>`;
  }
  return `<span class="element">(${escapeHtml(String(e['type']))})</span>`;
}

/** The emoji pipeline-warden's messages use, as characters. */
const EMOJI: Readonly<Record<string, string>> = {
  white_check_mark: '✅',
  x: '❌',
  hourglass_flowing_sand: '⏳',
  black_square_for_stop: '⏹️',
  raised_hand: '✋',
  information_source: 'ℹ️',
  warning: '⚠️',
  rotating_light: '🚨',
  lock: '🔒',
  unlock: '🔓',
};

/**
 * Slack's mrkdwn as HTML. The text is already Slack-escaped (`&amp;`, `&lt;`, `&gt;`: entities HTML
 * reads the same); what remains raw are Slack's control sequences `<…>` (links, mentions), turned
 * into elements here, and the formatting marks.
 */
export function mrkdwn(text: string): string {
  // Code blocks and control sequences out first (as numbered placeholders), so that formatting marks
  // around a link (`*<url|name>*`) still pair up, and nothing inside code is formatted. The
  // placeholders are private-use characters, which no Slack text of ours contains.
  const kept: string[] = [];
  const keep = (html: string) => `\ue000${kept.push(html) - 1}\ue001`;
  const marked = text
    .replace(/```([\s\S]*?)```/g, (_, code: string) => keep(`<pre>${code.replace(/</g, '&lt;')}</pre>`))
    .replace(/<([^<>]*)>/g, (_, inner: string) => keep(control(inner)))
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
  return inline(marked).replace(/\ue000(\d+)\ue001/g, (_, i: string) => kept[Number(i)] ?? '');
}

function control(inner: string): string {
  const [target = '', label] = inner.split('|', 2);
  if (target.startsWith('@')) return `<span class="mention">@${escapeHtml(label ?? target.slice(1))}</span>`;
  if (target.startsWith('!subteam^')) return `<span class="mention">@${escapeHtml(label ?? target.slice('!subteam^'.length))}</span>`;
  if (target.startsWith('!')) return `<span class="mention">@${escapeHtml(target.slice(1))}</span>`;
  if (target.startsWith('#')) return `<span class="mention">#${escapeHtml(label ?? target.slice(1))}</span>`;
  return `<a href="${attribute(target)}">${label ?? escapeHtml(target)}</a>`;
}

function inline(text: string): string {
  return text
    .replace(/`([^`\n]+)`/g, '<code>$1</code>')
    .replace(/(^|[\s(])\*([^*\n]+)\*(?=$|[\s).,:;!?])/g, '$1<b>$2</b>')
    .replace(/(^|[\s(])_([^_\n]+)_(?=$|[\s).,:;!?])/g, '$1<i>$2</i>')
    .replace(/(^|[\s(])~([^~\n]+)~(?=$|[\s).,:;!?])/g, '$1<s>$2</s>')
    .replace(/:([a-z0-9_+-]+):/g, (all, name: string) => EMOJI[name] ?? all)
    .replace(/^&gt; ?(.*)$/gm, '<blockquote>$1</blockquote>')
    .replace(/\n/g, '<br>');
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** A URL inside an href: already Slack-escaped (`&amp;`), only quotes to guard. */
const attribute = (url: string) => (/^(https?:|mailto:)/.test(url) ? url.replace(/"/g, '&quot;') : '#');

const CSS = `
body{font:15px/1.46 -apple-system,BlinkMacSystemFont,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;color:#1d1c1d;margin:0;background:#f8f8f8}
header{background:#3f0e40;color:#fff;padding:12px 24px}header h1{margin:0;font-size:20px}header p{margin:4px 0 0;opacity:.8}
main{display:grid;grid-template-columns:minmax(0,3fr) minmax(0,1fr);gap:24px;padding:24px}
.channel{background:#fff;border:1px solid #ddd;border-radius:8px;padding:12px 16px;margin-bottom:24px}.channel h2{font-size:16px;margin:0 0 8px}
.card,.reply{padding:8px 0;border-top:1px solid #eee}.bot{font-weight:700;font-size:14px}.meta{font-weight:400;color:#616061;font-size:12px}
.thread{margin:4px 0 4px 24px;padding-left:12px;border-left:3px solid #e0e0e0}.note{color:#616061;font-size:12px;margin:4px 0}
.block{margin:4px 0}.header{font-weight:900;font-size:18px}.context{color:#616061;font-size:12px;display:flex;flex-wrap:wrap;gap:8px}
.fields{display:grid;grid-template-columns:1fr 1fr;gap:8px 16px}.actions{display:flex;gap:8px;flex-wrap:wrap}
.input{display:flex;flex-direction:column;gap:4px;font-weight:700}.input input{font:inherit;font-weight:400;padding:6px;border:1px solid #bbb;border-radius:4px}
.button{display:inline-block;border:1px solid #bbb;border-radius:4px;background:#fff;padding:4px 12px;font:600 14px/1.4 inherit;color:#1d1c1d;text-decoration:none}
.button.primary{background:#007a5a;border-color:#007a5a;color:#fff}.button.danger{background:#e01e5a;border-color:#e01e5a;color:#fff}
pre{background:#f8f8f8;border:1px solid #ddd;border-radius:4px;padding:8px;white-space:pre-wrap;font-size:12px}code{background:#f2f2f2;border:1px solid #ddd;border-radius:3px;padding:0 3px;font-size:12px;color:#c01343}
blockquote{margin:0;padding-left:10px;border-left:4px solid #ddd}.mention{background:#e8f5fa;color:#1264a3;border-radius:3px;padding:0 2px}a{color:#1264a3}
.timeline summary{cursor:pointer;color:#1264a3;font-size:12px}.timeline ol{margin:4px 0;padding-left:20px;opacity:.75}
.emails pre{overflow-wrap:anywhere}.emails .email{background:#fff;border:1px solid #ddd;border-radius:8px;padding:8px 12px;margin-bottom:12px}.email h3{font-size:14px;margin:0 0 4px}
.errors{margin:24px;padding:12px;border:1px solid #e01e5a;background:#fff0f4;border-radius:8px}.error{margin:4px 0}
`;
