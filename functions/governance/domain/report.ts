/**
 * Governance results as people read them: one Slack report per check, a thread reply per violating
 * resource, what was closed or reopened and why, and the same as email.
 */

import type { RenderedMessage, SlackBlock } from '../../kernel/render/blocks';
import type { Email } from '../../kernel/render/email';
import { clip, esc, plainFallback } from '../../kernel/render/format';
import type { TransitionAction } from './enforcement';
import type { Violation } from './evaluate';

export interface ReportInput {
  /** `daily audit`, `UpdatePipeline payments-api`, `change freeze`… */
  readonly what: string;
  readonly checked: number;
  readonly violations: readonly Violation[];
  readonly actions: readonly TransitionAction[];
}

const ICON = { error: '⛔', warning: '⚠️', info: 'ℹ️' } as const;
const section = (text: string): SlackBlock => ({ type: 'section', text: { type: 'mrkdwn', text: clip(text, 3000) } });

/** Violations per resource, resources with errors first. */
export function byResource(violations: readonly Violation[]): Array<[string, Violation[]]> {
  const groups = new Map<string, Violation[]>();
  for (const v of violations) {
    const key = `${v.resource.kind} ${v.resource.name}`;
    groups.set(key, [...(groups.get(key) ?? []), v]);
  }
  const rank = (vs: Violation[]) => (vs.some((v) => v.severity === 'error') ? 0 : vs.some((v) => v.severity === 'warning') ? 1 : 2);
  return [...groups].sort(([a, va], [b, vb]) => rank(va) - rank(vb) || a.localeCompare(b));
}

/** A transition change as a line: mrkdwn for Slack (names bold, escaped), or plain text for email. */
export function actionLine(a: TransitionAction, format: 'mrkdwn' | 'plain' = 'mrkdwn'): string {
  const b = format === 'mrkdwn' ? (t: string) => `*${esc(t)}*` : (t: string) => t;
  const t = format === 'mrkdwn' ? esc : (text: string) => text;
  switch (a.action) {
    case 'disable':
      return `🔒 closed the way into ${b(a.stage)} of ${b(a.pipeline)} (${t(a.reason)})`;
    case 'enable':
      return `🔓 reopened the way into ${b(a.stage)} of ${b(a.pipeline)} (it had been closed: ${t(a.was)})`;
    case 'release':
      return `👀 ${b(a.stage)} of ${b(a.pipeline)} was reopened by a person while it should be closed (${t(a.reason)}); left open`;
    case 'forget':
      return `ℹ️ ${b(a.stage)} of ${b(a.pipeline)}: no longer managed by pipeline-warden (${t(a.why)})`;
  }
}

/**
 * The top-level report message.
 *
 * @example renderReport({ what: 'daily audit', checked: 12, violations, actions }).text
 * // '⛔ Pipeline policy · daily audit: 3 of 12 resources violate it (2 errors, 1 other)'
 */
