/**
 * The organization sweep (organization mode, statemachines/governance-sweep.asl.yaml): the daily
 * audit and the freeze tick over every member account and region. Three steps of one Lambda:
 *
 * - `places`: the accounts of the configured OUs (and the listed accounts) × the regions;
 * - `place`: the audit, or the tick, of ONE place with that place's ports (the actor role there);
 *   its result is stored (the state machine's state could not hold a thousand accounts' results),
 *   and a place that cannot be checked (its actor role refused) is stored as that place's error;
 * - `report`: one report for the whole organization, grouped by account, posted once per sweep.
 */
import { PermanentError } from '../../kernel/errors';
import { formatIssue } from '../../kernel/issues';
import type { Place } from '../../kernel/ports';
import * as z from '../../kernel/zod';
import { actionLine } from '../domain/report';
import { renderSweepEmail, renderSweepReport, renderSweepThread } from '../domain/sweep-report';
import type { PlaceSummary } from '../ports';
import { type GovernanceDeps, placed } from './deps';
import { once } from './once';
import { auditHere, tick } from './run';

/**
 * Places a sweep covers at most. An inline Map's iterations each add about 7 events to the
 * execution's history (MapIterationStarted, TaskStateEntered, TaskScheduled, TaskStarted,
 * TaskSucceeded, TaskStateExited, MapIterationSucceeded), and a Standard execution ends at 25,000:
 * 3,000 places is about 21,000 events, with room for the other states and a few retries. Beyond it
 * the report says how many were left out (a Distributed Map would be the way to cover more).
 */
export const MAX_SWEEP_PLACES = 3_000;

const PlaceShape = z.object({ account: z.string().check(z.minLength(1)), region: z.string().check(z.minLength(1)) });
const Kind = z.enum(['audit', 'tick']);
/** What the Map's Catch leaves of an item that failed past its retries: its place and the error's name. */
const Failed = z.object({ place: PlaceShape, failed: z.string(), cause: z.optional(z.nullable(z.string())) });

export const SweepPayload = z.discriminatedUnion('sweep', [
  z.object({
    sweep: z.literal('places'),
    /** The execution's input: the schedule's `{"warden":"audit","id":…}` or `{"warden":"tick"}`. */
    input: z.object({ warden: Kind, id: z.optional(z.string()) }),
    executionName: z.string().check(z.minLength(1)),
  }),
  z.object({ sweep: z.literal('place'), kind: Kind, key: z.string().check(z.minLength(1)), place: PlaceShape }),
  z.object({
    sweep: z.literal('report'),
    kind: Kind,
    key: z.string().check(z.minLength(1)),
    places: z.array(PlaceShape),
    skipped: z.optional(z.number()),
    /** Each item's output: `{}` (stored), or what the Catch made of a failure. */
    results: z.array(z.unknown()),
  }),
]);
export type SweepPayload = z.infer<typeof SweepPayload>;

/** A step payload of the sweep (it has `sweep`), as opposed to an EventBridge event. */
export const isSweepPayload = (raw: unknown): boolean => typeof raw === 'object' && raw !== null && 'sweep' in raw;

/** Each step's output has a one-line `summary` (the Lambda's answer, logged); `places` also the Map's items. */
export async function runSweepStep(raw: unknown, deps: GovernanceDeps): Promise<{ readonly summary: string }> {
  const parsed = SweepPayload.safeParse(raw);
  if (!parsed.success) throw new PermanentError(`governance sweep: bad input: ${parsed.error.issues.flatMap(formatIssue).join('; ')}`);
  const p = parsed.data;
  switch (p.sweep) {
    case 'places':
      return places(p.input, p.executionName, deps);
    case 'place':
      return sweepPlace(p.kind, p.key, p.place, deps);
    case 'report':
      return sweepReport(p, deps);
  }
}

/**
 * The places, ordered region by region: the Map runs neighbouring items at the same time, so
 * concurrent items are different accounts, and CodePipeline's per-account throttles meet one item
 * (READ_CONCURRENCY reads in flight) at a time.
 */
async function places(input: { warden: 'audit' | 'tick'; id?: string | undefined }, executionName: string, deps: GovernanceDeps) {
  if (!deps.places || !deps.sweeps) throw new PermanentError('governance sweep: organization mode only (no organization places or sweep store)');
  const all = (await deps.places.list()).slice().sort((a, b) => a.region.localeCompare(b.region) || a.account.localeCompare(b.account));
  const kept = all.slice(0, MAX_SWEEP_PLACES);
  if (kept.length < all.length) deps.logger.warn('governance sweep: too many places for one execution', { places: all.length, kept: kept.length });
  return {
    summary: `${input.warden}: ${kept.length} place(s)${kept.length < all.length ? `, ${all.length - kept.length} left out` : ''}`,
    kind: input.warden,
    // A duplicate delivery of one day's schedule starts a second execution: the event id makes them one report.
    key: input.id ?? executionName,
    places: kept,
    skipped: all.length - kept.length,
  };
}

