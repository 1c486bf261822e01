/**
 * The governance function's work for each trigger: check the policy on what changed (or, daily, on
 * everything), close and reopen production stages for enforced rules and change freezes, report,
 * close a stage again once a break-glass bypass was used, and start the pipelines a published
 * package version is wired to.
 */

import type { Place } from '../../kernel/ports';
import type { TransitionAction } from '../domain/enforcement';
import { evaluatePolicy, type Violation } from '../domain/evaluate';
import { activeFreezes } from '../domain/freeze';
import { renderFreezeActions, renderReport, renderReportEmail, renderThread } from '../domain/report';
import type { GovernanceTrigger } from '../domain/trigger';
import { bypassEntered } from './bypass-entered';
import { type GovernanceDeps, placed } from './deps';
import { once } from './once';
import { startTriggeredPipelines } from './packages';
import { definitionsOf, evaluationContext, reconcile } from './reconcile';

export interface GovernanceResult {
  readonly summary: string;
  readonly violations?: readonly Violation[];
  readonly actions?: readonly TransitionAction[];
}

/**
 * `place`: where the event happened (its EventBridge envelope). In organization mode a change is
 * checked, and a bypass closed again, with that account's and region's ports.
 */
export async function runGovernance(trigger: GovernanceTrigger, deps: GovernanceDeps, place?: Place): Promise<GovernanceResult> {
  switch (trigger.kind) {
    case 'ignored':
      return { summary: `ignored: ${trigger.why}` };
    case 'package':
      return startTriggeredPipelines(trigger.event, deps);
    case 'change':
      return check(
        {
          what: `change to ${[...trigger.pipelines, ...trigger.projects].join(', ')}`,
          pipelines: trigger.pipelines,
          projects: trigger.projects,
          quietWhenClean: true,
          eventId: trigger.eventId,
        },
        placed(deps, place),
      );
    case 'audit':
      return check(
        { what: 'daily audit', pipelines: await deps.pipelines.list(), projects: await deps.projects.list(), quietWhenClean: false, eventId: trigger.eventId },
        deps,
      );
    case 'tick':
      return tick(deps);
    case 'stage-started':
      return bypassEntered(trigger, placed(deps, place));
  }
}

interface CheckScope {
  readonly what: string;
  readonly pipelines: readonly string[];
  readonly projects: readonly string[];
  /** A change that violates nothing and changes nothing is not announced; the daily audit always is. */
  readonly quietWhenClean: boolean;
  /** The event's id: its report and emails go out once, however often it is delivered. */
  readonly eventId?: string | undefined;
}

/** The policy checked on these pipelines and projects, and their production stages reconciled; nothing reported. */
export async function inspect(
  scope: Pick<CheckScope, 'pipelines' | 'projects'>,
  deps: GovernanceDeps,
): Promise<{ checked: number; violations: Violation[]; actions: TransitionAction[] }> {
  const definitions = await definitionsOf(scope.pipelines, deps);
  const projects = scope.projects.length ? await deps.projects.get(scope.projects) : [];
  const violations = evaluatePolicy({ pipelines: definitions, projects }, deps.policy, evaluationContext(deps));
  const { actions } = await reconcile(definitions, violations, deps);
  return { checked: definitions.length + projects.length, violations, actions };
}

/** The daily audit of one account and region (the organization sweep's item): every pipeline and project there. */
export async function auditHere(deps: GovernanceDeps): Promise<{ checked: number; violations: Violation[]; actions: TransitionAction[] }> {
  return inspect({ pipelines: await deps.pipelines.list(), projects: await deps.projects.list() }, deps);
}

async function check(scope: CheckScope, deps: GovernanceDeps): Promise<GovernanceResult> {
  const { checked, violations, actions } = await inspect(scope, deps);
  if (!(scope.quietWhenClean && violations.length === 0 && actions.length === 0))
    await report({ what: scope.what, checked, violations, actions }, scope.eventId, deps);
  return { summary: `${scope.what}: ${checked} checked, ${violations.length} violation(s), ${actions.length} transition change(s)`, violations, actions };
}

/**
 * The freeze tick: every pipeline's production stages closed or opened for the freezes on now and
 * for enforced rules (evaluated again, so a tick never reopens what a rule keeps closed).
 */
export async function tick(deps: GovernanceDeps, place?: Place): Promise<GovernanceResult> {
  const governance = deps.config.governance;
  const records = await deps.records.list();
  if (!governance?.freezes.length && !governance?.changeCalendars.length && records.length === 0)
    return { summary: 'tick: no freeze configured, nothing closed' };
  // Most ticks fall outside every window: then, with nothing of ours closed, no pipeline is read.
  if (records.length === 0 && !(await anythingClosesNow(deps))) return { summary: 'tick: no freeze on, nothing closed' };
  const definitions = await definitionsOf(await deps.pipelines.list(), deps);
  const violations = evaluatePolicy({ pipelines: definitions }, deps.policy, evaluationContext(deps));
  const { actions, breakGlass } = await reconcile(definitions, violations, deps, records);
  if (actions.length) await post(renderFreezeActions(actions, breakGlass, place), deps);
  return { summary: `tick: ${definitions.length} pipelines, ${actions.length} transition change(s)`, actions };
}

async function anythingClosesNow(deps: GovernanceDeps): Promise<boolean> {
  const governance = deps.config.governance;
  if (activeFreezes(governance?.freezes ?? [], deps.now()).length > 0) return true;
  const states = await Promise.all((governance?.changeCalendars ?? []).map((c) => deps.calendars.state(c)));
  return states.includes('CLOSED');
}

/**
 * The report in Slack (with its thread) and by email, each recorded as done before it is sent when
 * the event has an id: a duplicate delivery sends none again, a retry after a failure sends only
 * what had not gone out. The thread follows the report it belongs to, so it is not recorded apart.
 */
async function report(input: Parameters<typeof renderReport>[0], eventId: string | undefined, deps: GovernanceDeps): Promise<void> {
  const key = (what: string) => (eventId === undefined ? undefined : `report#${eventId}#${what}`);
  const top = await once(key('slack'), () => post(renderReport(input), deps), deps);
  const channel = deps.config.governance?.report?.slack?.channel;
  if (top && channel) {
    for (const reply of renderThread(input.violations)) await deps.slack.postMessage({ channel, threadTs: top, ...reply });
  }
  for (const topic of deps.config.governance?.report?.email?.topics ?? []) {
    await once(key(`email#${topic}`), () => deps.email.publish(renderReportEmail(input, topic === 'default' ? deps.defaultTopicArn : topic)), deps);
  }
}

/** Posts to the governance report channel; the message's ts, or undefined when no channel is set. */
async function post(message: { text: string; blocks: readonly Record<string, unknown>[] }, deps: GovernanceDeps): Promise<string | undefined> {
  const channel = deps.config.governance?.report?.slack?.channel;
  if (!channel) return undefined;
  return (await deps.slack.postMessage({ channel, ...message })).ts;
}
