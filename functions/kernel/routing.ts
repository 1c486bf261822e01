/**
 * Which destinations hear about a run, at which level. Every matching route applies (a team
 * channel and an audit channel can both follow a pipeline); destinations are de-duplicated.
 */
import type { Config, Level, Route } from './config/schema';
import type { RunKind, Subject } from './events/observation';
import type { GlobCompiler } from './glob';

export interface SlackTarget {
  readonly channel: string;
  readonly level: Level;
  readonly mentions: readonly string[];
}

export interface EmailTarget {
  /** An SNS topic ARN, or `default` for the stack's own topic. */
  readonly topic: string;
  readonly level: Level;
}

export interface Destinations {
  readonly slack: readonly SlackTarget[];
  readonly email: readonly EmailTarget[];
}

/** Run kinds about CodeCommit repositories (`match.codecommit`). */
const CODECOMMIT_KINDS: ReadonlySet<RunKind> = new Set(['pull-request', 'reference']);

/**
 * Whether a route applies to a run. Fields are ANDed, patterns within a field ORed. Alarms are
 * only announced by routes that name them: a catch-all route must not page for every alarm in the
 * account. CodeCommit pull requests and branch changes likewise only by routes with `codecommit`.
 *
 * @example routeMatches({ match: { pipelines: ['payments-*'] }, ... }, 'pipeline', { pipeline: 'payments-api', ... }, picomatchGlobs()) // true
 */
export function routeMatches(route: Route, kind: RunKind, subject: Subject, glob: GlobCompiler): boolean {
  const m = route.match;
  if (kind === 'alarm' && m.alarms === undefined) return false;
  if (CODECOMMIT_KINDS.has(kind) && m.codecommit === undefined) return false;
  const anyOf = (patterns: readonly string[] | undefined, value: string | undefined): boolean =>
    patterns === undefined || (value !== undefined && patterns.some((p) => glob(p)(value)));
  return (
    anyOf(m.pipelines, subject.pipeline) &&
    anyOf(m.projects, subject.project) &&
    anyOf(m.applications, subject.application) &&
    anyOf(m.repositories, subject.repository) &&
    anyOf(m.alarms, subject.alarm) &&
    anyOf(m.codecommit, subject.codecommit) &&
    (m.accounts === undefined || m.accounts.includes(subject.account)) &&
    anyOf(m.regions, subject.region) &&
    (m.tags === undefined ||
      Object.entries(m.tags).every(([key, wanted]) => {
        const value = subject.tags?.[key];
        return value !== undefined && (typeof wanted === 'string' ? wanted === value : wanted.includes(value));
      }))
  );
}

/**
 * A route's name as the digest and the delivery metrics' `Team` say it: its `name`, else its place.
 *
 * @example routeLabel(config.routes[1], 1) // 'platform', or 'routes[1]' for a route without a name
 */
export const routeLabel = (route: Route, index: number): string => route.name ?? `routes[${index}]`;

const RANK: Readonly<Record<Level, number>> = { all: 0, 'status-changes': 1, failures: 2 };

/** Where a run goes. A channel named by two routes gets the more detailed level and both mention lists. */
export function destinationsFor(config: Config, kind: RunKind, subject: Subject, glob: GlobCompiler): Destinations {
  const slack = new Map<string, SlackTarget>();
  const email = new Map<string, EmailTarget>();
  for (const route of config.routes) {
    if (!routeMatches(route, kind, subject, glob)) continue;
    for (const channel of route.slack?.channels ?? []) {
      const level = route.slack?.level ?? config.defaults.slackLevel;
      const seen = slack.get(channel);
      slack.set(channel, {
        channel,
        level: seen && RANK[seen.level] < RANK[level] ? seen.level : level,
        mentions: [...new Set([...(seen?.mentions ?? []), ...(route.slack?.mentions ?? [])])],
      });
    }
    for (const topic of route.email?.topics ?? []) {
      const level = route.email?.level ?? config.defaults.emailLevel;
      const seen = email.get(topic);
      email.set(topic, { topic, level: seen && RANK[seen.level] < RANK[level] ? seen.level : level });
    }
  }
  return { slack: [...slack.values()], email: [...email.values()] };
}

/** Past this many subjects a router forgets them all: the memory of one warm Lambda stays bounded. */
const ROUTER_LIMIT = 10_000;
const routers = new WeakMap<Config, WeakMap<GlobCompiler, (kind: RunKind, subject: Subject) => Destinations>>();

/**
 * {@link destinationsFor}, remembered per run kind and subject for one config: every event of a run
 * is routed again, and an organization's config has many routes (by team, by account), so routing
 * once per pipeline keeps the hot path's cost flat as routes grow (`npm run bench`, organization scale).
 *
 * @example routerFor(config, globs)('pipeline', card.subject).slack // the same array for every event of the run
 */
export function routerFor(config: Config, glob: GlobCompiler): (kind: RunKind, subject: Subject) => Destinations {
  let byGlob = routers.get(config);
  if (!byGlob) {
    byGlob = new WeakMap();
    routers.set(config, byGlob);
  }
  let router = byGlob.get(glob);
  if (!router) {
    const known = new Map<string, Destinations>();
    router = (kind, subject) => {
      const tags = subject.tags ? JSON.stringify(subject.tags) : '';
      const key = `${kind}|${subject.account}|${subject.region}|${subject.pipeline ?? ''}|${subject.project ?? ''}|${subject.application ?? ''}|${subject.repository ?? ''}|${subject.alarm ?? ''}|${subject.codecommit ?? ''}|${tags}`;
      let destinations = known.get(key);
      if (!destinations) {
        if (known.size >= ROUTER_LIMIT) known.clear();
        destinations = destinationsFor(config, kind, subject, glob);
        known.set(key, destinations);
      }
      return destinations;
    };
    byGlob.set(glob, router);
  }
  return router;
}