/**
 * One place's audit or tick. A place that refuses (its actor role missing or not trusting us) is
 * that place's error in the report; a throttle or a timeout is thrown, for the state machine to retry.
 */
export async function sweepPlace(kind: 'audit' | 'tick', key: string, place: Place, deps: GovernanceDeps): Promise<{ readonly summary: string }> {
  if (!deps.sweeps) throw new PermanentError('governance sweep: no sweep store');
  let summary: PlaceSummary;
  try {
    const here = placed(deps, place);
    if (kind === 'audit') {
      const { checked, violations, actions } = await auditHere(here);
      summary = {
        place,
        checked,
        violations: violations.map((v) => ({
          rule: v.ruleId,
          resource: `${v.resource.kind} ${v.resource.name}`,
          severity: v.severity,
          message: v.message,
          ...(v.stage ? { stage: v.stage } : {}),
          ...(v.mode === 'enforce' ? { enforced: true } : {}),
        })),
        actions: actions.map((a) => actionLine(a, 'plain')),
      };
    } else {
      // The tick posts its own message when it closes or opens stages (with the break-glass buttons of that place).
      const result = await tick(here, place);
      summary = { place, checked: 0, violations: [], actions: (result.actions ?? []).map((a) => actionLine(a, 'plain')) };
    }
  } catch (error) {
    if (!(error instanceof PermanentError)) throw error;
    deps.logger.warn('governance sweep: place not checked', { ...place, error: error.message });
    summary = { place, checked: 0, violations: [], actions: [], error: error.message };
  }
  await deps.sweeps.put(key, summary);
  return {
    summary: `${place.account}/${place.region}: ${summary.error ? 'not checked' : `${summary.checked} checked, ${summary.violations.length} violation(s), ${summary.actions.length} transition change(s)`}`,
  };
}

async function sweepReport(p: Extract<SweepPayload, { sweep: 'report' }>, deps: GovernanceDeps): Promise<{ summary: string }> {
  if (!deps.sweeps) throw new PermanentError('governance sweep: no sweep store');
  const stored = new Map((await deps.sweeps.list(p.key)).map((s) => [`${s.place.account}/${s.place.region}`, s]));
  const failed = new Map<string, z.infer<typeof Failed>>();
  for (const r of p.results) {
    const f = Failed.safeParse(r);
    if (f.success) failed.set(`${f.data.place.account}/${f.data.place.region}`, f.data);
  }
  const summaries: PlaceSummary[] = p.places.map((place) => {
    const key = `${place.account}/${place.region}`;
    const f = failed.get(key);
    if (f) return { place, checked: 0, violations: [], actions: [], error: `${f.failed}${f.cause ? `: ${f.cause.slice(0, 300)}` : ''}` };
    return stored.get(key) ?? { place, checked: 0, violations: [], actions: [], error: 'no result recorded (see the execution history)' };
  });
  const checked = summaries.reduce((n, s) => n + s.checked, 0);
  const violations = summaries.reduce((n, s) => n + s.violations.length, 0);
  const errors = summaries.filter((s) => s.error).length;
  const summary = `organization ${p.kind}: ${summaries.length} place(s), ${checked} checked, ${violations} violation(s), ${errors} place(s) not checked`;
  // The tick's places post their own changes; its sweep reports nothing more (every 5 minutes would be noise).
  if (p.kind === 'audit') await report({ summaries, skipped: p.skipped ?? 0 }, p.key, deps);
  deps.logger.info('governance sweep', { summary });
  return { summary };
}

async function report(input: Parameters<typeof renderSweepReport>[0], key: string, deps: GovernanceDeps): Promise<void> {
  const once_ = (what: string) => `report#${key}#${what}`;
  const channel = deps.config.governance?.report?.slack?.channel;
  const top = await once(once_('slack'), async () => (channel ? (await deps.slack.postMessage({ channel, ...renderSweepReport(input) })).ts : undefined), deps);
  if (top && channel) for (const reply of renderSweepThread(input)) await deps.slack.postMessage({ channel, threadTs: top, ...reply });
  for (const topic of deps.config.governance?.report?.email?.topics ?? []) {
    await once(once_(`email#${topic}`), () => deps.email.publish(renderSweepEmail(input, topic === 'default' ? deps.defaultTopicArn : topic)), deps);
  }
}
