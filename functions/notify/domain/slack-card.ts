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
export function renderCard(card: RunCard, level: Level, options: { readonly partOf?: string } = {}): RenderedMessage {
  const view = viewOf(card);
  const { headline, lines, facts: own } = body(card, view, level);
  const facts = [
    ...own,
    ...(options.partOf ? [partOfLine(card.subject, options.partOf)] : []),
    ...(card.streak ? [`🔥 ${card.streak.failures} failed runs in a row (since ${when(card.streak.since)})`] : []),
  ];
  // Every part is a function of the facts (no "updated at" stamp), so equal facts render equal blocks
  // and a channel is updated exactly when what it shows changes.
  const blocks = [
    section(`${ICON[view.outcome]} ${headline}`),
    ...layout(lines, MAX_BODY_SECTIONS).map((text) => section(text)),
    context([...facts, ...[timing(card.run.kind, view)].filter((t): t is string => t !== undefined)]),
  ];
  return { text: fallbackText(headline), blocks };
}

/**
 * `part of payments-api execution 6f2b1c1e`, linked: a build announced on its own card before the
 * pipeline action claiming it arrived. `runKey` is `pipeline/<account>/<region>/<name>/<execution>`.
 */
function partOfLine(s: Subject, runKey: string): string {
  const [, account = s.account, region = s.region, pipeline = s.pipeline ?? 'pipeline', executionId = ''] = runKey.split('/');
  const execution = link(consoleUrl.pipelineExecution({ account, region, pipeline }, executionId), `execution ${shortId(executionId)}`);
  return `part of *${esc(pipeline)}* ${execution}`;
}

/** A group of lines: one stage with its actions, or one other line. Only finished stages may fold. */
export interface LineGroup {
  readonly lines: readonly string[];
  /** A stage that finished well (succeeded, skipped…), folded into a count when the card is too long. */
  readonly folds?: 'stage';
}

/** Slack's section text limit (https://docs.slack.dev/reference/block-kit/blocks/section-block). */
const SECTION_MAX = 3000;
/**
 * A message holds at most 50 blocks (https://docs.slack.dev/reference/block-kit/blocks): the
 * headline and the context take two.
 */
const MAX_BODY_SECTIONS = 48;

/**
 * The card's body as sections of at most 3,000 characters, never splitting a line, in at most
 * `max` sections. When it does not fit, runs of finished stages fold first (`✅ 58 stages
 * succeeded`); failed, running and waiting stages are never folded or cut; only if those alone do not
 * fit is the end cut, marked.
 *
 * @example layout([{ lines: ['✅ *Build*'] }], 48) // ['✅ *Build*']
 */
export function layout(groups: readonly LineGroup[], max: number): string[] {
  const whole = pack(groups.flatMap((g) => g.lines));
  if (whole.length <= max) return whole;
  const folded: string[] = [];
  for (let i = 0; i < groups.length; ) {
    let j = i;
    while (j < groups.length && groups[j]?.folds === 'stage') j += 1;
    if (j - i >= 2) {
      const all = groups.slice(i, j).every((g) => g.lines[0]?.startsWith(ICON.succeeded));
      folded.push(`${ICON.succeeded} ${j - i} stages ${all ? 'succeeded' : 'finished'}`);
      i = j;
    } else {
      folded.push(...(groups[i]?.lines ?? []));
      i += 1;
    }
  }
  const sections = pack(folded);
  if (sections.length <= max) return sections;
  return [...sections.slice(0, max - 1), clip(`${sections[max - 1] ?? ''}\n… (${sections.length - max} more sections not shown)`, SECTION_MAX)];
}

/** Lines into as few sections as fit, each at most SECTION_MAX characters (a longer line is clipped). */
function pack(lines: readonly string[]): string[] {
  const sections: string[] = [];
  let current = '';
  for (const raw of lines) {
    const line = clip(raw, SECTION_MAX);
    if (current && current.length + 1 + line.length > SECTION_MAX) {
      sections.push(current);
      current = line;
    } else current = current ? `${current}\n${line}` : line;
  }
  if (current) sections.push(current);
  return sections;
}

interface Body {
  readonly headline: string;
  readonly lines: readonly LineGroup[];
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
      return alarmBody(card, view, where);
    case 'pull-request':
      return pullRequestBody(card, view, where);
    case 'reference':
      return referenceBody(card, view, where);
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
      ...view.stages.map((stage): LineGroup => ({ lines: stageLines(stage, level), ...(FOLDS.has(stage.outcome) ? { folds: 'stage' as const } : {}) })),
      ...view.builds.filter((b) => b.outcome === 'failed').map((b) => ({ lines: [buildLine(s, b)] })),
      ...view.deployments.map((d) => ({ lines: [deploymentLine(s, d)] })),
    ],
    facts: [where, ...trigger, ...commits(card, view)],
  };
}

