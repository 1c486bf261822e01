/**
 * Where a rollback is explained: in the affected run's thread when the run has a card (the pipeline
 * run that deployed, or the deployment's own card), else in the channels routes give the target or
 * the alarm, else the guard's channel. Email goes to the routes' topics either way.
 */
import type { RunCard } from '../../kernel/card/types';
import type { EffectiveGuard } from '../../kernel/config/rollback';
import type { Subject } from '../../kernel/events/observation';
import { destinationsFor } from '../../kernel/routing';
import type { AlarmInfo, Decision, Target } from '../domain/types';
import type { RollbackDeps } from './deps';
import type { Where } from './state';

/** The run the rollback is about: the deployment or pipeline execution that was rolled back. */
export function affectedRun(target: Target, decision: Decision): { deploymentId?: string; executionId?: string } {
  const d = decision.kind === 'notify' ? decision.wouldHave : decision;
  if (!d) return {};
  switch (d.kind) {
    case 'stop-deployment':
      return { deploymentId: d.deploymentId };
    case 'redeploy':
      return { deploymentId: d.from.deploymentId };
    case 'observe-deployment':
      return { deploymentId: d.triggeredBy ?? d.deploymentId };
    case 'rollback-stage':
      return target.kind === 'pipeline' ? { executionId: d.from.executionId } : {};
    case 'observe-stage':
      return { executionId: d.execution.rollbackTarget ?? d.execution.executionId };
  }
}

export async function whereToExplain(
  input: { alarm: AlarmInfo; target: Target; guard: EffectiveGuard; decision: Decision },
  deps: RollbackDeps,
): Promise<Where> {
  const { alarm, target } = input;
  const base = { account: alarm.account, region: alarm.region };
  const subject: Subject = target.kind === 'codedeploy' ? { ...base, application: target.application } : { ...base, pipeline: target.pipeline };
  const card = await runCard(target, affectedRun(target, input.decision), alarm, deps);
  const routes = [
    destinationsFor(deps.config, target.kind === 'codedeploy' ? 'deployment' : 'pipeline', subject, deps.glob),
    destinationsFor(deps.config, 'alarm', { ...base, alarm: alarm.name }, deps.glob),
    // A deployment a pipeline made is that pipeline's business too: its routes hear about it.
    ...(card ? [destinationsFor(deps.config, card.run.kind, card.subject, deps.glob)] : []),
  ];
  const topics = [...new Set(routes.flatMap((r) => r.email.map((e) => e.topic)))];
  const threads = Object.entries(card?.slack ?? {}).flatMap(([channel, p]) => (p.ts ? [{ channel, threadTs: p.ts }] : []));
  if (threads.length) return { slack: threads, topics };
  const channels = [...new Set(routes.flatMap((r) => r.slack.map((s) => s.channel)))];
  if (!channels.length && input.guard.channel) channels.push(input.guard.channel);
  return { slack: channels.map((channel) => ({ channel })), topics };
}

/** The card of the run that was rolled back, if notify made one. */
async function runCard(
  target: Target,
  run: { deploymentId?: string; executionId?: string },
  alarm: AlarmInfo,
  deps: RollbackDeps,
): Promise<RunCard | undefined> {
  let runKey: string | undefined;
  if (run.deploymentId) {
    runKey = (await deps.cards.getLink('deployment', run.deploymentId)) ?? `deployment/${alarm.account}/${alarm.region}/${run.deploymentId}`;
  } else if (run.executionId && target.kind === 'pipeline') {
    runKey = `pipeline/${alarm.account}/${alarm.region}/${target.pipeline}/${run.executionId}`;
  }
  return runKey ? (await deps.cards.get(runKey))?.card : undefined;
}
