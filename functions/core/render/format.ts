/** Small, shared pieces of every rendering: icons, words, links, escaping. */
import type { Outcome, Subject } from '../events/observation';

/** Slack emoji shortcodes; `text.ts` maps them back to characters for the terminal and email. */
export const ICON: Readonly<Record<Outcome, string>> = {
  running: ':hourglass_flowing_sand:',
  succeeded: ':white_check_mark:',
  failed: ':x:',
  stopped: ':black_square_for_stop:',
  waiting: ':raised_hand:',
  info: ':information_source:',
};

export const WORD: Readonly<Record<Outcome, string>> = {
  running: 'in progress',
  succeeded: 'succeeded',
  failed: 'failed',
  stopped: 'stopped',
  waiting: 'waiting for approval',
  info: 'updated',
};

/** Escapes the three characters Slack's mrkdwn treats as control characters. */
export function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A mrkdwn link, or the bare label when there is no URL. */
export function link(url: string | undefined, label: string): string {
  return url ? `<${url}|${esc(label)}>` : esc(label);
}

/** First 8 characters of an execution or build id: enough to tell runs apart at a glance. */
export function shortId(id: string): string {
  const tail = id.includes(':') ? id.slice(id.lastIndexOf(':') + 1) : id;
  return tail.slice(0, 8);
}

/** `2017-04-22 03:31:47 UTC` */
export function when(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC`;
}

/** Cuts text to `max` characters, marking the cut. */
export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(0, max - 1))}…`;
}

const CONSOLE = (region: string) => `https://${region}.console.aws.amazon.com`;

/** Console deep links. Built from documented console routes; they need no API call. */
export const consoleUrl = {
  pipelineExecution: (s: Subject, executionId: string) =>
    `${CONSOLE(s.region)}/codesuite/codepipeline/pipelines/${encodeURIComponent(s.pipeline ?? '')}/executions/${executionId}/timeline?region=${s.region}`,
  build: (s: Subject, buildId: string) =>
    `${CONSOLE(s.region)}/codesuite/codebuild/${s.account}/projects/${encodeURIComponent(buildId.split(':')[0] ?? '')}/build/${encodeURIComponent(buildId)}/?region=${s.region}`,
  deployment: (s: Subject, deploymentId: string) =>
    `${CONSOLE(s.region)}/codesuite/codedeploy/deployments/${deploymentId}?region=${s.region}`,
  repository: (s: Subject, domainOwner: string, domain: string, repository: string) =>
    `${CONSOLE(s.region)}/codesuite/codeartifact/d/${domainOwner}/${domain}/r/${repository}?region=${s.region}`,
  alarm: (s: Subject, alarm: string) =>
    `${CONSOLE(s.region)}/cloudwatch/home?region=${s.region}#alarmsV2:alarm/${encodeURIComponent(alarm)}`,
};
