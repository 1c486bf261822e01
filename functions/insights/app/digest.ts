/**
 * The weekly digest use case: the facts of the last two weeks, one message per route channel, then
 * the trend chart CloudWatch draws, uploaded into the message's thread. Each digest is claimed once
 * per route, channel and week, so a second invocation of the schedule posts nothing twice.
 */
import type { Config } from '../../kernel/config/schema';
import type { GlobCompiler } from '../../kernel/glob';
import type { DeliveryFactsPort, MetricChartsPort, OncePort, SlackFilesPort, SlackPort } from '../../kernel/ports';
import { planDigests, WEEK_MS } from '../domain/digest';

export interface DigestDeps {
  readonly config: Config;
  readonly globs: GlobCompiler;
  readonly facts: Pick<DeliveryFactsPort, 'between'>;
  readonly slack: SlackPort;
  readonly files: SlackFilesPort;
  readonly charts: MetricChartsPort;
  readonly once: OncePort;
  /** The stack's region: the chart's metrics are there. */
  readonly region: string;
  readonly now: () => Date;
  /** A chart that could not be drawn or uploaded: the digest stands without it. */
  readonly warn: (message: string, details: Record<string, unknown>) => void;
}

/**
 * `scheduledTime`: the time the schedule fired for (Scheduler's `<aws.scheduler.scheduled-time>`):
 * the week ends there, and a retry an hour later (past midnight, even) is the same digest.
 *
 * @example await sendDigests(deps, new Date('2026-11-23T09:00:00Z')) // { posted: 2, charts: 2, skipped: 0 }
 */
export async function sendDigests(deps: DigestDeps, scheduledTime?: Date): Promise<{ posted: number; charts: number; skipped: number }> {
  const now = scheduledTime ?? deps.now();
  const facts = await deps.facts.between({ from: new Date(now.getTime() - 2 * WEEK_MS), to: now });
  const digests = planDigests({ config: deps.config, facts, now, glob: deps.globs, region: deps.region });
  const result = { posted: 0, charts: 0, skipped: 0 };
  // The week is named by its end: every attempt of one firing names it the same.
  const week = now.toISOString();
  for (const digest of digests) {
    const key = `digest#${digest.route}#${digest.channel}#${week}`;
    if (!(await deps.once.claim(key, new Date(now.getTime() + 2 * WEEK_MS)))) {
      result.skipped += 1;
      continue;
    }
    let ts: string;
    try {
      ({ ts } = await deps.slack.postMessage({ channel: digest.channel, text: digest.message.text, blocks: digest.message.blocks }));
    } catch (error) {
      await deps.once.release(key);
      throw error;
    }
    result.posted += 1;
    try {
      const bytes = await deps.charts.png(digest.chart);
      await deps.files.upload({ channel: digest.channel, threadTs: ts, filename: `delivery-${week.slice(0, 10)}.png`, title: digest.chartTitle, bytes });
      result.charts += 1;
    } catch (error) {
      deps.warn('digest chart not posted', { route: digest.route, channel: digest.channel, error: error instanceof Error ? error.message : String(error) });
    }
  }
  return result;
}
