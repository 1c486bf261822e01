/**
 * The weekly delivery digest (config `insights.digest`): for each route with a Slack channel, one
 * message with the four keys this week against last week and the DORA bands, the pipelines that
 * failed most, the slowest approvals and the rollbacks; and the chart CloudWatch draws of the trend.
 * Pure: facts, config, clock in; messages out.
 */
import type { Config } from '../../kernel/config/schema';
import { BANDS_SOURCE, type Band, bandOf } from '../../kernel/delivery/bands';
import { type DeliveryFact, pipelineKeyOf } from '../../kernel/delivery/fact';
import { overallKeys, type PipelineKeys } from '../../kernel/delivery/keys';
import { formatDuration } from '../../kernel/duration';
import type { GlobCompiler } from '../../kernel/glob';
import type { RenderedMessage, SlackBlock } from '../../kernel/render/blocks';
import { esc, fallbackText, link } from '../../kernel/render/format';
import { routeLabel, routeMatches } from '../../kernel/routing';
import { trendWidget } from './chart';

/** One week: the digest compares this one with the last. */
export const WEEK_MS = 7 * 86_400_000;
/** Rows of each list: the digest is a glance, the dashboard has the rest. */
const TOP = 3;

export interface Digest {
  readonly route: string;
  readonly channel: string;
  readonly message: RenderedMessage;
  /** The chart's `GetMetricWidgetImage` definition. */
  readonly chart: Readonly<Record<string, unknown>>;
  readonly chartTitle: string;
}

/**
 * One digest per route channel for the week ending `now`; a route whose pipelines did nothing in
 * two weeks gets none (a quiet channel stays quiet).
 *
 * @example planDigests({ config, facts, now, glob }).map((d) => d.channel) // ['C0PAYMENTS1', 'C0PLATFORM1']
 */
export function planDigests(input: { config: Config; facts: readonly DeliveryFact[]; now: Date; glob: GlobCompiler; region: string }): Digest[] {
  const { config, now, glob } = input;
  const thisWeek = { from: new Date(now.getTime() - WEEK_MS), to: now };
  const lastWeek = { from: new Date(now.getTime() - 2 * WEEK_MS), to: thisWeek.from };
  // A pipeline's tags, from whichever of its facts carries them (facts from its history do not).
  const tagsOf = new Map(input.facts.flatMap((f) => (f.tags ? [[pipelineKeyOf(f), f.tags] as const] : [])));
  const subjectOf = (f: DeliveryFact) => {
    const tags = f.tags ?? tagsOf.get(pipelineKeyOf(f));
    return { account: f.account, region: f.region, pipeline: f.pipeline, ...(tags ? { tags } : {}) };
  };
  return config.routes.flatMap((route, index) => {
    const channels = route.slack?.channels ?? [];
    const facts = input.facts.filter((f) => routeMatches(route, 'pipeline', subjectOf(f), glob));
    if (channels.length === 0 || facts.length === 0) return [];
    const label = routeLabel(route, index);
    const message = renderDigest({ label, facts, now: overallKeys(facts, thisWeek), before: overallKeys(facts, lastWeek), week: thisWeek });
    const chartTitle = `${label}: production deployments per day, last 4 weeks`;
    const chart = trendWidget({ team: label, region: input.region, title: chartTitle, end: now });
    return channels.map((channel) => ({ route: label, channel, message, chart, chartTitle }));
  });
}

interface DigestParts {
  readonly label: string;
  readonly facts: readonly DeliveryFact[];
  readonly now: PipelineKeys;
  readonly before: PipelineKeys;
  readonly week: { readonly from: Date; readonly to: Date };
}

