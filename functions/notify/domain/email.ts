/** The run card by email (SNS): a subject that fits SNS, a body a person can read. */
import type { FactRecord, RunCard } from '../../kernel/card/types';
import { viewOf } from '../../kernel/card/view';
import type { Outcome } from '../../kernel/events/observation';
import type { Email } from '../../kernel/render/email';
import { clip, shortId } from '../../kernel/render/format';
import { blocksToText } from '../../kernel/render/text';
import type { DeployDiagnosis } from './deploy-diagnosis';
import { renderCard } from './slack-card';
import { renderFailure } from './slack-thread';

export interface EmailContent {
  /** Failures to explain in the body, each with its log tail and, for a deploy, why it failed. */
  readonly failures: readonly { readonly record: FactRecord; readonly logLines: readonly string[]; readonly diagnosis?: DeployDiagnosis }[];
}

/**
 * @example renderEmail(card, 'arn:aws:sns:…:topic', { failures: [] }).subject
 * // '[pipeline-warden] my-pipeline failed (b938328a)'
 */
export function renderEmail(card: RunCard, topicArn: string, content: EmailContent): Email {
  const view = viewOf(card);
  const subject = clip(`[pipeline-warden] ${subjectName(card)} ${verb(card, view.outcome)}${suffix(card)}`, 100);
  const sections = [
    blocksToText(renderCard(card, 'all').blocks, { urls: true }),
    ...content.failures.map(({ record, logLines, diagnosis }) =>
      blocksToText(renderFailure(card, record, { mentions: [], logLines, ...(diagnosis ? { diagnosis } : {}) }).blocks, { urls: true }),
    ),
  ];
  const body = `${sections.join('\n\n')}\n\n-- \nSent by pipeline-warden. Routing and levels: config/warden.yml.\n`;
  return { topicArn, subject: subject.replace(/[\r\n\t]+/g, ' '), body };
}

const VERB: Readonly<Record<Outcome, string>> = {
  running: 'started',
  succeeded: 'succeeded',
  failed: 'FAILED',
  stopped: 'stopped',
  waiting: 'needs approval',
  info: 'updated',
};

function verb(card: RunCard, outcome: Outcome): string {
  if (card.run.kind === 'alarm') return outcome === 'failed' ? 'is in ALARM' : outcome === 'succeeded' ? 'recovered' : 'changed state';
  if (card.run.kind === 'package') return viewOf(card).pkg?.state.toLowerCase() ?? 'changed';
  if (card.run.kind === 'pull-request') return viewOf(card).pullRequest?.state.toLowerCase() ?? 'changed';
  if (card.run.kind === 'reference') return viewOf(card).reference?.state.toLowerCase() ?? 'changed';
  return VERB[outcome];
}

function subjectName(card: RunCard): string {
  const s = card.subject;
  switch (card.run.kind) {
    case 'pipeline':
      return s.pipeline ?? 'pipeline';
    case 'build':
      return `build ${s.project ?? ''}`.trim();
    case 'deployment':
      return `deployment ${s.application ?? ''}`.trim();
    case 'package': {
      const p = viewOf(card).pkg;
      return p ? `package ${[p.namespace, p.name].filter(Boolean).join('/')} ${p.version}` : 'package';
    }
    case 'alarm':
      return `alarm ${s.alarm ?? ''}`.trim();
    case 'pull-request': {
      const pr = viewOf(card).pullRequest;
      return `pull request #${pr?.pullRequestId ?? lastSegment(card.run.key)} in ${s.codecommit ?? 'CodeCommit'}`;
    }
    case 'reference': {
      const r = viewOf(card).reference;
      return r ? `${r.referenceType} ${r.referenceName} in ${r.repository}` : `reference in ${s.codecommit ?? 'CodeCommit'}`;
    }
  }
}

const lastSegment = (key: string) => key.slice(key.lastIndexOf('/') + 1);

function suffix(card: RunCard): string {
  if (card.run.kind !== 'pipeline' && card.run.kind !== 'build') return '';
  return ` (${shortId(card.run.key.slice(card.run.key.lastIndexOf('/') + 1))})`;
}