/** Stages that may fold into a count on a card too long for Slack: finished, and not failed. */
const FOLDS: ReadonlySet<string> = new Set(['succeeded', 'info']);

const single = (lines: readonly string[]): LineGroup[] => (lines.length ? [{ lines }] : []);

function buildBody(s: Subject, view: CardView, where: string): Body {
  const b = view.builds[0];
  const name = b ? `${b.project}${b.buildNumber !== undefined ? ` #${b.buildNumber}` : ''}` : (s.project ?? 'build');
  return {
    headline: `*${link(b && consoleUrl.build(s, b.buildId), name)}* build ${WORD[view.outcome]}`,
    lines: single(b ? buildDetail(b) : []),
    facts: [where, ...(b?.sourceVersion ? [`source ${esc(clip(b.sourceVersion, 60))}`] : []), ...(b?.initiator ? [`started by ${esc(b.initiator)}`] : [])],
  };
}

function deploymentBody(card: RunCard, view: CardView, where: string): Body {
  const d = view.deployments[0];
  const id = d?.deploymentId ?? lastSegment(card.run.key);
  return {
    headline: `*${esc(card.subject.application ?? 'application')}*${d ? ` / ${esc(d.group)}` : ''} deployment ${link(consoleUrl.deployment(card.subject, id), id)} ${WORD[view.outcome]}`,
    lines: single(d ? [instanceLine(d)].filter(Boolean) : []),
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

function alarmBody(card: RunCard, view: CardView, where: string): Body {
  const s = card.subject;
  const a = view.alarm;
  const state = a?.state === 'ALARM' ? 'is in ALARM' : a?.state === 'OK' ? 'recovered (OK)' : `is ${esc(a?.state ?? 'unknown')}`;
  const watches = a?.rule ? `rule \`${esc(clip(a.rule, 500))}\`` : a?.metric ? `metric ${esc(clip(a.metric, 500))}` : undefined;
  return {
    headline: `*${link(consoleUrl.alarm(s, s.alarm ?? ''), s.alarm ?? 'alarm')}* ${state}`,
    lines: single([...(a?.reason ? [`> ${esc(clip(a.reason, 500))}`] : []), ...(watches ? [watches] : [])]),
    facts: [where, ...alarmTiming(card, a)],
  };
}

/** `arn:aws:sts::123456789012:assumed-role/Admin/Mary_Major` → `Mary_Major`; an IAM user's name likewise. */
export function shortUser(arn: string): string {
  const tail = arn.includes('/') ? arn.slice(arn.lastIndexOf('/') + 1) : arn.slice(arn.lastIndexOf(':') + 1);
  return tail || arn;
}

const encPart = (part: string) => encodeURIComponent(part);
const codecommitUrl = (s: Subject, repository: string, path: string) =>
  `https://${encPart(s.region)}.console.aws.amazon.com/codesuite/codecommit/repositories/${encPart(repository)}/${path}?region=${encPart(s.region)}`;
/** A CodeCommit pull request in the console. */
export const pullRequestUrl = (s: Subject, repository: string, id: string) => codecommitUrl(s, repository, `pull-requests/${encPart(id)}/details`);
const commit7 = (id: string | undefined) => (id ? `\`${esc(id.slice(0, 7))}\`` : '');
/** `` `9f1c2ab` Round refunds to the currency's minor unit — dana ``: what GetCommit said of it, when it was read. */
const describedCommit = (card: RunCard, id: string) => {
  const c = card.commits?.[id];
  return `${commit7(id)}${c?.message ? ` ${esc(clip(c.message, 120))}` : ''}${c?.author ? ` — ${esc(c.author)}` : ''}`;
};

const PR_WORD: Readonly<Record<string, string>> = { OPEN: 'open', MERGED: 'merged', CLOSED: 'closed' };
const APPROVAL_WORD: Readonly<Record<string, string>> = { APPROVE: 'approved', REVOKE: 'approval revoked' };

/** `PR #12 Add idempotency keys` merged in payments-api; branches, author and approvals below. */
function pullRequestBody(card: RunCard, view: CardView, where: string): Body {
  const s = card.subject;
  const pr = view.pullRequest;
  const repository = pr?.repository ?? s.codecommit ?? 'repository';
  const id = pr?.pullRequestId ?? lastSegment(card.run.key);
  const title = `PR #${id}${pr?.title ? ` ${clip(pr.title, 200)}` : ''}`;
  const state = pr ? (PR_WORD[pr.state] ?? pr.state.toLowerCase()) : 'updated';
  const branches = pr?.source || pr?.destination ? [`\`${esc(pr.source ?? '?')}\` → \`${esc(pr.destination ?? '?')}\``] : [];
  const approvals = view.approvals.map(
    (a) => `${a.state === 'APPROVE' ? ICON.succeeded : ICON.info} ${esc(APPROVAL_WORD[a.state] ?? a.state.toLowerCase())} by ${esc(shortUser(a.approver))}`,
  );
  const author = pr?.author ?? pr?.caller;
  return {
    headline: `*${link(pullRequestUrl(s, repository, id), title)}* ${esc(state)} in *${esc(repository)}*`,
    lines: single([...branches, ...approvals]),
    facts: [where, ...(author ? [`by ${esc(shortUser(author))}`] : []), ...(pr?.sourceCommit ? [`source ${describedCommit(card, pr.sourceCommit)}`] : [])],
  };
}

/** `branch main updated in payments-api: 9f1c2ab → 4e5d6f7 by dana`, one short card per change. */
function referenceBody(card: RunCard, view: CardView, where: string): Body {
  const s = card.subject;
  const r = view.reference;
  if (!r) return { headline: `*${esc(s.codecommit ?? 'repository')}* changed`, lines: [], facts: [where] };
  const change =
    r.state === 'UPDATED'
      ? `: ${commit7(r.oldCommitId) || '?'} → ${commit7(r.commitId) || '?'}`
      : r.state === 'CREATED'
        ? ` at ${commit7(r.commitId) || '?'}`
        : r.state === 'DELETED' && r.oldCommitId
          ? ` (was ${commit7(r.oldCommitId)})`
          : '';
  const repository = link(codecommitUrl(s, r.repository, 'browse'), r.repository);
  return {
    headline: `${esc(r.referenceType)} *${esc(r.referenceName)}* ${esc(r.state.toLowerCase())} in *${repository}*${change}${r.caller ? ` by ${esc(shortUser(r.caller))}` : ''}`,
    lines: single(r.commitId && r.state !== 'DELETED' && card.commits?.[r.commitId] ? [describedCommit(card, r.commitId)] : []),
    facts: [where],
  };
}

/**
 * When the alarm went off (the episode's start, in its run key) and, once it left ALARM, for how
 * long: both from CloudWatch's own state timestamps, so the card never claims a time it does not know.
 */
function alarmTiming(card: RunCard, a: CardView['alarm']): string[] {
  const since = Date.parse(card.run.key.slice(card.run.key.lastIndexOf('/') + 1));
  if (Number.isNaN(since)) return [];
  const start = new Date(since).toISOString();
  if (a?.state === 'ALARM' || !a?.at) return [`in ALARM since ${when(start)}`];
  const seconds = Math.round((Date.parse(a.at) - since) / 1000);
  return seconds >= 0 ? [`in ALARM from ${when(start)} to ${when(a.at)}, ${duration(seconds)}`] : [];
}

const duration = (seconds: number) =>
  seconds >= 3600
    ? `${Math.floor(seconds / 3600)}h ${Math.floor((seconds % 3600) / 60)}m`
    : seconds >= 60
      ? `${Math.floor(seconds / 60)}m ${seconds % 60}s`
      : `${seconds}s`;

function deploymentLine(s: Subject, d: DeploymentView): string {
  const instances = instanceLine(d);
  return `${ICON[d.outcome]} deployment ${link(consoleUrl.deployment(s, d.deploymentId), d.deploymentId)} to ${esc(d.application)} / ${esc(d.group)} ${WORD[d.outcome]}${instances ? ` · ${instances}` : ''}`;
}

/**
 * The revisions the source actions fetched: commit id (linked) and message, when the event carries
 * them, and a CodeCommit commit's author once it was read (`card.commits`).
 */
function commits(card: RunCard, view: CardView): string[] {
  return view.stages
    .flatMap((s) => s.actions)
    .filter((a) => a.category === 'Source' && a.externalId)
    .map((a) => {
      const read = card.commits?.[a.externalId ?? ''];
      const message = commitMessage(a.summary) ?? read?.message;
      return `commit ${link(a.externalUrl, (a.externalId ?? '').slice(0, 7))}${message ? ` ${esc(clip(message, 120))}` : ''}${read?.author ? ` — ${esc(read.author)}` : ''}`;
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

/**
 * `started 09:14:00 UTC`, and once finished `· took 2m 0s`: only when something before the end was
 * seen, so a run known only from its failure does not claim to have taken 0 s.
 */
function timing(kind: RunCard['run']['kind'], view: CardView): string | undefined {
  if (kind === 'alarm') return undefined;
  if (kind === 'package' || kind === 'reference') return when(view.started);
  const started = `started ${when(view.started)}`;
  if (!isTerminal(view.outcome) || !view.finished) return started;
  const seconds = Math.round((Date.parse(view.finished) - Date.parse(view.started)) / 1000);
  if (!(seconds > 0)) return `finished ${when(view.finished)}`;
  return `${started} · took ${duration(seconds)}`;
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
