/**
 * The run card: the one top-level Slack message of a run, rendered from its facts alone (so the
 * same facts always give the same blocks, whatever order they arrived in).
 */

import { isTerminal } from '../../kernel/card/outcome';
import type { RunCard } from '../../kernel/card/types';
import type { BuildView, CardView, DeploymentView, StageView } from '../../kernel/card/view';
import { viewOf } from '../../kernel/card/view';
import type { Level } from '../../kernel/config/schema';
import type { Subject } from '../../kernel/events/observation';
import type { RenderedMessage, SlackBlock } from '../../kernel/render/blocks';
import { clip, consoleUrl, esc, fallbackText, ICON, link, shortId, WORD, when } from '../../kernel/render/format';

export type { RenderedMessage };

const section = (text: string): SlackBlock => ({ type: 'section', text: { type: 'mrkdwn', text: clip(text, 3000) } });
const context = (parts: readonly string[]): SlackBlock => ({
  type: 'context',
  elements: parts.slice(0, 10).map((text) => ({ type: 'mrkdwn', text: clip(text, 3000) })),
});

/**
 * Renders a run's card. `level` decides the detail: `all` lists every action, the other levels
 * show stages only (fewer rows, fewer updates).
 *
 * @example renderCard(card, 'all').text // 'my-pipeline failed · execution b938328a'
 */
export function renderCard(card: RunCard, level: Level): RenderedMessage {
  const view = viewOf(card);
  const { headline, lines, facts } = body(card, view, level);
  // Every part is a function of the facts (no "updated at" stamp), so equal facts render equal blocks
  // and a channel is updated exactly when what it shows changes.
  const blocks = [
    section(`${ICON[view.outcome]} ${headline}`),
    ...(lines.length ? [section(lines.join('\n'))] : []),
    context([...facts, timing(card.run.kind, view)]),
  ];
  return { text: fallbackText(headline), blocks };
}

interface Body {
  readonly headline: string;
  readonly lines: readonly string[];
  readonly facts: readonly string[];
}

function body(card: RunCard, view: CardView, level: Level): Body {
  const where = esc(`${card.subject.account} · ${card.subject.region}`);
  switch (card.run.kind) {
    case 'pipeline':
      return pipelineBody(card, view, level, where);
    case 'build':
      return buildBody(card.subject, view, where);
    case 'deployment':
      return deploymentBody(card, view, where);
    case 'package':
      return packageBody(card.subject, view, where);
    case 'alarm':
      return alarmBody(card.subject, view, where);
  }
}

const lastSegment = (key: string) => key.slice(key.lastIndexOf('/') + 1);

function pipelineBody(card: RunCard, view: CardView, level: Level, where: string): Body {
  const s = card.subject;
  const executionId = lastSegment(card.run.key);
  const trigger = view.pipeline?.trigger ? [`trigger: ${esc(view.pipeline.trigger)}`] : [];
  return {
    headline: `*${link(consoleUrl.pipelineExecution(s, executionId), s.pipeline ?? 'pipeline')}* ${WORD[view.outcome]} · execution \`${esc(shortId(executionId))}\``,
    lines: [
      ...view.stages.flatMap((stage) => stageLines(stage, level)),
      ...view.builds.filter((b) => b.outcome === 'failed').map((b) => buildLine(s, b)),
      ...view.deployments.map((d) => deploymentLine(s, d)),
    ],
    facts: [where, ...trigger, ...commits(view)],
  };
}

function buildBody(s: Subject, view: CardView, where: string): Body {
  const b = view.builds[0];
  const name = b ? `${b.project}${b.buildNumber !== undefined ? ` #${b.buildNumber}` : ''}` : (s.project ?? 'build');
  return {
    headline: `*${link(b && consoleUrl.build(s, b.buildId), name)}* build ${WORD[view.outcome]}`,
    lines: b ? buildDetail(b) : [],
    facts: [where, ...(b?.sourceVersion ? [`source ${esc(clip(b.sourceVersion, 60))}`] : []), ...(b?.initiator ? [`started by ${esc(b.initiator)}`] : [])],
  };
}

function deploymentBody(card: RunCard, view: CardView, where: string): Body {
  const d = view.deployments[0];
  const id = d?.deploymentId ?? lastSegment(card.run.key);
  return {
    headline: `*${esc(card.subject.application ?? 'application')}*${d ? ` / ${esc(d.group)}` : ''} deployment ${link(consoleUrl.deployment(card.subject, id), id)} ${WORD[view.outcome]}`,
    lines: d ? [instanceLine(d)].filter(Boolean) : [],
    facts: [where],
  };
}

