/**
 * The approval's messages: the card (a broadcast reply in the run's thread, updated in place as
 * votes and decisions arrive), the timer's thread replies, and the email. Every delivery is recorded
 * on the approval as it goes, so a retried step sends only what is missing.
 */

import { CardConflictError } from '../../kernel/errors';
import { renderApprovalCard, renderApprovalEmail, renderTimerMessage, type TimerMessage } from '../domain/render';
import type { Approval, ApprovalState } from '../domain/types';
import type { ApprovalDeps } from './deps';

/** Each conflict means another writer got through: enough for every approver clicking at once, and the timer. */
const ATTEMPTS = 10;

/**
 * Applies `change` to the stored approval under optimistic locking, reloading on a conflict (a click
 * and the timer, or two clicks, at the same moment). `change` returns undefined to write nothing.
 */
export async function updateApproval(
  key: string,
  deps: Pick<ApprovalDeps, 'approvals'>,
  change: (approval: Approval) => ApprovalState | undefined,
): Promise<Approval | undefined> {
  for (let attempt = 1; ; attempt += 1) {
    const stored = await deps.approvals.get(key);
    if (!stored) return undefined;
    const state = change(stored.approval);
    if (!state) return stored.approval;
    const next = { ...stored.approval, state };
    try {
      await deps.approvals.put(key, next, stored.version);
      return next;
    } catch (error) {
      if (!(error instanceof CardConflictError) || attempt >= ATTEMPTS) throw error;
    }
  }
}

/** Posts the card where it is missing (recording each ts as it goes); updates it where it exists. */
export async function showApprovalCard(key: string, deps: ApprovalDeps): Promise<void> {
  const stored = await deps.approvals.get(key);
  if (!stored) return;
  let approval = stored.approval;
  const message = renderApprovalCard(approval);
  for (const channel of approval.request.channels) {
    const ts = approval.state.messages[channel];
    if (ts) {
      if ((await deps.slack.updateMessage({ channel, ts, ...message })) === 'updated') continue;
    }
    const thread = approval.state.threads[channel];
    const posted = await deps.slack.postMessage({ channel, ...message, ...(thread ? { threadTs: thread, broadcast: true } : {}) });
    approval = (await updateApproval(key, deps, (a) => ({ ...a.state, messages: { ...a.state.messages, [channel]: posted.ts } }))) ?? approval;
  }
}

/** The approval email, once per topic. */
export async function emailApproval(key: string, deps: ApprovalDeps): Promise<void> {
  const stored = await deps.approvals.get(key);
  if (!stored) return;
  for (const topic of stored.approval.request.topics) {
    if (stored.approval.state.emailed.includes(topic)) continue;
    const topicArn = topic === 'default' ? deps.defaultTopicArn : topic;
    await deps.email.publish(renderApprovalEmail(stored.approval, topicArn));
    await updateApproval(key, deps, (a) => ({ ...a.state, emailed: [...a.state.emailed, topic] }));
  }
}

/** A reminder, escalation or deadline message, as a reply under the approval card in each channel. */
export async function postTimerMessage(approval: Approval, message: TimerMessage, deps: ApprovalDeps): Promise<void> {
  const rendered = renderTimerMessage(approval, message, deps.now());
  for (const channel of approval.request.channels) {
    const parent = approval.state.threads[channel] ?? approval.state.messages[channel];
    if (!parent) continue;
    await deps.slack.postMessage({ channel, ...rendered, threadTs: parent });
  }
}
