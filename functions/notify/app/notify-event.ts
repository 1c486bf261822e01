/**
 * The hot path for one EventBridge event: parse → normalize → choose the card → merge → plan →
 * deliver → store. Shared by the Lambda handler and by `warden replay`, which differ only in the
 * adapters they pass.
 */
import { absorb, emptyCard, merge } from '../../kernel/card/merge';
import type { RunCard } from '../../kernel/card/types';
import { policyFor, routesOnTags, unclaimedBuildGraceMs } from '../../kernel/config/settings';
import { CardBusyError, CardConflictError, PermanentError } from '../../kernel/errors';
import { DEPLOY_PROVIDERS, normalize } from '../../kernel/events/normalize';
import type { Observation, Subject } from '../../kernel/events/observation';
import { parseEvent } from '../../kernel/events/parse';
import type { StoredCard } from '../../kernel/ports';
import { routerFor } from '../../kernel/routing';
import type { Grant, SlackCall } from '../../kernel/slack-budget';
import { awaitingRedelivery, claimChannels } from '../domain/delivery';
import { type CardStep, isEmptyPlan, type Plan, planDelivery, type ThreadStep } from '../domain/plan';
import { buildLinkId, isPosted, startingPipeline, unclaimedAnnouncementAt } from '../domain/unclaimed-build';
import { withCommits } from './commits';
import { type Deferral, deliver } from './deliver';
import type { NotifyDeps } from './deps';
import { recordInsights } from './insights';
import { deploymentGroupKey, ownKeyOf, type ResolvedRun, resolveRun } from './resolve-run';

export type { NotifyDeps };

/** `deferred`: some of it waits for Slack's budget; a redelivery is scheduled. */
export type NotifyResult = 'delivered' | 'deferred' | 'unchanged' | 'parked';

/** Attempts in-process after a lost race or a busy card, before the record goes back to SQS. */
const ATTEMPTS = 8;

/**
 * @example await notifyEvent(JSON.parse(record.body), deps) // 'delivered'
 * @throws EventRejectedError for an event we cannot read (permanent), RetryableError subclasses otherwise.
 */
export async function notifyEvent(raw: unknown, deps: NotifyDeps): Promise<NotifyResult> {
  return notifyRun(await resolveRun(normalize(parseEvent(raw)), deps.store), deps);
}

/**
 * One run's observations (one event's, or a batch's merged: the card is a join-semilattice, so
 * merging them first changes nothing but the number of reads, writes and Slack calls) onto its card.
 */
export async function notifyRun(resolved: ResolvedRun, deps: NotifyDeps): Promise<NotifyResult> {
  const [outcome] = await notifyRuns([resolved], deps);
  if (!outcome) throw new Error('notifyRun: no outcome');
  if (!outcome.ok) throw outcome.error;
  return outcome.result;
}

export type RunOutcome = { readonly ok: true; readonly result: NotifyResult } | { readonly ok: false; readonly error: unknown };

/**
 * Several runs (a batch's), each onto its card, with one take of Slack's budget for all of them:
 * the reads and plans first, then the budget, then each delivery and write. A run's failure is its
 * own outcome; the others go on.
 */
export async function notifyRuns(runs: readonly ResolvedRun[], deps: NotifyDeps): Promise<RunOutcome[]> {
  const outcomes: RunOutcome[] = [];
  const prepared: Array<{ index: number; run: Prepared }> = [];
  const linking: ResolvedRun[] = [];
  for (const [index, resolved] of runs.entries()) {
    try {
      await writeLinks(resolved, deps);
      linking.push(resolved);
    } catch (error) {
      outcomes[index] = { ok: false, error };
    }
  }
  // The batch's cards, and those of the builds and deployments its actions name, in one request
  // instead of a read each (a lone run naming nothing reads its card alone, below).
  const keys = new Set(linking.flatMap((r) => [r.run.key, ...namedLinks(r.observations).map((link) => ownKeyOf(link, r.subject))]));
  let read: ReadonlyMap<string, StoredCard> | undefined;
  if (keys.size > 1) {
    try {
      read = await deps.store.getMany([...keys]);
    } catch (error) {
      return runs.map((_, index) => outcomes[index] ?? { ok: false, error });
    }
  }
  for (const [index, resolved] of runs.entries()) {
    if (outcomes[index]) continue;
    try {
      const run = await prepare(resolved, deps, read);
      if (typeof run === 'string') outcomes[index] = { ok: true, result: run };
      else prepared.push({ index, run });
    } catch (error) {
      outcomes[index] = { ok: false, error };
    }
  }
  const wanted = prepared.map(({ run }) => budgetedSteps(run, deps.now()));
  let grants: readonly Grant[];
  try {
    grants = await take(wanted.flat(), deps);
  } catch (error) {
    for (const { index } of prepared) outcomes[index] = { ok: false, error };
    return outcomes;
  }
  let offset = 0;
  for (const [i, { index, run }] of prepared.entries()) {
    const steps = wanted[i] ?? [];
    const granted = grants.slice(offset, offset + steps.length);
    offset += steps.length;
    try {
      outcomes[index] = { ok: true, result: await complete(run, steps, granted, deps) };
    } catch (error) {
      outcomes[index] = isContended(error) ? await retried(run.resolved, error, deps) : { ok: false, error };
    }
  }
  return outcomes;
}

