/**
 * Production-stage transitions brought in line with what must be closed now: enforced rule
 * violations, change freezes (minus holding break-glass bypasses) and closed change calendars.
 * `plan` decides (reading transitions, records and bypasses), `apply` performs; the change check,
 * the audit, the freeze tick and break-glass all go through here.
 */

import { guardedStages } from '../../kernel/config/rollback';
import { picomatchGlobs } from '../../kernel/glob-picomatch';
import type { PipelineDefinition } from '../domain/definitions';
import { bypassHolds, decideTransitions, stageKey, type TransitionAction, type TransitionRecord, type TransitionState } from '../domain/enforcement';
import type { EvaluationContext, Violation } from '../domain/evaluate';
import { protectedStages } from '../domain/evaluate';
import { activeFreezes, localTime } from '../domain/freeze';
import type { GovernanceDeps } from './deps';

const glob = picomatchGlobs();

/**
 * CodePipeline's read APIs are throttled per account (a few calls per second sustained): an
 * org-wide audit or tick reads hundreds of pipelines, so at most this many calls are in flight.
 */
export const READ_CONCURRENCY = 5;

/** `fn` over `items`, at most `limit` at a time, results in input order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < items.length; i = next++) results[i] = await fn(items[i] as T);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

export async function definitionsOf(names: readonly string[], deps: GovernanceDeps): Promise<PipelineDefinition[]> {
  const found = await mapLimit(names, READ_CONCURRENCY, (name) => deps.pipelines.get(name));
  return found.filter((d): d is PipelineDefinition => d !== undefined);
}

/** Custom rules, the config's production stages, and which stages its rollback guards watch (the alarm rule accepts them). */
export function evaluationContext(deps: GovernanceDeps): EvaluationContext {
  const guarded = new Set(guardedStages(deps.config).map((s) => stageKey(s.pipeline, s.stage)));
  return {
    customRules: deps.customRules,
    productionStages: deps.config.productionStages,
    isGuardedByRollback: (pipeline: string, stage: string) => guarded.has(stageKey(pipeline, stage)),
  };
}

export interface Plan {
  readonly actions: TransitionAction[];
  /** Our records as this plan read them (`<pipeline>/<stage>`): a disable claims the stage against them. */
  readonly seen: ReadonlyMap<string, TransitionRecord>;
  /** `<pipeline>/<stage>` → why it must be closed now. */
  readonly wanted: Map<string, string[]>;
  /** `<pipeline>/<stage>` → the freeze that closes it and allows break-glass (for the button). */
  readonly breakGlass: Map<string, string>;
}

/**
 * What to change. `lifted` adds bypasses not stored yet (`<pipeline>/<stage>#<freeze>`), so
 * break-glass can see whether lifting a freeze would open the stage before it records anything.
 */
export async function plan(
  input: {
    readonly definitions: readonly PipelineDefinition[];
    readonly violations: readonly Violation[];
    readonly records?: readonly TransitionRecord[];
    readonly lifted?: readonly string[];
  },
  deps: GovernanceDeps,
): Promise<Plan> {
  const current = new Map(await mapLimit(input.definitions, READ_CONCURRENCY, async (d) => [d.name, await deps.pipelines.transitions(d.name)] as const));
  const holding = await holdingBypasses(current, deps);
  for (const key of input.lifted ?? []) holding.add(key);
  const { wanted, breakGlass } = await closures(input.definitions, input.violations, deps, holding);
  const records = input.records ?? (await deps.records.list());
  const actions = decideTransitions({ wanted, current, records });
  return { actions, seen: new Map(records.map((r) => [stageKey(r.pipeline, r.stage), r])), wanted, breakGlass };
}

/**
 * Performs the plan's actions and returns those it performed. Our record is written before each
 * disable (see enforcement.ts), as a claim: when a concurrent run (a tick during a CloudTrail change)
 * closed the stage first, this one leaves the call and the message to it.
 */
