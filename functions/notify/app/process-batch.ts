/**
 * One SQS batch, merged per run: the records of one run go onto its card together, with one read and
 * one conditional write of the card and at most one `chat.update` per channel, instead of one of each
 * per event. The card is a join-semilattice, so the result is the card the events would have made one
 * by one; only the intermediate states are not shown. A run that fails reports exactly its own
 * records as failed (partial batch response); the others are done.
 *
 * Two passes: events that name their run themselves (pipeline, standalone build, deployment,
 * package, alarm) first, with the builds and deployments a pipeline action of the same batch names;
 * then the other builds and deployments, whose run is found through a link (read once per build or
 * deployment) that the first pass may just have written. The cards of each pass are read in one request.
 */
import { normalize } from '../../kernel/events/normalize';
import type { Observation, RunLink } from '../../kernel/events/observation';
import { parseEvent } from '../../kernel/events/parse';
import type { DeadLetterPort } from '../../kernel/ports';
import { type Redelivery, readRedelivery } from '../domain/redelivery';
import type { NotifyDeps } from './deps';
import { notifyRuns } from './notify-event';
import { asRejected, describeEvent, type RecordLogger, type RecordResult, rejectRecord } from './process-record';
import { pipelineSubject, type ResolvedRun, resolveRun } from './resolve-run';

export interface BatchRecord {
  /** The SQS message id: what a partial batch response names. */
  readonly id: string;
  readonly body: string;
}

export interface BatchDeps {
  readonly deadLetter: DeadLetterPort;
  readonly logger: RecordLogger;
  readonly notify: NotifyDeps;
}

export interface BatchOutcome {
  /** Message ids to hand back to SQS (retried, then dead-lettered by the queue's redrive policy). */
  readonly failed: readonly string[];
  readonly results: ReadonlyMap<string, RecordResult>;
}

interface ReadRecord extends BatchRecord {
  readonly event: unknown;
  readonly observations: readonly Observation[];
  /** Set for notify's own redelivery of a card (no event, no observation). */
  readonly redelivery?: Redelivery;
}

/** @example await processBatch(event.Records.map((r) => ({ id: r.messageId, body: r.body })), deps) // { failed: [], results } */
export async function processBatch(records: readonly BatchRecord[], deps: BatchDeps): Promise<BatchOutcome> {
  const results = new Map<string, RecordResult>();
  const failed: string[] = [];
  const readable: ReadRecord[] = [];
  for (const record of records) {
    const read = await readRecord(record, deps);
    if (read === 'rejected') results.set(record.id, 'rejected');
    else if (read === 'failed') failed.push(record.id);
    else readable.push(read);
  }
  const outcome = { results, failed };

  // A build or deployment that a pipeline action of this same batch names joins that run's group
  // at once: no link to read, and the card is read and written once, not once per pass.
  const named = linksNamedIn(readable);
  const joined = readable.map((r) => joinNamedRun(r, named));
  const own = groupBy(
    joined.filter((r) => !r.observations[0]?.linkable),
    (r) => r.redelivery?.run.key ?? r.observations[0]?.run.key ?? r.id,
  );
  const resolvedOwn: Array<{ records: ReadRecord[]; run: ResolvedRun }> = [];
  for (const records of own) {
    try {
      resolvedOwn.push({ records, run: await resolveOwn(records, deps.notify.store) });
    } catch (error) {
      await fail(records, error, deps, outcome);
    }
  }
  await apply(resolvedOwn, deps, outcome);

  // Other builds and deployments: resolved after the first pass wrote its links (one read per build
  // or deployment, however many of its events the batch holds), then merged per card.
  const resolved: Array<{ records: ReadRecord[]; run: ResolvedRun }> = [];
  for (const records of groupBy(
    joined.filter((r) => r.observations[0]?.linkable),
    (r) => linkKey(r.observations[0]?.linkable),
  )) {
    try {
      resolved.push({
        records,
        run: await resolveRun(
          records.flatMap((r) => r.observations),
          deps.notify.store,
        ),
      });
    } catch (error) {
      await fail(records, error, deps, outcome);
    }
  }
  const linked = groupBy(resolved, ({ run }) => `${run.run.key}|${run.parked}`).flatMap((group) => {
    const [first] = group;
    return first
      ? [{ records: group.flatMap(({ records }) => records), run: { ...first.run, observations: group.flatMap(({ run }) => run.observations) } }]
      : [];
  });
  await apply(linked, deps, outcome);
  return { failed, results };
}

