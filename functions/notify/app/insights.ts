/**
 * Delivery insights on the notify path: what a merge changed of a run's delivery facts is recorded
 * (functions/kernel/delivery), counted as metrics, and a run's end moves its pipeline's failure
 * streak. Facts are recorded before the card is stored: a lost write race or a failed delivery
 * makes the next attempt derive the same facts again (recording is idempotent), where recording
 * after the store would leave them unrecorded once the card held them. Metrics are not idempotent:
 * they are counted once the card that holds their facts is stored (`count`), against the card it
 * replaced, so two workers that saw the same fact count it once.
 */
import type { RunCard } from '../../kernel/card/types';
import type { Config } from '../../kernel/config/schema';
import { changedFacts, deliveryFactsOf, ownRollbackCaller } from '../../kernel/delivery/derive';
import { type DeliveryFact, factKey } from '../../kernel/delivery/fact';
import type { GlobCompiler } from '../../kernel/glob';
import type { MetricDatum } from '../../kernel/ports';
import { productionStageTestWith } from '../../kernel/production';
import { routeLabel, routeMatches } from '../../kernel/routing';
import type { NotifyDeps } from './deps';
import { followStreak, withStreak } from './streaks';

/** A run's card after its insights, and how to count its new facts' metrics once it is stored. */
export interface Insighted {
  readonly card: RunCard;
  /**
   * Counts the metrics of the facts new on `card` since `replaced` (the stored card the write
   * replaced: by default the one this card was merged onto), at most once whatever is called after.
   */
  readonly count: (replaced?: RunCard) => void;
}

const NOTHING_TO_COUNT = () => undefined;

/**
 * Returns the card, with the failure streak its run continues when it ended one more failure of it.
 *
 * @example const { card, count } = await recordInsights(before, merged, deps); await store.put(card, version); count();
 */
export async function recordInsights(before: RunCard, after: RunCard, deps: NotifyDeps): Promise<Insighted> {
  const insights = deps.insights;
  if (!insights || before === after || after.run.kind !== 'pipeline') return { card: after, count: NOTHING_TO_COUNT };
  const isProduction = productionStageTestWith(deps.config.productionStages, deps.globs);
  const isOwn = ownRollbackCaller(deps.config.organization?.actorRoleName);
  const changed = changedFacts(before, after, isProduction, isOwn);
  if (changed.length === 0) return { card: after, count: NOTHING_TO_COUNT };
  const keysOf = (card: RunCard) => new Map(deliveryFactsOf(card, isProduction, isOwn).map((f) => [factKey(f), f]));
  const known = keysOf(before);
  const replaced = changed.flatMap((f) => known.get(factKey(f)) ?? []);
  await insights.facts.record(changed, replaced);
  let counted = false;
  const count = (stored: RunCard = before) => {
    const metrics = insights.metrics;
    if (counted || !metrics) return;
    counted = true;
    const held = stored === before ? known : keysOf(stored);
    const fresh = changed.filter((f) => !held.has(factKey(f)));
    for (const Team of teamsOf(deps.config, after, deps.globs))
      for (const datum of fresh.flatMap(metricsOf)) metrics.add({ ...datum, dimensions: { Team, Account: after.subject.account } });
  };
  let card = after;
  for (const fact of changed) if (fact.kind === 'run') card = withStreak(card, fact, await followStreak(fact, after, insights.streaks, deps));
  return { card, count };
}

/**
 * The metrics' `Team`: every route the run's pipeline takes (`routeLabel`), each counted, so a route's
 * digest chart and its text count the same pipelines; `unrouted` when none. Low-cardinality by construction.
 */
export function teamsOf(config: Config, card: RunCard, glob: GlobCompiler): string[] {
  const teams = config.routes.flatMap((r, i) => (routeMatches(r, 'pipeline', card.subject, glob) ? [routeLabel(r, i)] : []));
  return teams.length ? teams : ['unrouted'];
}

const seconds = (from: string, to: string) => Math.max(0, (Date.parse(to) - Date.parse(from)) / 1000);

/** What a newly seen fact adds to the dashboard's metrics. */
function metricsOf(fact: DeliveryFact): Omit<MetricDatum, 'dimensions'>[] {
  switch (fact.kind) {
    case 'deployment':
      return [
        { name: 'Deployments', unit: 'Count', value: 1 },
        { name: 'LeadTime', unit: 'Seconds', value: seconds(fact.committedAt ?? fact.startedAt, fact.at) },
      ];
    case 'failed-deployment':
      return [{ name: 'FailedDeployments', unit: 'Count', value: 1 }];
    case 'rollback':
      return [{ name: 'Rollbacks', unit: 'Count', value: 1 }];
    case 'approval':
      return [{ name: 'ApprovalWait', unit: 'Seconds', value: fact.waitSeconds }];
    case 'run':
      return fact.outcome === 'failed' ? [{ name: 'FailedRuns', unit: 'Count', value: 1 }] : [];
  }
}
