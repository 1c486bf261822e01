/**
 * The approval card (Block Kit), the timer's thread messages and the approval email. Pure functions
 * of the approval and the clock.
 */
import { formatDuration } from '../../kernel/duration';
import type { RenderedMessage, SlackBlock } from '../../kernel/render/blocks';
import type { Email } from '../../kernel/render/email';
import { clip, esc, link, shortId, when } from '../../kernel/render/format';
import { blocksToText } from '../../kernel/render/text';
import { consoleApprovalUrl } from './request';
import { type Approval, type ApprovalRequest, approvalKey, type Vote } from './types';

/** Action ids of the card's controls; the interactivity endpoint routes on the `approval:` prefix. */
export const APPROVAL_ACTIONS = { approve: 'approval:approve', reject: 'approval:reject', comment: 'approval:comment' } as const;
export const COMMENT_BLOCK_ID = 'approval-comment';

const mention = (id: string) => (id.startsWith('S') ? `<!subteam^${id}>` : `<@${id}>`);
/**
 * People to mention, whole mentions only, within `budget` characters: a policy may name hundreds of
 * approvers, and Slack refuses a section over 3,000 characters and a field over 2,000
 * (https://docs.slack.dev/reference/block-kit/blocks/section-block). Cut inside a mention, the rest
 * of the message would read as a broken link.
 */
const mentions = (ids: readonly string[], budget = 1_000): string => {
  let text = '';
  for (const [i, id] of ids.entries()) {
    const next = `${text ? `${text} ` : ''}${mention(id)}`;
    const more = ` and ${ids.length - i} more`;
    if (next.length + (i < ids.length - 1 ? more.length : 0) > budget) return `${text}${more}`;
    text = next;
  }
  return text;
};
const section = (text: string): SlackBlock => ({ type: 'section', text: { type: 'mrkdwn', text } });
const context = (text: string): SlackBlock => ({ type: 'context', elements: [{ type: 'mrkdwn', text }] });

/** `arn:aws:sts::…:assumed-role/Role/erin@example.com` → `erin@example.com`: the person, not the plumbing. */
export const principalName = (by: string) => (by.startsWith('arn:') ? (by.split('/').pop() ?? by) : by);

const title = (r: ApprovalRequest) => `${esc(r.pipeline)} › ${esc(r.stage)} › ${esc(r.action)}`;

function revisionLine(r: ApprovalRequest): string | undefined {
  if (!r.revision) return undefined;
  const id = r.revision.id ? link(r.revision.url, shortId(r.revision.id)) : undefined;
  const summary = r.revision.summary ? esc(clip(r.revision.summary.split('\n')[0] ?? '', 120)) : undefined;
  return [id, summary].filter(Boolean).join(' · ');
}

function deadlineLine(r: ApprovalRequest): string {
  const outcome = { reject: 'then rejected automatically', notify: 'then reminders only', approve: 'then approved automatically' }[r.onDeadline];
  return `${when(r.deadline)} (${formatDuration(Date.parse(r.deadline) - Date.parse(r.startedAt))} after the start), ${outcome}${r.deadlineCapped ? " · capped by the action's CodePipeline timeout" : ''}`;
}

/**
 * The approvers, how many must agree, and who is excluded: only the people that were actually
 * identified (the trusted starter, the CodeCommit author), never a claim beyond what was checked.
 */
function whoMayApprove(r: ApprovalRequest): string {
  const { initiator } = r;
  const unknown = esc(clip(initiator.unknown ?? 'who started the run is unknown', 300));
  const parts = [mentions(r.approvers)];
  if (r.required === 2) parts.push(r.requiredBecause === 'starter-unknown' ? `2 different approvers, because ${unknown}` : '2 different approvers');
  if (!r.allowSelfApproval) {
    const excluded = [
      initiator.slackUserId ? `${mention(initiator.slackUserId)} (started the run)` : undefined,
      initiator.commit?.slackUserId ? `${mention(initiator.commit.slackUserId)} (authored ${esc(shortId(initiator.commit.commitId))})` : undefined,
    ].filter((who): who is string => who !== undefined);
    if (excluded.length) parts.push(`not ${excluded.join(' or ')}`);
    const someoneUnknown = initiator.slackUserId === undefined || initiator.unknown !== undefined;
    // A policy that already needs two says why it matters; one that accepts a single approver says so (approvals stored before the setting carry no reason).
    if (someoneUnknown && r.requiredBecause !== 'starter-unknown')
      parts.push(r.required === 2 ? unknown : `${unknown}; any approver may decide${initiator.unknown ? ' (whenStarterUnknown: any-approver)' : ''}`);
  }
  return parts.join(' · ');
}

/** The facts people decide on: the same in Slack and in the email. */
export function approvalFacts(r: ApprovalRequest): Array<[string, string]> {
  const facts: Array<[string, string | undefined]> = [
    ['Revision', revisionLine(r)],
    ['Review', r.reviewUrl ? link(r.reviewUrl, r.reviewUrl) : undefined],
    ['Notes', r.customData ? esc(clip(r.customData, 500)) : undefined],
    ['Who may approve', whoMayApprove(r)],
    ['Deadline', deadlineLine(r)],
  ];
  return facts.filter((f): f is [string, string] => f[1] !== undefined);
}

function voteLine(v: Vote): string {
  return `${v.decision === 'approve' ? '✅' : '⛔'} ${mention(v.userId)} ${v.decision === 'approve' ? 'approved' : 'rejected'} at ${when(v.at)}${v.comment ? `: “${esc(clip(v.comment, 300))}”` : ''}`;
}