/** A run whose card another worker changed or is posting: read, plan and take the budget again, alone. */
async function retried(resolved: ResolvedRun, first: unknown, deps: NotifyDeps): Promise<RunOutcome> {
  const sleep = deps.sleep ?? pause;
  let last = first;
  for (let attempt = 2; ; attempt += 1) {
    // Another worker is posting this run's first message: it takes a Slack round trip. Waiting
    // here beats handing the record back to SQS, which would hold it for a visibility timeout.
    if (last instanceof CardBusyError) await sleep(BUSY_WAIT_MS * (attempt - 1));
    // A lost write race: retry at once would meet the same writers; a little jitter spreads them.
    else await sleep(Math.random() * CONFLICT_JITTER_MS * (attempt - 1));
    try {
      const run = await prepare(resolved, deps);
      if (typeof run === 'string') return { ok: true, result: run };
      const steps = budgetedSteps(run, deps.now());
      return { ok: true, result: await complete(run, steps, await take(steps, deps), deps) };
    } catch (error) {
      if (!isContended(error) || attempt === ATTEMPTS) return { ok: false, error };
      last = error;
    }
  }
}

const isContended = (error: unknown) => error instanceof CardConflictError || error instanceof CardBusyError;
const BUSY_WAIT_MS = 300;
const CONFLICT_JITTER_MS = 20;
const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A run read, merged and planned, with Slack calls to make. */
interface Prepared {
  readonly resolved: ResolvedRun;
  readonly card: RunCard;
  readonly version: number;
  readonly plan: Plan;
  /** Counts the metrics of the run's new delivery facts: called once the card holding them is stored. */
  readonly count: (replaced?: RunCard) => void;
}

/**
 * Reads (unless the batch's read brought it: `read`) and merges a run's card and plans its delivery;
 * a run with nothing to send is finished here.
 */
async function prepare(resolved: ResolvedRun, deps: NotifyDeps, read?: ReadonlyMap<string, StoredCard>): Promise<Prepared | NotifyResult> {
  const stored = read ? read.get(resolved.run.key) : await deps.store.get(resolved.run.key);
  // A redelivery of a card that is gone (expired) has nothing to deliver.
  if (!stored && resolved.observations.length === 0) return 'unchanged';
  const before = stored?.card ?? emptyCard(resolved.run, await withTags(resolved.subject, deps));
  const merged = merge(before, resolved.observations);
  // A duplicate changes nothing, so it has nothing new to link either.
  const related = merged === before ? before : await linkRelated(merged, resolved.observations, deps, read);
  const linked = related === before ? before : await withCommits(related, deps);
  const version = stored?.version ?? 0;
  // A build announced on its own card (unclaimed past its grace) is no longer parked: its updates go to that card.
  if (resolved.parked && !isPosted(linked)) {
    const parked = await scheduleUnclaimed(linked, deps);
    if (parked !== before) await deps.store.put(parked, version);
    return parked === before ? 'unchanged' : 'parked';
  }
  const claimed = await claimedBuild(linked, deps);
  if (claimed === 'announced') return 'unchanged';
  const { partOf } = claimed;
  const { card, count } = await recordInsights(before, claimed.card, deps);
  const pipeline = card.subject.pipeline;
  const approvalHasPolicy = (stage: string, action: string) =>
    pipeline !== undefined && policyFor(deps.config.approvals, { pipeline, stage, action }, deps.globs) !== undefined;
  const plan = planDelivery(card, routerFor(deps.config, deps.globs)(card.run.kind, card.subject), { approvalHasPolicy, partOf });
  if (isEmptyPlan(plan)) {
    if (card !== before) {
      await deps.store.put(card, version);
      count();
    }
    return 'unchanged';
  }
  return { resolved, card, version, plan, count };
}

