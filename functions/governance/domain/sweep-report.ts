/**
 * The organization sweep's one report (organization mode): every account's and region's daily
 * audit, grouped by account, places that could not be checked first; a thread reply per account
 * with violations; the same by email, with every violation.
 */

import type { RenderedMessage, SlackBlock } from '../../kernel/render/blocks';
import type { Email } from '../../kernel/render/email';
import { clip, esc, plainFallback } from '../../kernel/render/format';
import { MAX_THREAD_REPLIES } from './report';

/**
 * What one place's audit or freeze tick found, kept for the organization sweep's report: every
 * place's result goes here instead of through the state machine (whose state is limited to
 * 256 KB, less than a thousand accounts' violations).
 */
export interface PlaceSummary {
  readonly place: { readonly account: string; readonly region: string };
  readonly checked: number;
  readonly violations: readonly {
    readonly rule: string;
    readonly resource: string;
    readonly severity: 'error' | 'warning' | 'info';
    readonly message: string;
    readonly stage?: string;
    readonly enforced?: boolean;
  }[];
  /** Transition changes made there, as report lines (plain text). */
  readonly actions: readonly string[];
  /** The place could not be checked (actor role refused, throttled past retries…). */
  readonly error?: string;
}

export interface SweepReportInput {
  readonly summaries: readonly PlaceSummary[];
  /** Places beyond what one execution covers (MAX_SWEEP_PLACES), left out. */
  readonly skipped: number;
}

interface AccountGroup {
  readonly account: string;
  readonly places: readonly PlaceSummary[];
  readonly checked: number;
  readonly violations: number;
  readonly errors: number;
  readonly failed: number;
}

const ICON = { error: '⛔', warning: '⚠️', info: 'ℹ️' } as const;
const section = (text: string): SlackBlock => ({ type: 'section', text: { type: 'mrkdwn', text: clip(text, 3000) } });
/** Slack allows 50 blocks a message: the headline, then at most this many accounts' lines. */
const MAX_ACCOUNT_BLOCKS = 45;

/** Places per account, accounts that failed somewhere first, then by violations (most first), then by id. */
export function byAccount(summaries: readonly PlaceSummary[]): AccountGroup[] {
  const groups = new Map<string, PlaceSummary[]>();
  for (const s of summaries) groups.set(s.place.account, [...(groups.get(s.place.account) ?? []), s]);
  return [...groups]
    .map(([account, places]) => ({
      account,
      places: [...places].sort((a, b) => a.place.region.localeCompare(b.place.region)),
      checked: places.reduce((n, p) => n + p.checked, 0),
      violations: places.reduce((n, p) => n + p.violations.length, 0),
      errors: places.reduce((n, p) => n + p.violations.filter((v) => v.severity === 'error').length, 0),
      failed: places.filter((p) => p.error).length,
    }))
    .sort((a, b) => Number(b.failed > 0) - Number(a.failed > 0) || b.violations - a.violations || a.account.localeCompare(b.account));
}

function headline(input: SweepReportInput): string {
  const groups = byAccount(input.summaries);
  const checked = groups.reduce((n, g) => n + g.checked, 0);
  const violations = groups.reduce((n, g) => n + g.violations, 0);
  const errors = groups.reduce((n, g) => n + g.errors, 0);
  const failed = input.summaries.filter((s) => s.error).length;
  const where = `${groups.length} account${groups.length === 1 ? '' : 's'}, ${input.summaries.length} account-region${input.summaries.length === 1 ? '' : 's'}`;
  const notChecked = failed ? `; ${failed} account-region${failed === 1 ? '' : 's'} could not be checked` : '';
  const skipped = input.skipped ? `; ${input.skipped} more left out (too many for one sweep)` : '';
  const icon = errors || failed ? '⛔' : violations ? '⚠️' : '✅';
  const body = violations
    ? `${violations} violation${violations === 1 ? '' : 's'} (${errors} error${errors === 1 ? '' : 's'}) in ${checked} resources`
    : `all ${checked} resources comply`;
  return `${icon} Pipeline policy · organization daily audit (${where}): ${body}${notChecked}${skipped}`;
}