function statusBlocks(approval: Approval): SlackBlock[] {
  const { state, request } = approval;
  const votes = state.votes.map(voteLine);
  if (state.status === 'pending') {
    const progress =
      request.required === 2 && votes.length
        ? [context(`${state.votes.filter((v) => v.decision === 'approve').length} of 2 approvals · ${votes.join(' · ')}`)]
        : [];
    return [
      ...progress,
      {
        type: 'input',
        block_id: COMMENT_BLOCK_ID,
        optional: true,
        dispatch_action: false,
        label: { type: 'plain_text', text: 'Comment (optional)' },
        element: { type: 'plain_text_input', action_id: APPROVAL_ACTIONS.comment, max_length: 300 },
      },
      {
        type: 'actions',
        elements: [
          // The value names the approval: the click handler needs nothing else to find it.
          { type: 'button', action_id: APPROVAL_ACTIONS.approve, style: 'primary', text: { type: 'plain_text', text: 'Approve' }, value: approvalKey(request) },
          { type: 'button', action_id: APPROVAL_ACTIONS.reject, style: 'danger', text: { type: 'plain_text', text: 'Reject' }, value: approvalKey(request) },
        ],
      },
    ];
  }
  const outcome = state.outcome;
  const how =
    outcome?.via === 'deadline'
      ? `${outcome.status === 'rejected' ? '⛔ Rejected' : '✅ Approved'} automatically: the deadline passed (policy "${esc(request.policy)}")`
      : outcome?.via === 'elsewhere'
        ? `${outcome.status === 'rejected' ? '⛔ Rejected' : '✅ Approved'} outside Slack${outcome.by ? ` by ${esc(principalName(outcome.by))}` : ''}${outcome.summary ? `: “${esc(clip(outcome.summary, 300))}”` : ''}`
        : `${state.status === 'rejected' ? '⛔ Rejected' : '✅ Approved'}`;
  return [section(`*${how}*${outcome?.at ? ` · ${when(outcome.at)}` : ''}`), ...(votes.length ? [context(votes.join('\n'))] : [])];
}

/**
 * The approval card: a thread reply under the run's card, broadcast to the channel.
 *
 * @example renderApprovalCard(approval).blocks[0] // section "✋ Approval needed · payments-api › Prod › Approve"
 */
export function renderApprovalCard(approval: Approval): RenderedMessage {
  const r = approval.request;
  const icon = { pending: '✋', approved: '✅', rejected: '⛔' }[approval.state.status];
  const head = approval.state.status === 'pending' ? 'Approval needed' : approval.state.status === 'approved' ? 'Approved' : 'Rejected';
  const blocks: SlackBlock[] = [
    section(`${icon} *${head}* · ${title(r)}`),
    { type: 'section', fields: approvalFacts(r).map(([label, value]) => ({ type: 'mrkdwn', text: `*${label}*\n${value}` })) },
    ...statusBlocks(approval),
    context(`Execution ${link(consoleApprovalUrl(r), shortId(r.executionId))} · started ${when(r.startedAt)} · policy "${esc(r.policy)}"`),
  ];
  // The fallback text (notifications, screen readers) escaped like the blocks, and short.
  return { text: clip(`${head}: ${title(r)}`, 300), blocks };
}

export type TimerMessage = { kind: 'remind'; number: number } | { kind: 'escalate' } | { kind: 'deadline' };

/** A thread reply under the approval card when the timer fires. */
export function renderTimerMessage(approval: Approval, message: TimerMessage, now: Date): RenderedMessage {
  const r = approval.request;
  const waited = formatDuration(now.getTime() - Date.parse(r.startedAt));
  const left = formatDuration(Date.parse(r.deadline) - now.getTime());
  const text = (() => {
    switch (message.kind) {
      case 'remind':
        return `🔔 Still waiting for a decision on ${title(r)} (${waited} so far; deadline in ${left}). ${mentions(r.approvers)}`;
      case 'escalate':
        return `🚨 Nobody has decided on ${title(r)} after ${waited}. Calling in ${mentions(r.escalateTo ?? [])}: please review or find an approver (${mentions(r.approvers)}).`;
      case 'deadline':
        return r.onDeadline === 'notify'
          ? `⏰ The deadline for ${title(r)} passed (${waited}). Policy "${esc(r.policy)}" only reminds: the approval stays open until ${when(r.actionExpiresAt)}, when CodePipeline fails it. ${mentions(r.approvers)}`
          : `⏰ The deadline for ${title(r)} passed (${waited}): ${r.onDeadline === 'reject' ? 'rejected' : 'approved'} automatically under policy "${esc(r.policy)}".`;
    }
  })();
  return { text: text.replace(/<[!@][^>]+>/g, '').trim(), blocks: [section(text)] };
}

/** The summary CodePipeline records when the deadline decides (PutApprovalResult `summary`). */
export function deadlineSummary(approval: Approval): string {
  const r = approval.request;
  return `No decision within ${formatDuration(Date.parse(r.deadline) - Date.parse(r.startedAt))}: ${r.onDeadline === 'approve' ? 'approved' : 'rejected'} automatically by pipeline-warden (policy "${r.policy}")`;
}

/** The same facts by email (SNS), with where to decide. */
export function renderApprovalEmail(approval: Approval, topicArn: string): Email {
  const r = approval.request;
  const card = renderApprovalCard(approval).blocks.filter((b) => b['type'] !== 'actions');
  const body = `${blocksToText(card, { urls: true })}\n\nDecide with the Approve / Reject buttons in Slack, or in the console: ${consoleApprovalUrl(r)}\n\n-- \nSent by pipeline-warden. Approval policies: config/warden.yml (approvals).\n`;
  return { topicArn, subject: clip(`[pipeline-warden] Approval needed: ${r.pipeline} › ${r.stage} › ${r.action}`, 100).replace(/[\r\n\t]+/g, ' '), body };
}