/**
 * A parked build that failed gets one redelivery at its failure time plus the grace
 * (`defaults.unclaimedBuildGrace`): an SQS message delay, no polling. The card is marked (`deferred`)
 * so a duplicate of the failure does not schedule a second one. The redelivery is scheduled before
 * the mark is written: a lost write means a second message at worst, never none.
 * Without `deps.pacing` (tests, the dev server) nothing is scheduled; `warden replay` brings a queue
 * on its virtual clock (cli/replay-queue.ts).
 */
async function scheduleUnclaimed(card: RunCard, deps: NotifyDeps): Promise<RunCard> {
  const at = deps.pacing && unclaimedAnnouncementAt(card, unclaimedBuildGraceMs(deps.config));
  if (!deps.pacing || !at) return card;
  await deps.pacing.redelivery.schedule(card, at, deps.now());
  return { ...card, deferred: at.toISOString() };
}

/**
 * A card of a build a pipeline started, delivered (not parked): only the redelivery scheduled by
 * {@link scheduleUnclaimed}, or a later update of the card it posted. Claimed by its pipeline action
 * in time, it was announced on the pipeline's card (`announced`: nothing to do); otherwise it goes
 * on its own card, routed like a build of that pipeline (the subject names the pipeline). Claimed
 * after its card was posted, the card names the pipeline run it belongs to (`partOf`).
 */
async function claimedBuild(card: RunCard, deps: NotifyDeps): Promise<{ card: RunCard; partOf?: string } | 'announced'> {
  const pipeline = startingPipeline(card);
  if (pipeline === undefined) return { card };
  const owner = await deps.store.getLink('build', buildLinkId(card));
  if (isPosted(card)) return owner ? { card, partOf: owner } : { card };
  if (owner) return 'announced';
  if (card.subject.pipeline === pipeline) return { card };
  return { card: { ...card, subject: await withTags({ ...card.subject, pipeline }, deps) } };
}

/**
 * The subject of a new card (a pipeline's run, or a build announced as its pipeline's), with the
 * pipeline's tags when some route matches on tags: read once, when the card is created, and kept on
 * it for the rest of the run.
 */
async function withTags(subject: Subject, deps: NotifyDeps): Promise<Subject> {
  if (!deps.tags || !subject.pipeline || !routesOnTags(deps.config)) return subject;
  const tags = await deps.tags.pipelineTags({ place: { account: subject.account, region: subject.region }, pipeline: subject.pipeline });
  return { ...subject, tags };
}

/** A step of the plan that needs one Slack call, and so a slot of the budget. */
type BudgetedStep = { readonly call: SlackCall; readonly card: CardStep } | { readonly call: SlackCall; readonly thread: ThreadStep };

/**
 * The Slack calls a run asks the budget for. While a redelivery of its card is coming, the card's
 * own updates wait for it (they coalesce: the redelivery shows the latest state); thread replies
 * about failures still ask, they are never merged away.
 */
function budgetedSteps(run: Prepared, now: Date): BudgetedStep[] {
  const coalesced = !run.resolved.redelivery && awaitingRedelivery(run.card, now);
  const cards = coalesced
    ? []
    : run.plan.cards.map((card) => ({ call: { method: card.ts ? 'chat.update' : 'chat.postMessage', channel: card.channel } as const, card }));
  const threads = run.plan.threads.map((thread) => ({ call: { method: 'chat.postMessage', channel: thread.channel } as const, thread }));
  return [...cards, ...threads];
}

/** One take of the shared budget for all these calls; without pacing, every call goes. */
async function take(steps: readonly BudgetedStep[], deps: NotifyDeps): Promise<readonly Grant[]> {
  if (!deps.pacing || steps.length === 0) return steps.map(() => true);
  return deps.pacing.budget.take(
    steps.map((s) => s.call),
    deps.now(),
  );
}

