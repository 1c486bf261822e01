/**
 * The governance function's work for each trigger: check the policy on what changed (or, daily, on
 * everything), close and reopen production stages for enforced rules and change freezes, report,
 * and start the pipelines a published package version is wired to.
 */
import { bypassHolds, decideTransitions, stageKey, type TransitionAction, type TransitionRecord, type TransitionState } from '../../core/governance/enforcement';
import { evaluatePolicy, protectedStages, type Violation } from '../../core/governance/evaluate';
import type { PipelineDefinition } from '../../core/governance/definitions';
import { activeFreezes, localTime } from '../../core/governance/freeze';
import { renderFreezeActions, renderReport, renderReportEmail, renderThread } from '../../core/governance/report';
import type { GovernanceTrigger } from '../../core/governance/trigger';
import { picomatchGlobs } from '../../core/glob-picomatch';
import type { GovernanceDeps } from './deps';
import { startTriggeredPipelines } from './packages';

export interface GovernanceResult {
  readonly summary: string;
  readonly violations?: readonly Violation[];
  readonly actions?: readonly TransitionAction[];
}

const glob = picomatchGlobs();

export async function runGovernance(trigger: GovernanceTrigger, deps: GovernanceDeps): Promise<GovernanceResult> {
  switch (trigger.kind) {
    case 'ignored':
      return { summary: `ignored: ${trigger.why}` };
    case 'package':
      return startTriggeredPipelines(trigger.event, deps);
    case 'change':
      return check({ what: `change to ${[...trigger.pipelines, ...trigger.projects].join(', ')}`, pipelines: trigger.pipelines, projects: trigger.projects, quietWhenClean: true }, deps);
    case 'audit':
      return check({ what: 'daily audit', pipelines: await deps.pipelines.list(), projects: await deps.projects.list(), quietWhenClean: false }, deps);
    case 'tick':
      return tick(deps);
  }
}

interface CheckScope {
  readonly what: string;
  readonly pipelines: readonly string[];
  readonly projects: readonly string[];
  /** A change that violates nothing and changes nothing is not announced; the daily audit always is. */
  readonly quietWhenClean: boolean;
}

async function check(scope: CheckScope, deps: GovernanceDeps): Promise<GovernanceResult> {
  const definitions = await definitionsOf(scope.pipelines, deps);
  const projects = scope.projects.length ? await deps.projects.get(scope.projects) : [];
  const violations = evaluatePolicy({ pipelines: definitions, projects }, deps.policy, evaluationContext(deps));
  const { actions } = await reconcile(definitions, violations, deps);
  const checked = definitions.length + projects.length;
  if (!(scope.quietWhenClean && violations.length === 0 && actions.length === 0)) await report({ what: scope.what, checked, violations, actions }, deps);
  return { summary: `${scope.what}: ${checked} checked, ${violations.length} violation(s), ${actions.length} transition change(s)`, violations, actions };
}

/**
 * The freeze tick: every pipeline's production stages closed or opened for the freezes on now and
 * for enforced rules (evaluated again, so a tick never reopens what a rule keeps closed).
 */
async function tick(deps: GovernanceDeps): Promise<GovernanceResult> {
  const governance = deps.config.governance;
  const records = await deps.records.list();
  if (!governance?.freezes.length && !governance?.changeCalendars.length && records.length === 0) return { summary: 'tick: no freeze configured, nothing closed' };
  const definitions = await definitionsOf(await deps.pipelines.list(), deps);
  const violations = evaluatePolicy({ pipelines: definitions }, deps.policy, evaluationContext(deps));
  const { actions, breakGlass } = await reconcile(definitions, violations, deps, records);
  if (actions.length) await post(renderFreezeActions(actions, breakGlass), deps);
  return { summary: `tick: ${definitions.length} pipelines, ${actions.length} transition change(s)`, actions };
}

async function definitionsOf(names: readonly string[], deps: GovernanceDeps): Promise<PipelineDefinition[]> {
  const found = await Promise.all(names.map((name) => deps.pipelines.get(name)));
  return found.filter((d): d is PipelineDefinition => d !== undefined);
}

function evaluationContext(deps: GovernanceDeps) {
  const guarded = new Set((deps.config.rollback?.guards ?? []).flatMap((g) => (g.pipeline ? [stageKey(g.pipeline.name, g.pipeline.stage)] : [])));
  return { customRules: deps.customRules, isGuardedByRollback: (pipeline: string, stage: string) => guarded.has(stageKey(pipeline, stage)) };
}

