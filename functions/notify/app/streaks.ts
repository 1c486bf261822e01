/**
 * Failure streaks on the notify path: a run's end (a `run` delivery fact) moves its pipeline's
 * streak, when a rule (`insights.streaks`) covers the pipeline. A rule met opens an incident and
 * alerts once (the route's channels with its mentions, and its email topics); the next success
 * replies "recovered" in the alert's thread. Decisions are stored before they are announced
 * (`pending`), so a failed Slack call is tried again and a duplicate event decides nothing twice.
 */
import type { RunCard } from '../../kernel/card/types';
import type { StreakRule } from '../../kernel/config/insights';
import type { Config } from '../../kernel/config/schema';
import { pipelineKeyOf } from '../../kernel/delivery/fact';
import { type AlertPlacement, type Announcement, EMPTY_STREAK, nextStreak, type RunEnd, type Streak, type StreakStep } from '../../kernel/delivery/streak';
import { CardConflictError } from '../../kernel/errors';
import type { GlobCompiler } from '../../kernel/glob';
import type { StreakStorePort } from '../../kernel/ports';
import { blocksToText } from '../../kernel/render/text';
import { type Destinations, destinationsFor, routeMatches } from '../../kernel/routing';
import { renderRecovery, renderStreakAlert, streakEmailSubject } from '../domain/streak-message';
import type { NotifyDeps } from './deps';

const ATTEMPTS = 5;

/** The first streak rule covering a run's pipeline, and where its alerts go. */
export function streakRuleFor(config: Config, card: RunCard, glob: GlobCompiler): { rule: StreakRule; to: Destinations } | undefined {
  const pipeline = card.subject.pipeline;
  if (!pipeline) return undefined;
  for (const rule of config.insights.streaks) {
    const route = rule.route === undefined ? undefined : config.routes.find((r) => r.name === rule.route);
    if (rule.route !== undefined && (!route || !routeMatches(route, 'pipeline', card.subject, glob))) continue;
    if (rule.pipelines && !rule.pipelines.some((p) => glob(p)(pipeline))) continue;
    const to = destinationsFor(route ? { ...config, routes: [route] } : config, 'pipeline', card.subject, glob);
    return { rule, to };
  }
  return undefined;
}

/**
 * Moves the pipeline's streak by one run's end and announces what that decided. Returns the streak
 * as it stands after this run (undefined when no rule covers the pipeline): the run's card shows it.
 */
export async function followStreak(run: RunEnd, card: RunCard, streaks: StreakStorePort, deps: NotifyDeps): Promise<Streak | undefined> {
  const covered = streakRuleFor(deps.config, card, deps.globs);
  if (!covered) return undefined;
  const key = pipelineKeyOf(run);
  for (let attempt = 1; ; attempt += 1) {
    const stored = await streaks.get(key);
    const version = stored?.version ?? 0;
    const current = stored?.streak ?? EMPTY_STREAK;
    const decided = decide(current, nextStreak(current, run, covered.rule));
    try {
      if (decided !== current) await streaks.put(key, decided, version);
    } catch (error) {
      if (error instanceof CardConflictError && attempt < ATTEMPTS) continue;
      throw error;
    }
    if (decided.pending?.length) await announce(decided, { key, version: decided === current ? version : version + 1, to: covered.to, card }, streaks, deps);
    return decided;
  }
}

/** The streak to store for a step: what it counts, and what it decided to announce. */
function decide(current: Streak, step: StreakStep): Streak {
  switch (step.kind) {
    case 'unchanged':
      return current;
    case 'counted':
      return { ...step.streak, ...(current.pending ? { pending: current.pending } : {}) };
    case 'alert':
      return {
        ...step.streak,
        incident: { openedAt: step.failures.at(-1)?.at ?? '', since: step.failures[0]?.at ?? '', reason: step.reason, by: step.by, alerts: [] },
        pending: [...(current.pending ?? []), { kind: 'alert', reason: step.reason, failures: step.failures }],
      };
    case 'recovered':
      return {
        ...step.streak,
        pending: [...(current.pending ?? []), { kind: 'recovery', failures: step.failures, seconds: step.seconds, alerts: step.incident.alerts }],
      };
  }
}

interface Where {
  readonly key: string;
  readonly version: number;
  readonly to: Destinations;
  readonly card: RunCard;
}

/** Sends the pending messages, then stores the streak without them (and with the alert's placements). */
async function announce(streak: Streak, where: Where, streaks: StreakStorePort, deps: NotifyDeps): Promise<void> {
  let alerts: readonly AlertPlacement[] | undefined;
  for (const announcement of streak.pending ?? []) {
    const placed = await send(announcement, where, deps);
    if (announcement.kind === 'alert') alerts = placed;
  }
  const incident = streak.incident && alerts ? { ...streak.incident, alerts } : streak.incident;
  const { pending: _sent, ...rest } = streak;
  try {
    await streaks.put(where.key, { ...rest, ...(incident ? { incident } : {}) }, where.version);
  } catch (error) {
    // Another run's end moved the streak meanwhile and holds these messages as sent-or-pending: it
    // stored them first, so it announces what is still pending; nothing is lost by letting it.
    if (!(error instanceof CardConflictError)) throw error;
  }
}

async function send(announcement: Announcement, where: Where, deps: NotifyDeps): Promise<AlertPlacement[]> {
  const subject = where.card.subject;
  const render = (mentions: readonly string[]) =>
    announcement.kind === 'alert'
      ? renderStreakAlert({ subject, reason: announcement.reason, failures: announcement.failures, mentions })
      : renderRecovery({ subject, failures: announcement.failures, seconds: announcement.seconds });
  const placed: AlertPlacement[] = [];
  // An alert is a message of its own in each channel, with that channel's mentions; a recovery replies in each alert's thread.
  const targets = announcement.kind === 'alert' ? where.to.slack.map((t) => ({ channel: t.channel, mentions: t.mentions })) : announcement.alerts;
  for (const target of targets) {
    const { text, blocks } = render('mentions' in target ? target.mentions : []);
    const threadTs = 'ts' in target ? target.ts : undefined;
    const { ts } = await deps.slack.postMessage({ channel: target.channel, text, blocks, ...(threadTs ? { threadTs, broadcast: true } : {}) });
    if (!threadTs) placed.push({ channel: target.channel, ts });
  }
  // Email has no mentions: a topic's subscribers are who it reaches.
  const what = announcement.kind === 'alert' ? announcement.reason : `recovered after ${announcement.failures} failed runs`;
  for (const target of where.to.email)
    await deps.email.publish({
      topicArn: target.topic === 'default' ? deps.defaultTopicArn : target.topic,
      subject: streakEmailSubject(subject, what),
      body: blocksToText(render([]).blocks ?? [], { urls: true }),
    });
  return placed;
}

/**
 * The card of a failed run that continues a streak (two or more failed runs in a row, this one
 * included) says so: `🔥 3 failed runs in a row`. From the streak this run's end already read: no
 * read of its own.
 */
export function withStreak(card: RunCard, run: RunEnd, streak: Streak | undefined): RunCard {
  const failures = streak?.failures ?? [];
  const first = failures[0];
  if (run.outcome !== 'failed' || !first || failures.length < 2 || !failures.some((f) => f.executionId === run.executionId)) return card;
  return { ...card, streak: { failures: failures.length, since: first.at } };
}
