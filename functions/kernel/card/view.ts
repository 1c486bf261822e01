/**
 * A card's facts arranged the way people read a run: stages in the order they ran, each with its
 * actions; builds with their failed phases; deployments with instance counts. Pure derivation, so
 * equal facts always give an equal view.
 */
import type { Fact, Outcome } from '../events/observation';
import { isTerminal, outcomeOf } from './outcome';
import type { FactRecord, RunCard } from './types';

type FactOf<T extends Fact['type']> = Extract<Fact, { type: T }>;
export type Viewed<T extends Fact['type']> = FactOf<T> & { readonly outcome: Outcome; readonly time: string; readonly since: string };

export interface StageView {
  readonly name: string;
  readonly outcome: Outcome;
  readonly state?: string;
  readonly since: string;
  readonly actions: readonly Viewed<'action'>[];
}

export interface BuildView extends Viewed<'build'> {
  readonly failedPhases: readonly Viewed<'build-phase'>[];
  /**
   * The phase that explains the failure, the one the card's line and the thread's reply both name:
   * the first failed phase CodeBuild gave a reason for, else the first failed phase.
   */
  readonly failedPhase?: Viewed<'build-phase'>;
}

export interface DeploymentView extends Viewed<'deployment'> {
  readonly instances: Readonly<Partial<Record<Outcome, number>>>;
}

export interface CardView {
  /** Outcome of the run as a whole. */
  readonly outcome: Outcome;
  /** Earliest time of any fact of the run. */
  readonly started: string;
  /** Time of the fact that speaks for the run (the pipeline execution, the build...), if any. */
  readonly finished?: string;
  readonly pipeline?: Viewed<'pipeline'>;
  readonly stages: readonly StageView[];
  readonly builds: readonly BuildView[];
  readonly deployments: readonly DeploymentView[];
  readonly pkg?: Viewed<'package'>;
  readonly alarm?: Viewed<'alarm'>;
  readonly pullRequest?: Viewed<'pull-request'>;
  /** The latest approval state of each person who approved or revoked, in the order they first did. */
  readonly approvals: readonly Viewed<'pull-request-approval'>[];
  readonly reference?: Viewed<'reference'>;
}

/** @example viewOf(card).stages.map((s) => s.name) // ['Source', 'Build', 'Deploy'] */
function buildView(build: Viewed<'build'>, phases: readonly Viewed<'build-phase'>[]): BuildView {
  const failedPhases = phases.filter((p) => p.buildId === build.buildId);
  const failedPhase = failedPhases.find((p) => p.context) ?? failedPhases[0];
  return { ...build, failedPhases, ...(failedPhase ? { failedPhase } : {}) };
}

export function viewOf(card: RunCard): CardView {
  const records = Object.values(card.facts);
  const all = <T extends Fact['type']>(type: T): Viewed<T>[] =>
    records
      .filter((r): r is FactRecord & { fact: FactOf<T> } => r.fact.type === type)
      .map((r) => ({ ...r.fact, outcome: outcomeOf(r.fact), time: r.time, since: r.since ?? r.time }))
      .sort(bySince);
  const phases = all('build-phase').filter((p) => p.outcome === 'failed' || p.outcome === 'stopped');
  const instances = all('instance');
  const view = {
    // ISO timestamps compare as strings: the earliest start (Math.min would turn them into numbers).
    // biome-ignore lint/complexity/useMathMinMax: strings, not numbers
    started: records.reduce((first, r) => ((r.since ?? r.time) < first ? (r.since ?? r.time) : first), records[0]?.since ?? records[0]?.time ?? ''),
    finished: records.find((r) => r.fact.type === card.run.kind)?.time,
    pipeline: all('pipeline')[0],
    stages: stagesOf(all('stage'), all('action')),
    builds: all('build').map((b) => buildView(b, phases)),
    deployments: all('deployment').map((d) => ({ ...d, instances: countOutcomes(instances.filter((i) => i.deploymentId === d.deploymentId)) })),
    pkg: all('package')[0],
    alarm: all('alarm')[0],
    pullRequest: all('pull-request')[0],
    approvals: all('pull-request-approval'),
    reference: all('reference')[0],
  };
  return { ...view, outcome: overallOutcome(card, view) };
}

function bySince(a: { since: string; time: string }, b: { since: string; time: string }): number {
  return a.since < b.since ? -1 : a.since > b.since ? 1 : a.time < b.time ? -1 : a.time > b.time ? 1 : 0;
}

function stagesOf(stages: readonly Viewed<'stage'>[], actions: readonly Viewed<'action'>[]): StageView[] {
  const names = new Set([...stages.map((s) => s.stage), ...actions.map((a) => a.stage)]);
  return [...names]
    .map((name) => {
      const stage = stages.find((s) => s.stage === name);
      const own = actions.filter((a) => a.stage === name);
      const since = [stage?.since, ...own.map((a) => a.since)].filter((t): t is string => !!t).sort()[0] ?? '';
      // A failed action shows on its stage at once, before the stage's own FAILED event arrives.
      const outcome = stage && isTerminal(stage.outcome) ? stage.outcome : worstOf([...(stage ? [stage.outcome] : []), ...own.map((a) => a.outcome)]);
      return { name, since, state: stage?.state, outcome, actions: own };
    })
    .sort((a, b) => (a.since < b.since ? -1 : a.since > b.since ? 1 : a.name.localeCompare(b.name)));
}

const SEVERITY: readonly Outcome[] = ['failed', 'waiting', 'running', 'stopped', 'succeeded', 'info'];

/** The outcome that matters most among several: one failed action makes a failed stage. */
export function worstOf(outcomes: readonly Outcome[]): Outcome {
  return SEVERITY.find((o) => outcomes.includes(o)) ?? 'info';
}

function countOutcomes(items: readonly { outcome: Outcome }[]): Partial<Record<Outcome, number>> {
  const counts: Partial<Record<Outcome, number>> = {};
  for (const { outcome } of items) counts[outcome] = (counts[outcome] ?? 0) + 1;
  return counts;
}

function overallOutcome(card: RunCard, view: Omit<CardView, 'outcome'>): Outcome {
  switch (card.run.kind) {
    case 'pipeline':
      return view.pipeline?.outcome ?? worstOf(view.stages.map((s) => s.outcome));
    case 'build':
      return view.builds[0]?.outcome ?? 'info';
    case 'deployment':
      return view.deployments[0]?.outcome ?? worstOf(Object.keys(view.deployments[0]?.instances ?? {}) as Outcome[]);
    case 'package':
      return view.pkg?.outcome ?? 'info';
    case 'alarm':
      return view.alarm?.outcome ?? 'info';
    case 'pull-request':
      return view.pullRequest?.outcome ?? 'info';
    case 'reference':
      return view.reference?.outcome ?? 'info';
  }
}