export async function apply(planned: Pick<Plan, 'actions' | 'seen'>, deps: GovernanceDeps): Promise<TransitionAction[]> {
  const at = deps.now().toISOString();
  const performed: TransitionAction[] = [];
  for (const a of planned.actions) {
    switch (a.action) {
      case 'disable': {
        const record = { pipeline: a.pipeline, stage: a.stage, reason: a.reason, disabledAt: at, state: 'disabled' } as const;
        if (!(await deps.records.claim(record, planned.seen.get(stageKey(a.pipeline, a.stage))))) {
          deps.logger.info('stage transition claimed by a concurrent run', { ...a });
          continue;
        }
        await deps.pipelines.disable(a.pipeline, a.stage, a.reason);
        break;
      }
      case 'enable':
        await deps.pipelines.enable(a.pipeline, a.stage);
        await deps.records.remove(a.pipeline, a.stage);
        break;
      case 'release':
        await deps.records.put({ pipeline: a.pipeline, stage: a.stage, reason: a.reason, disabledAt: at, state: 'released' });
        break;
      case 'forget':
        await deps.records.remove(a.pipeline, a.stage);
        break;
    }
    performed.push(a);
    deps.logger.info('stage transition', { ...a });
  }
  return performed;
}

/** plan + apply; `actions` are those performed. */
export async function reconcile(
  definitions: readonly PipelineDefinition[],
  violations: readonly Violation[],
  deps: GovernanceDeps,
  records?: readonly TransitionRecord[],
): Promise<Plan> {
  const planned = await plan({ definitions, violations, ...(records ? { records } : {}) }, deps);
  return { ...planned, actions: await apply(planned, deps) };
}

/** Why each production stage of these pipelines must be closed now; a holding bypass lifts its freeze. */
async function closures(
  definitions: readonly PipelineDefinition[],
  violations: readonly Violation[],
  deps: GovernanceDeps,
  holding: ReadonlySet<string>,
): Promise<Pick<Plan, 'wanted' | 'breakGlass'>> {
  const governance = deps.config.governance;
  const freezes = activeFreezes(governance?.freezes ?? [], deps.now());
  const calendars = await Promise.all((governance?.changeCalendars ?? []).map(async (c) => ((await deps.calendars.state(c)) === 'CLOSED' ? c : undefined)));
  const closedCalendars = calendars.filter((c): c is string => c !== undefined).map((c) => `change calendar ${c.split('/').pop() ?? c} is closed`);
  const wanted = new Map<string, string[]>();
  const breakGlass = new Map<string, string>();
  for (const definition of definitions) {
    const name = definition.name;
    const rules =
      governance?.enforce === false
        ? []
        : violations.filter((v) => v.mode === 'enforce' && v.resource.kind === 'pipeline' && v.resource.name === name).map((v) => `rule ${v.ruleId}`);
    const frozen = freezes.filter((f) => !f.pipelines || f.pipelines.some((p) => glob(p)(name)));
    for (const stage of protectedStages(definition, deps.config.productionStages)) {
      const key = stageKey(name, stage);
      const stageFreezes = frozen.filter((f) => !holding.has(`${key}#${f.name}`));
      const causes = [...new Set([...rules, ...stageFreezes.map((f) => `freeze ${f.name} until ${localTime(f.end, f.timezone)}`), ...closedCalendars])];
      if (causes.length) wanted.set(key, causes);
      const glass = stageFreezes.find((f) => f.breakGlass);
      if (glass) breakGlass.set(key, glass.name);
    }
  }
  return { wanted, breakGlass };
}

/**
 * Bypasses that still hold (`<pipeline>/<stage>#<freeze>`); used or expired ones are removed and
 * audited, so their freeze closes the stage again in this very run.
 */
async function holdingBypasses(current: ReadonlyMap<string, readonly TransitionState[]>, deps: GovernanceDeps): Promise<Set<string>> {
  const holding = new Set<string>();
  if (!deps.bypasses) return holding;
  const now = deps.now();
  for (const bypass of await deps.bypasses.list()) {
    const key = `${stageKey(bypass.pipeline, bypass.stage)}#${bypass.freeze}`;
    const states = current.get(bypass.pipeline);
    const state = states?.find((s) => s.stage === bypass.stage);
    if (!states || bypassHolds(bypass, state, now)) {
      holding.add(key);
      continue;
    }
    const used = state?.latestExecutionId !== bypass.latestExecutionId;
    await deps.bypasses.remove(bypass.pipeline, bypass.stage);
    await deps.bypasses.audit({
      pipeline: bypass.pipeline,
      stage: bypass.stage,
      freeze: bypass.freeze,
      event: used ? 'used' : 'expired',
      at: now.toISOString(),
      ...(used && state?.latestExecutionId ? { executionId: state.latestExecutionId } : {}),
    });
  }
  return holding;
}
