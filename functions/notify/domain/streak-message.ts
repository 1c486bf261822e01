/**
 * The failure-streak messages: the alert (one per incident, with the route's mentions) and the
 * recovery reply in its thread, for Slack and email.
 */

import type { StreakFailure } from '../../kernel/delivery/streak';
import { formatDuration } from '../../kernel/duration';
import type { Subject } from '../../kernel/events/observation';
import type { RenderedMessage } from '../../kernel/render/blocks';
import { consoleUrl, esc, fallbackText, link, mention, shortId, when } from '../../kernel/render/format';

/** Runs listed in an alert: the newest few; the count says how many there were. */
const LISTED = 5;

/**
 * @example renderStreakAlert({ subject, reason: '3 failed runs in a row', failures, mentions: ['here'] }).text
 * // '🔥 web: 3 failed runs in a row …'
 */
export function renderStreakAlert(alert: {
  readonly subject: Subject;
  readonly reason: string;
  readonly failures: readonly StreakFailure[];
  readonly mentions: readonly string[];
}): RenderedMessage {
  const { subject } = alert;
  const name = esc(subject.pipeline ?? '');
  const first = alert.failures[0];
  const who = alert.mentions.map(mention).join(' ');
  const headline = `🔥 *${name}*: ${esc(alert.reason)}${first ? ` since ${when(first.at)}` : ''}${who ? ` ${who}` : ''}`;
  const runs = alert.failures
    .slice(-LISTED)
    .reverse()
    .map((f) => `• ${link(consoleUrl.pipelineExecution(subject, f.executionId), shortId(f.executionId))} failed ${when(f.at)}`);
  const more = alert.failures.length > LISTED ? [`…and ${alert.failures.length - LISTED} earlier`] : [];
  const body = [...runs, ...more].join('\n');
  return {
    text: fallbackText(headline),
    blocks: [{ type: 'section', text: { type: 'mrkdwn', text: headline } }, ...(body ? [{ type: 'section', text: { type: 'mrkdwn', text: body } }] : [])],
  };
}

/** A streak is two failed runs or more (config/insights.ts): `runs`, always.
 *
 * @example renderRecovery({ subject, failures: 3, seconds: 18_000 }).text // '✅ web recovered after 3 failed runs, 5h' */
export function renderRecovery(recovery: { readonly subject: Subject; readonly failures: number; readonly seconds: number }): RenderedMessage {
  const text = `✅ *${esc(recovery.subject.pipeline ?? '')}* recovered after ${recovery.failures} failed runs, ${formatDuration(recovery.seconds * 1000)}`;
  return { text: fallbackText(text), blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] };
}

/** An alert's or a recovery's email subject (SNS takes at most 100 characters). */
export const streakEmailSubject = (subject: Subject, what: string): string => `[pipeline-warden] ${subject.pipeline ?? ''}: ${what}`.slice(0, 100);
