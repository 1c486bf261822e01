/**
 * The explanation of a rollback, in Slack (a reply in the run's thread) and by email: which alarm,
 * its state reason and metric, what was rolled back, from which revision or execution to which,
 * and how it ended. One message when the rollback starts, one when it ends (the email only then).
 */

import type { SlackBlock } from '../../kernel/render/blocks';
import type { Email } from '../../kernel/render/email';
import { clip, consoleUrl, esc, link, plainFallback, when } from '../../kernel/render/format';
import { blocksToText } from '../../kernel/render/text';
import { describeAction } from './decide';
import type { Progress } from './progress';
import { type AlarmInfo, type Decision, isAction, type Target, targetLabel } from './types';

export interface RollbackReport {
  readonly alarm: AlarmInfo;
  readonly target: Target;
  readonly guard: string;
  readonly decision?: Decision;
  readonly progress?: Progress;
  /** Step Functions' error of a step that failed past its retries. */
  readonly error?: { readonly Error?: string; readonly Cause?: string };
}

export interface RenderedRollback {
  readonly text: string;
  readonly blocks: readonly SlackBlock[];
}

/** The headline: what happened to the target, in one line. */
export function headline(r: RollbackReport, stage: 'started' | 'ended'): string {
  const t = targetLabel(r.target);
  const d = r.decision;
  if (r.error || !d) return `⚠️ Rollback of ${t} could not be completed (alarm ${r.alarm.name})`;
  if (d.kind === 'notify') {
    if (d.code === 'notify-only') return `👀 ${t} would be rolled back: alarm ${r.alarm.name} (notify-only)`;
    if (d.code === 'cooldown') return `ℹ️ ${t} not rolled back again: alarm ${r.alarm.name} (cooldown)`;
    return `ℹ️ ${t} not rolled back: alarm ${r.alarm.name}`;
  }
  const observed = d.kind === 'observe-deployment' || d.kind === 'observe-stage';
  if (stage === 'started') return observed ? `👀 ${t} is being rolled back by AWS: alarm ${r.alarm.name}` : `🚨 Rolling back ${t}: alarm ${r.alarm.name}`;
  switch (r.progress?.phase === 'done' ? r.progress.outcome : 'timed-out') {
    case 'succeeded':
      return `✅ ${t} rolled back (alarm ${r.alarm.name})`;
    case 'failed':
      return `❌ Rollback of ${t} failed (alarm ${r.alarm.name})`;
    case 'no-rollback':
      return `⚠️ ${t} stopped, but nothing was rolled back (alarm ${r.alarm.name})`;
    case 'stopped':
      return `⏹ Rollback of ${t} was stopped (alarm ${r.alarm.name})`;
    default:
      return `⏳ Rollback of ${t} still running when pipeline-warden stopped watching (alarm ${r.alarm.name})`;
  }
}

/** Label → mrkdwn value pairs, shared by Slack and email. */
export function facts(r: RollbackReport): Array<[string, string]> {
  const a = r.alarm;
  const where = { account: a.account, region: a.region };
  const out: Array<[string, string]> = [['Alarm', `${link(consoleUrl.alarm(where, a.name), a.name)} went to ALARM at ${when(a.time)}`]];
  if (a.reason) out.push(['Reason', esc(a.reason)]);
  if (a.metric) out.push(['Metric', `\`${esc(a.metric)}\``]);
  if (a.rule) out.push(['Composite rule', `\`${esc(a.rule)}\``]);
  const d = r.decision;
  if (d) {
    if (d.kind === 'notify') {
      out.push(['Why not', esc(d.reason)]);
    } else {
      out.push(['Why', esc(d.reason)]);
      out.push(['Rolled back', fromTo(r, d)]);
    }
  }
  if (r.progress?.detail) out.push(['Outcome', esc(r.progress.detail)]);
  if (r.error) out.push(['Error', esc(clip([r.error.Error, r.error.Cause].filter(Boolean).join(': ') || 'unknown error', 500))]);
  return out;
}

