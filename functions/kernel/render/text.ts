/** Block Kit → plain text, for email bodies and for the terminal replay. */
import type { SlackBlock } from './blocks';

const EMOJI: Readonly<Record<string, string>> = {
  ':hourglass_flowing_sand:': '⏳',
  ':white_check_mark:': '✅',
  ':x:': '❌',
  ':black_square_for_stop:': '⏹',
  ':raised_hand:': '✋',
  ':information_source:': 'ℹ',
  ':package:': '📦',
};

export interface TextOptions {
  /** Keep link targets as `label <url>` (email) or drop them (terminal). */
  readonly urls: boolean;
}

/**
 * @example blocksToText([{ type: 'section', text: { type: 'mrkdwn', text: '*a* <u|b>' } }], { urls: false }) // 'a b'
 */
export function blocksToText(blocks: readonly SlackBlock[], options: TextOptions): string {
  return blocks
    .map((block) => {
      const text = block['text'] as { text?: string } | undefined;
      const fields = block['fields'] as { text?: string }[] | undefined;
      const elements = (block['elements'] as { text?: string | { text?: string } }[] | undefined) ?? [];
      if (block['type'] === 'actions') return elements.map((e) => `[${typeof e.text === 'object' ? (e.text.text ?? '') : ''}]`).join(' ');
      const raw =
        block['type'] === 'context'
          ? elements.map((e) => (typeof e.text === 'string' ? e.text : '')).join(' · ')
          : fields
            ? fields.map((f) => f.text ?? '').join('\n')
            : (text?.text ?? '');
      return mrkdwnToText(raw, options);
    })
    .filter(Boolean)
    .join('\n');
}

export function mrkdwnToText(mrkdwn: string, options: TextOptions): string {
  return mrkdwn
    .replace(/```([\s\S]*?)```/g, (_m, code: string) =>
      code
        .split('\n')
        .map((l) => `    ${l}`)
        .join('\n'),
    )
    .replace(/<!subteam\^([A-Z0-9]+)>/g, '@$1')
    .replace(/<!(here|channel)>/g, '@$1')
    .replace(/<@([A-Z0-9]+)>/g, '@$1')
    .replace(/<([^|>]+)\|([^>]+)>/g, (_m, url: string, label: string) => (options.urls ? `${label} <${url}>` : label))
    .replace(/:[a-z_]+:/g, (code) => EMOJI[code] ?? code)
    .replace(/(^|[\s(])[*_](\S[^*_\n]*?)[*_](?=[\s).,:]|$)/gm, '$1$2')
    .replace(/`([^`\n]+)`/g, '$1')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}