interface Closures {
  /** `<pipeline>/<stage>` → why it must be closed now. */
  readonly wanted: Map<string, string[]>;
  /** `<pipeline>/<stage>` → the freeze that closes it and allows break-glass (for the button). */
  readonly breakGlass: Map<string, string>;
}

/** Why each production stage of these pipelines must be closed now; a holding bypass lifts its freeze. */
async function closures(definitions: readonly PipelineDefinition[], violations: readonly Violation[], deps: GovernanceDeps, holding: ReadonlySet<string>): Promise<Closures> {
  const now = deps.now();
  const governance = deps.config.governance;
  const freezes = activeFreezes(governance?.freezes ?? [], now);
  const calendars = await Promise.all((governance?.changeCalendars ?? []).map(async (c) => ((await deps.calendars.state(c)) === 'CLOSED' ? c : undefined)));
  const wanted = new Map<string, string[]>();
  const breakGlass = new Map<string, string>();
  for (const definition of definitions) {
    const name = definition.name;
    const rules = governance?.enforce === false ? [] : violations.filter((v) => v.mode === 'enforce' && v.resource.kind === 'pipeline' && v.resource.name === name).map((v) => `rule ${v.ruleId}`);
    const frozen = freezes.filter((f) => !f.pipelines || f.pipelines.some((p) => glob(p)(name)));
    const closedCalendars = calendars.filter((c): c is string => c !== undefined).map((c) => `change calendar ${c.split('/').pop() ?? c} is closed`);
    for (const stage of protectedStages(definition, deps.policy)) {
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
    const states = current.get(bypass.pipeline);
    if (!states) {
      holding.add(`${stageKey(bypass.pipeline, bypass.stage)}#${bypass.freeze}`);
      continue;
    }
    if (bypassHolds(bypass, states.find((s) => s.stage === bypass.stage), now)) {
      holding.add(`${stageKey(bypass.pipeline, bypass.stage)}#${bypass.freeze}`);
      continue;
    }
    const used = states.find((s) => s.stage === bypass.stage)?.latestExecutionId !== bypass.latestExecutionId;
    await deps.bypasses.remove(bypass.pipeline, bypass.stage);
    await deps.bypasses.audit({ pipeline: bypass.pipeline, stage: bypass.stage, freeze: bypass.freeze, event: used ? 'used' : 'expired', at: now.toISOString() });
  }
  return holding;
}

/** Decides and applies transition changes; our record is written before each disable (see enforcement.ts). */
export async function reconcile(
  definitions: readonly PipelineDefinition[],
  violations: readonly Violation[],
  deps: GovernanceDeps,
  known?: readonly TransitionRecord[],
): Promise<{ actions: TransitionAction[]; breakGlass: Map<string, string> }> {
  const current = new Map(await Promise.all(definitions.map(async (d) => [d.name, await deps.pipelines.transitions(d.name)] as const)));
  const { wanted, breakGlass } = await closures(definitions, violations, deps, await holdingBypasses(current, deps));
  const actions = decideTransitions({ wanted, current, records: known ?? (await deps.records.list()) });
  const at = deps.now().toISOString();
  for (const a of actions) {
    switch (a.action) {
      case 'disable':
        await deps.records.put({ pipeline: a.pipeline, stage: a.stage, reason: a.reason, disabledAt: at, state: 'disabled' });
        await deps.pipelines.disable(a.pipeline, a.stage, a.reason);
        break;
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
    deps.logger.info('stage transition', { ...a });
  }
  return { actions, breakGlass };
}

async function report(input: Parameters<typeof renderReport>[0], deps: GovernanceDeps): Promise<void> {
  const top = await post(renderReport(input), deps);
  const channel = deps.config.governance?.report?.slack?.channel;
  if (top && channel) {
    for (const reply of renderThread(input.violations)) await deps.slack.postMessage({ channel, threadTs: top, ...reply });
  }
  for (const topic of deps.config.governance?.report?.email?.topics ?? []) {
    await deps.email.publish(renderReportEmail(input, topic === 'default' ? deps.defaultTopicArn : topic));
  }
}

/** Posts to the governance report channel; the message's ts, or undefined when no channel is set. */
async function post(message: { text: string; blocks: readonly Record<string, unknown>[] }, deps: GovernanceDeps): Promise<string | undefined> {
  const channel = deps.config.governance?.report?.slack?.channel;
  if (!channel) return undefined;
  return (await deps.slack.postMessage({ channel, ...message })).ts;
}