/** One line per place: checked, violations, or why it could not be checked. */
function placeLine(p: PlaceSummary, format: 'mrkdwn' | 'plain'): string {
  const t = format === 'mrkdwn' ? esc : (s: string) => s;
  if (p.error) return `${p.place.region}: ⛔ not checked: ${t(p.error)}`;
  const v = p.violations.length;
  const changes = p.actions.length ? `, ${p.actions.length} transition change${p.actions.length === 1 ? '' : 's'}` : '';
  return `${p.place.region}: ${p.checked} checked, ${v ? `${v} violation${v === 1 ? '' : 's'}` : 'compliant'}${changes}`;
}

/**
 * The top-level message: the organization's headline, then each account with its regions.
 *
 * @example renderSweepReport({ summaries, skipped: 0 }).text
 * // '⛔ Pipeline policy · organization daily audit (3 accounts, 6 account-regions): 4 violations (2 errors) in 30 resources; 2 account-regions could not be checked'
 */
export function renderSweepReport(input: SweepReportInput): RenderedMessage {
  const groups = byAccount(input.summaries);
  const text = headline(input);
  const lines = groups.map((g) => section(`*Account ${esc(g.account)}*\n${g.places.map((p) => placeLine(p, 'mrkdwn')).join('\n')}`));
  const shown = lines.slice(0, MAX_ACCOUNT_BLOCKS);
  const more = lines.length - shown.length;
  const tail = more > 0 ? [section(`…and ${more} more account${more === 1 ? '' : 's'}: the email report lists every one.`)] : [];
  return { text: plainFallback(text), blocks: [section(`*${esc(text)}*`), ...shown, ...tail] };
}

/** The thread: one reply per account with violations (at most MAX_THREAD_REPLIES), each violation with its region. */
export function renderSweepThread(input: SweepReportInput): RenderedMessage[] {
  const groups = byAccount(input.summaries).filter((g) => g.violations > 0);
  const replies = groups.slice(0, MAX_THREAD_REPLIES).map((g) => {
    const lines = g.places.flatMap((p) =>
      p.violations.map(
        (v) =>
          `${ICON[v.severity]} ${esc(p.place.region)} · ${esc(v.resource)}: \`${esc(v.rule)}\`${v.enforced ? ' [enforce]' : ''}${v.stage ? ` · stage ${esc(v.stage)}` : ''}: ${esc(v.message)}`,
      ),
    );
    return { text: plainFallback(`Account ${g.account}: ${g.violations} violation(s)`), blocks: [section(`*Account ${esc(g.account)}*\n${lines.join('\n')}`)] };
  });
  const more = groups.length - replies.length;
  if (more <= 0) return replies;
  const text = `…and ${more} more account${more === 1 ? '' : 's'} with violations: the email report lists every one.`;
  return [...replies, { text, blocks: [section(text)] }];
}

/** The same by email: every account, every region, every violation and transition change. */
export function renderSweepEmail(input: SweepReportInput, topicArn: string): Email {
  const accounts = byAccount(input.summaries).map((g) => {
    const places = g.places.map((p) => {
      const violations = p.violations.map(
        (v) => `    ${v.severity} ${v.rule}${v.enforced ? ' [enforce]' : ''} · ${v.resource}${v.stage ? ` (stage ${v.stage})` : ''}: ${v.message}`,
      );
      const actions = p.actions.map((a) => `    ${a}`);
      return [`  ${placeLine(p, 'plain')}`, ...violations, ...actions].join('\n');
    });
    return `Account ${g.account}\n${places.join('\n')}`;
  });
  const body = [headline(input), ...accounts].join('\n\n');
  return {
    topicArn,
    subject: '[pipeline-warden] Pipeline policy: organization daily audit',
    body: `${body}\n\n-- \nSent by pipeline-warden. Policy: config/policy.yml; destinations: governance.report in config/warden.yml.\n`,
  };
}