/**
 * Sends what the budget granted and schedules the rest: a card whose update or thread reply has to
 * wait gets one redelivery, at the time its slot is expected, which delivers whatever the card
 * holds by then. Emails are not Slack's budget's: they go at once.
 */
async function complete(run: Prepared, steps: readonly BudgetedStep[], grants: readonly Grant[], deps: NotifyDeps): Promise<NotifyResult> {
  const { card, plan } = run;
  const granted = steps.filter((_, i) => grants[i] === true);
  const cards = granted.flatMap((s) => ('card' in s ? [s.card] : []));
  const threads = granted.flatMap((s) => ('thread' in s ? [s.thread] : []));
  const waits = grants.filter((g): g is Date => g instanceof Date);
  const coalesced = plan.cards.length > 0 && !steps.some((s) => 'card' in s);
  let deferral: Deferral | undefined;
  if (waits.length > 0) {
    const until = new Date(Math.max(...waits.map((d) => d.getTime())));
    // A card that already awaits a redelivery (and is not it) rides on that one.
    deferral = { until, schedule: run.resolved.redelivery === true || !awaitingRedelivery(card, deps.now()) };
  } else if (coalesced && card.deferred) deferral = { until: new Date(card.deferred), schedule: false };
  let version = run.version;
  let current = card;
  const posts = cards.filter((step) => !step.ts).map((step) => step.channel);
  if (posts.length > 0) {
    const claim = claimChannels(card, posts, deps.now());
    if (!claim.ok) throw new CardBusyError(`run ${card.run.key}: another worker is posting its card (claimed ${claim.heldBy})`);
    await deps.store.put(claim.card, version);
    run.count();
    version += 1;
    current = claim.card;
  }
  return deliver({ cards, threads, emails: plan.emails }, current, version, deps, deferral, run.count);
}

/** The builds and deployments a run's pipeline actions name. */
const namedLinks = (observations: readonly Observation[]) => observations.flatMap((o) => o.links ?? []);

/**
 * Links the builds and deployments a run's actions name to it, before their cards are read: a build
 * event another worker handles meanwhile either finds the link or wrote its card before the read.
 */
async function writeLinks(resolved: ResolvedRun, deps: NotifyDeps): Promise<void> {
  for (const link of namedLinks(resolved.observations)) await deps.store.putLink(link.kind, link.externalId, resolved.run.key);
}

/**
 * A pipeline action that names its build or deployment links them to this run and brings in
 * whatever was already known about them; a CodeDeploy action that starts announces where it deploys,
 * so its deployment joins this card from its first event. With `read` (the batch's read, made after
 * {@link writeLinks}), the links are written and their cards are in it; otherwise both happen here.
 */
async function linkRelated(card: RunCard, observations: readonly Observation[], deps: NotifyDeps, read?: ReadonlyMap<string, StoredCard>): Promise<RunCard> {
  let result = card;
  for (const link of namedLinks(observations)) {
    const key = ownKeyOf(link, card.subject);
    if (!read) await deps.store.putLink(link.kind, link.externalId, card.run.key);
    const own = read ? read.get(key) : await deps.store.get(key);
    if (own) result = absorb(result, own.card);
    // A build announced on its own card before its action came: that card's next delivery names this run.
    if (own && isPosted(own.card)) await deps.pacing?.redelivery.schedule(own.card, deps.now(), deps.now());
  }
  for (const obs of observations) {
    const f = obs.fact;
    if (f.type !== 'action' || !DEPLOY_PROVIDERS.has(f.provider) || f.state !== 'STARTED' || card.run.kind !== 'pipeline') continue;
    const target = await deps.pipelines
      .deployTarget({
        place: { account: card.subject.account, region: card.subject.region },
        pipeline: card.subject.pipeline ?? '',
        stage: f.stage,
        action: f.action,
        version: obs.pipelineVersion,
      })
      // Not allowed to read the pipeline: the deployment still joins the card when the action
      // completes, so this is no reason to fail the event. A throttle is retried like any other.
      .catch((error: unknown) => {
        if (error instanceof PermanentError) return undefined;
        throw error;
      });
    if (target)
      await deps.store.putLink(
        'deployment-group',
        deploymentGroupKey(card.subject, { application: target.application, deploymentGroup: target.deploymentGroup }),
        card.run.key,
      );
  }
  return result;
}