export function renderReport(input: ReportInput): RenderedMessage {
  const groups = byResource(input.violations);
  const headline = reportHeadline(input);
  const blocks: SlackBlock[] = [section(`*${esc(headline)}*`)];
  if (groups.length)
    blocks.push(section(groups.map(([name, vs]) => `${ICON[worst(vs)]} ${esc(name)}: ${vs.map((v) => `\`${esc(v.ruleId)}\``).join(', ')}`).join('\n')));
  if (input.actions.length) blocks.push(section(input.actions.map((a) => actionLine(a)).join('\n')));
  // `text` is read as mrkdwn too (notifications): escaped like the blocks.
  return { text: plainFallback(headline), blocks };
}

/** The report's one line, as plain text (names as they are: escape it for Slack). */
function reportHeadline(input: ReportInput): string {
  const groups = byResource(input.violations);
  const errors = input.violations.filter((v) => v.severity === 'error').length;
  return groups.length === 0
    ? `✅ Pipeline policy · ${input.what}: all ${input.checked} resources comply`
    : `${errors ? '⛔' : '⚠️'} Pipeline policy · ${input.what}: ${groups.length} of ${input.checked} resources violate it (${errors} error${errors === 1 ? '' : 's'}, ${input.violations.length - errors} other)`;
}

/**
 * Slack allows about one message per second per channel: a daily audit of hundreds of violating
 * resources would post for minutes and outlive the function. The email has every resource.
 */
export const MAX_THREAD_REPLIES = 40;

/**
 * The report's thread: one reply per violating resource (errors first), at most
 * MAX_THREAD_REPLIES, then one reply that says how many more there are.
 */
export function renderThread(violations: readonly Violation[]): RenderedMessage[] {
  const groups = byResource(violations);
  const shown = groups.slice(0, MAX_THREAD_REPLIES).map(([name, vs]) => renderResource(name, vs));
  const more = groups.length - shown.length;
  if (more <= 0) return shown;
  const text = `…and ${more} more resource${more === 1 ? '' : 's'} with violations: the email report lists every one, and \`npx warden policy check\` shows them for a pipeline definition.`;
  return [...shown, { text, blocks: [section(text)] }];
}

/** The thread reply for one resource: each violation with how to fix it. */
export function renderResource(name: string, violations: readonly Violation[]): RenderedMessage {
  const lines = violations.map(
    (v) => `${ICON[v.severity]} \`${esc(v.ruleId)}\`${v.mode === 'enforce' ? ' [enforce]' : ''}${v.stage ? ` · stage ${esc(v.stage)}` : ''}: ${esc(v.message)}`,
  );
  return { text: plainFallback(`${name}: ${violations.length} violation(s)`), blocks: [section(`*${esc(name)}*\n${lines.join('\n')}`)] };
}

/**
 * The same report by email: the headline as subject (SNS: one line, at most 100 characters), each
 * violating resource with its violations, and what was closed or reopened.
 *
 * @example renderReportEmail(input, topicArn).subject // '[pipeline-warden] Pipeline policy: daily audit'
 */
export function renderReportEmail(input: ReportInput, topicArn: string): Email {
  const resources = byResource(input.violations).map(
    ([name, vs]) =>
      `${name}\n${vs.map((v) => `  ${v.severity} ${v.ruleId}${v.mode === 'enforce' ? ' [enforce]' : ''}${v.stage ? ` (stage ${v.stage})` : ''}: ${v.message}`).join('\n')}`,
  );
  const actions = input.actions.length ? [`Stage transitions:\n${input.actions.map((a) => `  ${actionLine(a, 'plain')}`).join('\n')}`] : [];
  const body = [reportHeadline(input), ...resources, ...actions].join('\n\n');
  const subject = clip(`[pipeline-warden] Pipeline policy: ${input.what}`, 100).replace(/[\r\n\t]+/g, ' ');
  return {
    topicArn,
    subject,
    body: `${body}\n\n-- \nSent by pipeline-warden. Policy: config/policy.yml; destinations: governance.report in config/warden.yml.\n`,
  };
}

/** Action id of the break-glass button; the Slack endpoint routes `bypass:` to the governance flow. */
export const BYPASS_ACTION = 'bypass:grant';

/**
 * The tick's message when it closes or reopens stages. A stage a freeze closed, where the freeze
 * names break-glass approvers, gets a "Let one execution in" button.
 */
export function renderFreezeActions(
  actions: readonly TransitionAction[],
  breakGlass: ReadonlyMap<string, string> = new Map(),
  /** Organization mode: the account and region of these pipelines, named in the message and carried by its buttons. */
  place?: { readonly account: string; readonly region: string },
): RenderedMessage {
  const buttons = actions.flatMap((a) => {
    const freeze = a.action === 'disable' ? breakGlass.get(`${a.pipeline}/${a.stage}`) : undefined;
    if (!freeze || a.action !== 'disable') return [];
    const value = JSON.stringify({ pipeline: a.pipeline, stage: a.stage, freeze, ...(place ? { account: place.account, region: place.region } : {}) });
    return [
      {
        type: 'button',
        action_id: BYPASS_ACTION,
        text: { type: 'plain_text', text: clip(`Let one execution into ${a.pipeline} › ${a.stage}`, 75) },
        value,
        confirm: confirmation(a.pipeline, a.stage, freeze),
      },
    ];
  });
  // Slack: at most 25 elements in an actions block; ids must be unique within a message.
  const actionBlocks = chunk(buttons, 25).map((elements, i) => ({
    type: 'actions',
    block_id: `bypass-${i}`,
    elements: elements.map((e, j) => ({ ...e, action_id: `${BYPASS_ACTION}:${i * 25 + j}` })),
  }));
  const where = place ? [section(`*Account ${esc(place.account)} · ${esc(place.region)}*`)] : [];
  const text = place ? `pipeline-warden changed stage transitions in ${place.account} ${place.region}` : 'pipeline-warden changed stage transitions';
  return { text, blocks: [...where, section(actions.map((a) => actionLine(a)).join('\n')), ...actionBlocks] };
}

function confirmation(pipeline: string, stage: string, freeze: string): SlackBlock {
  return {
    title: { type: 'plain_text', text: 'Break the freeze?' },
    text: {
      type: 'mrkdwn',
      text: clip(
        `Freeze *${esc(freeze)}* closes *${esc(stage)}* of *${esc(pipeline)}*. One execution will be let in, and this is recorded with your name.`,
        300,
      ),
    },
    confirm: { type: 'plain_text', text: 'Let one in' },
    deny: { type: 'plain_text', text: 'Cancel' },
  };
}

const chunk = <T>(items: readonly T[], size: number): T[][] =>
  Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, i * size + size));

function worst(vs: readonly Violation[]): Violation['severity'] {
  return vs.some((v) => v.severity === 'error') ? 'error' : vs.some((v) => v.severity === 'warning') ? 'warning' : 'info';
}