/** From which revision or execution to which. */
function fromTo(r: RollbackReport, d: Exclude<Decision, { kind: 'notify' }>): string {
  const where = { account: r.alarm.account, region: r.alarm.region, pipeline: r.target.kind === 'pipeline' ? r.target.pipeline : undefined };
  const dep = (id: string | undefined) => (id ? link(consoleUrl.deployment(where, id), id) : 'a new deployment');
  const exe = (id: string | undefined) => (id ? link(consoleUrl.pipelineExecution(where, id), id) : 'a new execution');
  const rev = (label: string | undefined) => (label ? `\`${esc(label)}\`` : 'the previous revision');
  const p = r.progress;
  switch (d.kind) {
    case 'stop-deployment':
      return `deployment ${dep(d.deploymentId)} (${rev(d.from?.label)}) stopped; CodeDeploy rolls back to ${rev(d.to?.label)}${p?.phase === 'watching-deployment' || p?.outcome ? ` in ${dep(p.deploymentId)}` : ''}`;
    case 'redeploy':
      return `${rev(d.from.revision?.label)} (deployment ${dep(d.from.deploymentId)}) → ${rev(d.to.revision.label)}${d.to.deploymentId ? ` (last good: ${dep(d.to.deploymentId)})` : ''}, redeployed in ${dep(p?.deploymentId)}`;
    case 'rollback-stage':
      return `execution ${exe(d.from.executionId)}${d.from.revision ? ` (${esc(d.from.revision)})` : ''} → ${exe(d.to.executionId)}${d.to.revision ? ` (${esc(d.to.revision)})` : ''}${p?.executionId ? `, in rollback execution ${exe(p.executionId)}` : ''}`;
    case 'observe-deployment':
      return `${d.triggeredBy ? `deployment ${dep(d.triggeredBy)}${d.from ? ` (${rev(d.from.label)})` : ''} → ` : ''}rollback deployment ${dep(p?.deploymentId ?? d.deploymentId)}${d.to ? ` (${rev(d.to.label)})` : ''}, made by CodeDeploy`;
    case 'observe-stage':
      return `rollback execution ${exe(d.execution.executionId)}${d.execution.rollbackTarget ? ` → ${exe(d.execution.rollbackTarget)}` : ''}, started by CodePipeline`;
  }
}

/** The Slack message for a stage of the rollback. */
export function renderRollback(r: RollbackReport, stage: 'started' | 'ended'): RenderedRollback {
  const title = headline(r, stage);
  const body = facts(r)
    .map(([label, value]) => `*${label}:* ${value}`)
    .join('\n');
  const mode =
    r.decision?.kind === 'notify' && r.decision.wouldHave
      ? `would have ${describeAction(r.decision.wouldHave)}`
      : r.decision && isAction(r.decision)
        ? 'acted'
        : 'reported only';
  const blocks: SlackBlock[] = [
    // The headline names the alarm and the target as they are: escaped here, like every value from an event.
    { type: 'section', text: { type: 'mrkdwn', text: clip(`*${esc(title)}*`, 3000) } },
    { type: 'section', text: { type: 'mrkdwn', text: clip(body, 2900) } },
    { type: 'context', elements: [{ type: 'mrkdwn', text: clip(`pipeline-warden rollback · guard ${esc(r.guard)} · ${esc(mode)}`, 3000) }] },
  ];
  return { text: plainFallback(title), blocks };
}

/** The email, sent once the rollback has ended (or was not done). */
export function renderRollbackEmail(r: RollbackReport, topicArn: string): Email {
  const message = renderRollback(r, 'ended');
  // An email is plain text: the subject is the headline itself, not Slack's escaped fallback.
  const subject = clip(`[pipeline-warden] ${headline(r, 'ended')}`, 100).replace(/[\r\n\t]+/g, ' ');
  const body = `${blocksToText(message.blocks, { urls: true })}\n\n-- \nSent by pipeline-warden. Rollback guards: config/warden.yml (rollback).\n`;
  return { topicArn, subject, body };
}