/** A group of records that name their run: its events, and the redelivery of its card if one is among them. */
async function resolveOwn(records: readonly ReadRecord[], store: NotifyDeps['store']): Promise<ResolvedRun> {
  const redelivery = records.find((r) => r.redelivery)?.redelivery;
  const observations = records.flatMap((r) => r.observations);
  if (observations.length === 0 && redelivery) return { ...redelivery, observations: [], parked: false, redelivery: true };
  const run = await resolveRun(observations, store);
  return redelivery ? { ...run, redelivery: true } : run;
}

type Outcome = { results: Map<string, RecordResult>; failed: string[] };

/** Runs' records onto their cards, with one take of Slack's budget for all; a failure fails exactly its run's records. */
async function apply(runs: ReadonlyArray<{ records: readonly ReadRecord[]; run: ResolvedRun }>, deps: BatchDeps, outcome: Outcome): Promise<void> {
  if (runs.length === 0) return;
  const outcomes = await notifyRuns(
    runs.map((r) => r.run),
    deps.notify,
  );
  for (const [i, { records, run }] of runs.entries()) {
    const result = outcomes[i];
    if (!result) continue;
    if (!result.ok) {
      await fail(records, result.error, deps, outcome);
      continue;
    }
    // One line per run, naming each of its events by EventBridge id (to follow one across retries):
    // a line per record cost as much CPU as the merge it reports.
    deps.logger.info('run processed', { result: result.result, run: run.run.key, events: records.map((r) => describeEvent(r.event).eventId ?? r.id) });
    for (const record of records) outcome.results.set(record.id, result.result);
  }
}

/** A run that failed: refused for good, each record to the dead-letter queue with the reason; otherwise back to SQS. */
async function fail(records: readonly ReadRecord[], error: unknown, deps: BatchDeps, outcome: Outcome): Promise<void> {
  if (asRejected(error)) {
    // Refused for good (the bot is not in the channel…): each record to the dead-letter queue with the reason.
    for (const record of records) {
      try {
        await rejectRecord(record.body, record.event, error, deps);
        outcome.results.set(record.id, 'rejected');
      } catch (sendError) {
        deps.logger.error('event failed', { ...describeEvent(record.event), error: sendError });
        outcome.failed.push(record.id);
      }
    }
    return;
  }
  for (const record of records) deps.logger.error('event failed', { ...describeEvent(record.event), error });
  outcome.failed.push(...records.map((r) => r.id));
}

/** A record read into its run's observations; one we cannot read goes to the dead-letter queue. */
async function readRecord(record: BatchRecord, deps: BatchDeps): Promise<ReadRecord | 'rejected' | 'failed'> {
  let event: unknown;
  try {
    event = JSON.parse(record.body);
    deps.logger.debug('event received', { event });
    const redelivery = readRedelivery(event);
    if (redelivery) return { ...record, event, observations: [], redelivery };
    return { ...record, event, observations: normalize(parseEvent(event)) };
  } catch (error) {
    if (!asRejected(error)) {
      deps.logger.error('event failed', { ...describeEvent(event), error });
      return 'failed';
    }
    try {
      await rejectRecord(record.body, event, error, deps);
      return 'rejected';
    } catch (sendError) {
      // The dead-letter queue could not take it: SQS keeps the record and tries again.
      deps.logger.error('event failed', { ...describeEvent(event), error: sendError });
      return 'failed';
    }
  }
}

const linkKey = (link: RunLink | undefined) => (link ? `${link.kind}#${link.externalId}` : '');

/** The builds and deployments the batch's pipeline actions name, and the run each belongs to. */
function linksNamedIn(records: readonly ReadRecord[]): ReadonlyMap<string, string> {
  const named = new Map<string, string>();
  for (const record of records)
    for (const o of record.observations) if (o.run.kind === 'pipeline') for (const link of o.links ?? []) named.set(linkKey(link), o.run.key);
  return named;
}

/**
 * A record of a build or deployment that `named` places on a pipeline run, as that run's record:
 * what {@link resolveRun} makes of it once the link is stored. Any other record unchanged.
 */
function joinNamedRun(record: ReadRecord, named: ReadonlyMap<string, string>): ReadRecord {
  const owner = named.get(linkKey(record.observations[0]?.linkable));
  const subject = owner ? pipelineSubject(owner) : undefined;
  if (!owner || !subject) return record;
  const run = { kind: 'pipeline', key: owner } as const;
  return { ...record, observations: record.observations.map(({ linkable: _, ...o }) => ({ ...o, run, subject })) };
}

/** Items grouped by key, groups in the order their first item came (SQS's order, as far as it keeps one). */
function groupBy<T>(items: readonly T[], key: (item: T) => string): T[][] {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return [...groups.values()];
}
