import type { Fact, Observation, RunRef, Subject } from '../events/observation';
import { isTerminal, outcomeOf } from './outcome';
import type { FactRecord, RunCard } from './types';

/**
 * The entity a fact is about; one record per entity is kept.
 *
 * @example entityKey({ type: 'action', stage: 'Build', action: 'Compile', ... }) // 'action:Build/Compile'
 */
export function entityKey(fact: Fact): string {
  switch (fact.type) {
    case 'pipeline':
    case 'package':
    case 'alarm':
    case 'pull-request':
    case 'reference':
      return fact.type;
    case 'pull-request-approval':
      return `approval:${fact.approver}`;
    case 'pull-request-comment':
      return `comment:${fact.commentId}${fact.at ? `@${fact.at}` : ''}`;
    case 'stage':
      return `stage:${fact.stage}`;
    case 'action':
      return `action:${fact.stage}/${fact.action}`;
    case 'build':
      return `build:${fact.buildId}`;
    case 'build-phase':
      return `phase:${fact.buildId}/${fact.phase}`;
    case 'deployment':
      return `deployment:${fact.deploymentId}`;
    case 'instance':
      return `instance:${fact.deploymentId}/${fact.instanceId}`;
  }
}

/**
 * A total order on records of one entity: a merged pull request stays merged (CodeCommit may restate
 * it closed); then later time wins; at the same second a finished state beats a running one (AWS
 * stamps whole seconds); the event id breaks any remaining tie. Being a total order is what makes
 * `merge` commutative.
 */
export function isNewer(a: FactRecord, b: FactRecord): boolean {
  const ma = isMerged(a.fact) ? 1 : 0;
  const mb = isMerged(b.fact) ? 1 : 0;
  if (ma !== mb) return ma > mb;
  if (a.time !== b.time) return a.time > b.time;
  const ta = isTerminal(outcomeOf(a.fact)) ? 1 : 0;
  const tb = isTerminal(outcomeOf(b.fact)) ? 1 : 0;
  if (ta !== tb) return ta > tb;
  return a.eventId > b.eventId;
}

const isMerged = (fact: Fact): boolean => fact.type === 'pull-request' && fact.state === 'MERGED';

/** An empty card for a run, before any observation. */
export function emptyCard(run: RunRef, subject: Subject): RunCard {
  return { run, subject, facts: {}, failures: {}, slack: {}, threads: [], emails: [] };
}

/**
 * Adds observations to a card. Commutative, associative and idempotent over the card's content
 * (facts and failures): any order of the same events, with any duplicates, gives the same content.
 * Returns the same object when nothing changed, so callers can skip the write and the Slack call.
 */
export function merge(card: RunCard, observations: readonly Observation[]): RunCard {
  return mergeRecords(
    card,
    observations.map((obs) => ({ time: obs.time, since: obs.time, eventId: obs.eventId, fact: obs.fact })),
  );
}

/** Merges another card's content (a build parked before its pipeline was known) into this one. */
export function absorb(card: RunCard, other: RunCard): RunCard {
  return mergeRecords(card, [...Object.values(other.facts), ...Object.values(other.failures)]);
}

function mergeRecords(card: RunCard, records: readonly FactRecord[]): RunCard {
  let facts = card.facts;
  let failures = card.failures;
  for (const record of records) {
    const key = entityKey(record.fact);
    const current = facts[key];
    const next = current ? join(current, record) : record;
    if (next !== current) facts = { ...facts, [key]: next };
    if (outcomeOf(record.fact) === 'failed') {
      const failureKey = `${key}@${record.time}`;
      const seen = failures[failureKey];
      const kept = seen ? join(seen, record) : record;
      if (kept !== seen) failures = { ...failures, [failureKey]: kept };
    }
  }
  if (facts === card.facts && failures === card.failures) return card;
  return { ...card, facts, failures };
}

/** The least upper bound of two records of one entity; returns `current` when nothing changes. */
function join(current: FactRecord, incoming: FactRecord): FactRecord {
  const since = minTime(current.since ?? current.time, incoming.since ?? incoming.time);
  const winner = isNewer(incoming, current) ? incoming : current;
  if (winner === current && since === (current.since ?? current.time)) return current;
  return { ...winner, since };
}

function minTime(a: string, b: string): string {
  return a < b ? a : b;
}