function packageBody(s: Subject, view: CardView, where: string): Body {
  const p = view.pkg;
  const name = p ? [p.namespace, p.name].filter(Boolean).join('/') : 'package';
  const repository = link(p && consoleUrl.repository(s, p.domainOwner, p.domain, p.repository), p ? `${p.domain}/${p.repository}` : 'CodeArtifact');
  return {
    headline: `*${esc(name)} ${esc(p?.version ?? '')}* ${esc(p ? p.state.toLowerCase() : 'changed')} in ${repository}`,
    lines: [],
    facts: [where, ...(p ? [`${esc(p.format)} · ${esc(p.operation.toLowerCase())}`] : [])],
  };
}

function alarmBody(s: Subject, view: CardView, where: string): Body {
  const a = view.alarm;
  const state = a?.state === 'ALARM' ? 'is in ALARM' : a?.state === 'OK' ? 'recovered (OK)' : `is ${esc(a?.state ?? 'unknown')}`;
  return {
    headline: `*${link(consoleUrl.alarm(s, s.alarm ?? ''), s.alarm ?? 'alarm')}* ${state}`,
    lines: a?.reason ? [`> ${esc(clip(a.reason, 500))}`] : [],
    facts: [where],
  };
}

function deploymentLine(s: Subject, d: DeploymentView): string {
  const instances = instanceLine(d);
  return `${ICON[d.outcome]} deployment ${link(consoleUrl.deployment(s, d.deploymentId), d.deploymentId)} to ${esc(d.application)} / ${esc(d.group)} ${WORD[d.outcome]}${instances ? ` · ${instances}` : ''}`;
}

/** The revisions the source actions fetched: commit id (linked) and message, when the event carries them. */
function commits(view: CardView): string[] {
  return view.stages
    .flatMap((s) => s.actions)
    .filter((a) => a.category === 'Source' && a.externalId)
    .map((a) => {
      const message = commitMessage(a.summary);
      return `commit ${link(a.externalUrl, (a.externalId ?? '').slice(0, 7))}${message ? ` ${esc(clip(message, 120))}` : ''}`;
    });
}

/** Connection sources summarize as JSON (`{"ProviderType":…,"CommitMessage":…}`), CodeCommit as the message itself. */
export function commitMessage(summary: string | undefined): string | undefined {
  if (!summary) return undefined;
  try {
    const parsed: unknown = JSON.parse(summary);
    if (typeof parsed === 'object' && parsed !== null && 'CommitMessage' in parsed) return String(parsed.CommitMessage).split('\n')[0];
  } catch {
    // Not JSON: the summary is the message.
  }
  return summary.split('\n')[0];
}

/** `started 09:14:00 UTC`, and once finished `· took 2m 0s`. */
function timing(kind: RunCard['run']['kind'], view: CardView): string {
  if (kind === 'package' || kind === 'alarm') return when(view.started);
  const started = `started ${when(view.started)}`;
  if (!isTerminal(view.outcome) || !view.finished) return started;
  const seconds = Math.max(0, Math.round((Date.parse(view.finished) - Date.parse(view.started)) / 1000));
  const took = seconds >= 60 ? `${Math.floor(seconds / 60)}m ${seconds % 60}s` : `${seconds}s`;
  return `${started} · took ${took}`;
}

function stageLines(stage: StageView, level: Level): string[] {
  const head = `${ICON[stage.outcome]} *${esc(stage.name)}*`;
  if (level !== 'all') {
    const failed = stage.actions.filter((a) => a.outcome === 'failed').map((a) => esc(a.action));
    return [failed.length ? `${head} — ${failed.join(', ')} failed` : head];
  }
  return [
    head,
    ...stage.actions.map(
      (a) =>
        `      ${ICON[a.outcome]} ${link(a.externalUrl, a.action)} _${esc(a.provider)}_${a.summary && a.outcome === 'failed' ? ` — ${esc(clip(a.summary, 200))}` : ''}`,
    ),
  ];
}

function buildLine(s: Subject, b: BuildView): string {
  const phase = b.failedPhase;
  return `${ICON.failed} build ${link(consoleUrl.build(s, b.buildId), `${b.project}${b.buildNumber !== undefined ? ` #${b.buildNumber}` : ''}`)} failed${phase ? ` in ${esc(phase.phase)}` : ''}`;
}

function buildDetail(b: BuildView): string[] {
  const phases = b.failedPhases.map(
    (p) => `${ICON.failed} phase *${esc(p.phase)}* ${esc(p.status.toLowerCase())}${p.context ? `: ${esc(clip(p.context, 300))}` : ''}`,
  );
  const current = b.outcome === 'running' && b.currentPhase ? [`phase ${esc(b.currentPhase)}`] : [];
  const logs = b.logLink ? [link(b.logLink, 'build logs')] : [];
  return [...current, ...phases, ...logs];
}

function instanceLine(d: DeploymentView): string {
  return (Object.entries(d.instances) as [keyof typeof WORD, number][]).map(([outcome, n]) => `${n} instance${n === 1 ? '' : 's'} ${WORD[outcome]}`).join(', ');
}