function renderDigest(parts: DigestParts): RenderedMessage {
  const { now, before, week } = parts;
  const headline = `📊 *Delivery this week · ${esc(parts.label)}* (the 7 days to ${week.to.toISOString().slice(0, 16).replace('T', ' ')} UTC)`;
  const keys = [
    keyLine(
      'Deployments',
      `${now.deployments} (${perDay(now.deploymentsPerDay)}/day)`,
      `${before.deployments}`,
      bandOf('deploymentFrequency', now.deploymentsPerDay),
    ),
    keyLine('Lead time (median)', seconds(now.leadTimeSeconds.median), seconds(before.leadTimeSeconds.median), bandOf('leadTime', now.leadTimeSeconds.median)),
    keyLine(
      'Change failure rate',
      percent(now.changeFailureRate, now),
      percent(before.changeFailureRate, before),
      bandOf('changeFailureRate', now.changeFailureRate),
    ),
    keyLine(
      'Recovery time (median)',
      seconds(now.recoverySeconds.median),
      seconds(before.recoverySeconds.median),
      bandOf('recoveryTime', now.recoverySeconds.median),
    ),
  ];
  const inWeek = parts.facts.filter((f) => Date.parse(f.at) >= week.from.getTime() && Date.parse(f.at) < week.to.getTime());
  const sections = [
    listSection('Failed most', failedMost(inWeek)),
    listSection('Slowest approvals', slowestApprovals(inWeek)),
    listSection('Rollbacks', rollbacks(inWeek)),
  ];
  const blocks: SlackBlock[] = [
    { type: 'section', text: { type: 'mrkdwn', text: headline } },
    { type: 'section', text: { type: 'mrkdwn', text: keys.join('\n') } },
    ...sections.flatMap((s) => (s ? [{ type: 'section', text: { type: 'mrkdwn', text: s } }] : [])),
    {
      type: 'context',
      elements: [
        {
          type: 'mrkdwn',
          text: `Bands: ${link(BANDS_SOURCE.url, 'DORA, Accelerate State of DevOps 2023')} · last week in brackets · the chart is in the thread`,
        },
      ],
    },
  ];
  return { text: fallbackText(headline), blocks };
}

const BAND_ICON: Readonly<Record<Band, string>> = { elite: '🟢', high: '🔵', medium: '🟡', low: '🔴' };

function keyLine(name: string, value: string, last: string, band: Band | undefined): string {
  return `${band ? BAND_ICON[band] : '⚪'} *${name}*: ${value} (last week ${last})${band ? ` · ${band}` : ''}`;
}

const perDay = (n: number) => (Math.round(n * 100) / 100).toString();
const seconds = (s: number | null) => (s === null ? '–' : formatDuration(s * 1000));
const percent = (rate: number | null, keys: PipelineKeys) => (rate === null ? '–' : `${Math.round(rate * 1000) / 10}% of ${keys.attempts}`);

function listSection(title: string, rows: readonly string[]): string | undefined {
  return rows.length ? `*${title}*\n${rows.map((r) => `• ${r}`).join('\n')}` : undefined;
}

function failedMost(facts: readonly DeliveryFact[]): string[] {
  const counts = new Map<string, number>();
  for (const f of facts) if (f.kind === 'run' && f.outcome === 'failed') counts.set(f.pipeline, (counts.get(f.pipeline) ?? 0) + 1);
  return [...counts]
    .sort(([a, x], [b, y]) => y - x || a.localeCompare(b))
    .slice(0, TOP)
    .map(([pipeline, n]) => `${esc(pipeline)}: ${n} failed run${n === 1 ? '' : 's'}`);
}

function slowestApprovals(facts: readonly DeliveryFact[]): string[] {
  return facts
    .flatMap((f) => (f.kind === 'approval' ? [f] : []))
    .sort((a, b) => b.waitSeconds - a.waitSeconds || a.at.localeCompare(b.at))
    .slice(0, TOP)
    .map((a) => `${esc(a.pipeline)} ${esc(a.stage)}/${esc(a.action)}: waited ${formatDuration(a.waitSeconds * 1000)}`);
}

function rollbacks(facts: readonly DeliveryFact[]): string[] {
  return facts
    .flatMap((f) => (f.kind === 'rollback' ? [f] : []))
    .map((r) => `${esc(r.pipeline)}${r.stage ? ` ${esc(r.stage)}` : ''}: rolled back ${r.at.slice(0, 16).replace('T', ' ')} UTC (${r.by})`);
}
