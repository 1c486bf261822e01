/**
 * Thread replies under a run's card: one per failure, with the reason, the failing action, the
 * last lines of the build log and the people to call; and one per pull request comment (who, and
 * what they wrote), calling nobody.
 */
import { entityKey } from '../../kernel/card/merge';
import type { FactRecord, RunCard } from '../../kernel/card/types';
import { viewOf } from '../../kernel/card/view';
import { buildKey } from '../../kernel/events/normalize';
import type { RenderedMessage, SlackBlock } from '../../kernel/render/blocks';
import { clip, consoleUrl, esc, fallbackText, ICON, link, mention } from '../../kernel/render/format';
import { type DeployDiagnosis, unavailableLine } from './deploy-diagnosis';
import { pullRequestUrl, shortUser } from './slack-card';

export interface FailureDetail {
  /** `U…`/`W…` users, `S…` user groups, `here`, `channel`. */
  readonly mentions: readonly string[];
  /** Last lines of the failed build's log, oldest first. */
  readonly logLines: readonly string[];
  /** Why a deploy failed (CodeDeploy targets, CloudFormation resources), when it was read. */
  readonly diagnosis?: DeployDiagnosis;
}

/**
 * @example renderFailure(card, failure, { mentions: ['S0ONCALL1'], logLines: [] }).text
 * // 'Deploy / Deploy failed (CodeDeploy)'
 */
export function renderFailure(card: RunCard, failure: FactRecord, detail: FailureDetail): RenderedMessage {
  const { title, reason, links } = describe(card, failure);
  // A pull request comment's reply (its text, as the card kept it, quoted) calls nobody.
  const comment = failure.fact.type === 'pull-request-comment';
  const who = comment ? '' : detail.mentions.map(mention).join(' ');
  const blocks: SlackBlock[] = [
    { type: 'section', text: { type: 'mrkdwn', text: clip(`${comment ? '💬' : ICON.failed} ${title}${who ? `\n${who}` : ''}`, 3000) } },
  ];
  if (reason) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: clip(`> ${esc(reason).replace(/\n/g, '\n> ')}`, 3000) } });
  if (detail.logLines.length) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: codeBlock(detail.logLines) } });
  if (detail.diagnosis) blocks.push(...diagnosisBlocks(detail.diagnosis));
  if (links.length) blocks.push({ type: 'context', elements: links.map((text) => ({ type: 'mrkdwn', text })) });
  return { text: fallbackText(title), blocks };
}

/** Slack's section text is at most 3,000 characters: keep the last lines that fit. */
function codeBlock(lines: readonly string[]): string {
  const kept: string[] = [];
  let size = 8;
  for (let i = lines.length - 1; i >= 0; i -= 1) {
    const line = esc(lines[i] ?? '').replace(/```/g, "'''");
    if (size + line.length + 1 > 3000) break;
    kept.unshift(line);
    size += line.length + 1;
  }
  return `\`\`\`${kept.join('\n')}\`\`\``;
}

/**
 * A deploy's explanation: the deployment's error, then each failed target's lifecycle event and
 * its log tail; or the stack's failed resources; or the ECS service's latest events. A handful of blocks (at most 3 targets × 2 + 2),
 * each section within Slack's 3,000 characters.
 */
function diagnosisBlocks(diagnosis: DeployDiagnosis): SlackBlock[] {
  const section = (text: string): SlackBlock => ({ type: 'section', text: { type: 'mrkdwn', text: clip(text, 3000) } });
  switch (diagnosis.kind) {
    case 'unavailable':
      return [section(`_${esc(unavailableLine(diagnosis))}_`)];
    case 'stack':
    case 'service':
      return diagnosis.lines.length ? [section(diagnosis.lines.map((l) => `• ${esc(l)}`).join('\n'))] : [];
    case 'deployment': {
      const blocks: SlackBlock[] = [];
      if (diagnosis.error) blocks.push(section(`*${esc(diagnosis.error)}*`));
      for (const target of diagnosis.targets) {
        blocks.push(section(esc(target.summary)));
        if (target.logTail.length) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: codeBlock(target.logTail) } });
      }
      if (diagnosis.moreFailed > 0)
        blocks.push({
          type: 'context',
          elements: [{ type: 'mrkdwn', text: `and ${diagnosis.moreFailed} more failed target${diagnosis.moreFailed === 1 ? '' : 's'}` }],
        });
      return blocks;
    }
    default:
      return [];
  }
}

interface Described {
  readonly title: string;
  readonly reason?: string;
  readonly links: readonly string[];
}

function describe(card: RunCard, failure: FactRecord): Described {
  const s = card.subject;
  const f = failure.fact;
  switch (f.type) {
    case 'action': {
      const build = f.provider === 'CodeBuild' && f.externalId ? viewOf(card).builds.find((b) => b.buildId === buildKey(f.externalId ?? '')) : undefined;
      const phase = build?.failedPhase;
      const phaseLine = phase?.context && !f.summary?.includes(phase.context) ? `phase ${phase.phase}: ${phase.context}` : undefined;
      const reason = [f.summary, f.errorCode && `error code ${f.errorCode}`, phaseLine].filter(Boolean).join('\n');
      return {
        title: `*${esc(f.stage)} / ${esc(f.action)}* ${f.category === 'Approval' ? 'was rejected' : 'failed'} (${esc(f.provider)})`,
        reason: reason || undefined,
        links: [f.externalUrl && link(f.externalUrl, 'details'), build?.logLink && link(build.logLink, 'build logs')].filter((x): x is string => !!x),
      };
    }
    case 'build': {
      const phase = viewOf(card).builds.find((b) => b.buildId === f.buildId)?.failedPhase;
      return {
        title: `*${esc(f.project)}* build ${f.state === 'TIMED_OUT' ? 'timed out' : 'failed'}${phase ? ` in ${esc(phase.phase)}` : ''}`,
        reason: phase?.context,
        links: [link(consoleUrl.build(s, f.buildId), 'build'), f.logLink && link(f.logLink, 'build logs')].filter((x): x is string => !!x),
      };
    }
    case 'deployment':
      return {
        title: `*${esc(f.application)} / ${esc(f.group)}* deployment ${esc(f.deploymentId)} failed`,
        links: [link(consoleUrl.deployment(s, f.deploymentId), 'deployment')],
      };
    case 'pull-request-comment':
      return {
        title: `${f.caller ? `*${esc(shortUser(f.caller))}* ` : ''}${f.at ? 'edited a comment on' : f.inReplyTo ? 'replied on' : 'commented on'} ${link(pullRequestUrl(s, s.codecommit ?? '', f.pullRequestId), `PR #${f.pullRequestId}`)}`,
        reason: card.comments?.[entityKey(f)],
        links: [],
      };
    default:
      return { title: `${esc(f.type)} failed`, links: [] };
  }
}
