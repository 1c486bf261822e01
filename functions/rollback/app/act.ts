/**
 * The Act step: perform the decision (or start watching the rollback AWS makes itself), then say
 * so where the rollback is explained. Safe to retry: a stop is repeatable, and a redeploy or stage
 * rollback this execution already started is found (by its marker or target) instead of made twice.
 */
import { PermanentError } from '../../kernel/errors';
import type { Progress } from '../domain/progress';
import { renderRollback } from '../domain/render';
import type { DeployTarget, Revision, StageExecution, StageTarget } from '../domain/types';
import type { RollbackDeps } from './deps';
import type { RollbackState, Where } from './state';

/** Written into a redeployment's description: how a retried step recognizes its own deployment. */
export const marker = (executionName: string) => `pipeline-warden rollback ${executionName}`;
/** Deployments and executions created up to this long before the decision are not ours. */
const CLOCK_SKEW_MS = 60_000;

export async function actStep(state: RollbackState, deps: RollbackDeps): Promise<RollbackState> {
  const progress = await act(state, deps);
  const where = await announce({ ...state, progress }, deps);
  return { ...state, progress, where };
}

async function act(state: RollbackState, deps: RollbackDeps): Promise<Progress> {
  const d = state.decision;
  const t = state.target;
  const base = { polls: 0, startedAt: deps.now().toISOString() };
  switch (d.kind) {
    case 'stop-deployment': {
      if ((await deps.deploy.stop(d.deploymentId)) === 'already-ended' && d.to && t.kind === 'codedeploy') {
        // It finished between the decision and the stop: a success is now one to redeploy over.
        const ended = await deps.deploy.deployment(d.deploymentId);
        if (ended?.status === 'Succeeded')
          return { ...base, phase: 'watching-deployment', deploymentId: await redeploy(state, t, { from: d.from?.label ?? d.deploymentId, to: d.to }, deps) };
      }
      return { ...base, phase: 'stopping-deployment', deploymentId: d.deploymentId };
    }
    case 'redeploy':
      if (t.kind !== 'codedeploy') throw new PermanentError('redeploy decided for a pipeline target');
      return {
        ...base,
        phase: 'watching-deployment',
        deploymentId: await redeploy(state, t, { from: d.from.revision?.label ?? d.from.deploymentId, to: d.to.revision }, deps),
      };
    case 'rollback-stage':
      if (t.kind !== 'pipeline') throw new PermanentError('stage rollback decided for a CodeDeploy target');
      if (d.stopFirst) {
        await deps.pipeline.stop(t.pipeline, d.from.executionId, `pipeline-warden: alarm ${state.alarm.name} went to ALARM; rolling the stage back`);
        return { ...base, phase: 'stopping-stage', executionId: d.from.executionId };
      }
      return { ...base, phase: 'watching-stage', executionId: await startStageRollback(t, d.to, state.decidedAt, deps) };
    case 'observe-deployment':
      // A rollback deployment is watched to its end; a deployment CodeDeploy is about to stop, until it has.
      return { ...base, phase: d.awaiting === 'rollback' ? 'watching-deployment' : 'stopping-deployment', deploymentId: d.deploymentId };
    case 'observe-stage':
      return { ...base, phase: 'watching-stage', executionId: d.execution.executionId };
    case 'notify':
      throw new PermanentError('act: nothing to do for a notify decision');
  }
}

/** CreateDeployment of the last good revision, unless this execution already made it (a retried step). */
async function redeploy(state: RollbackState, target: DeployTarget, what: { from: string; to: Revision }, deps: RollbackDeps): Promise<string> {
  const since = new Date(Date.parse(state.decidedAt) - CLOCK_SKEW_MS);
  const description = `${marker(state.executionName)}: alarm ${state.alarm.name}; ${what.to.label} over ${what.from}`.slice(0, 400);
  return (await deps.deploy.createdSince(target, marker(state.executionName), since)) ?? (await deps.deploy.create(target, { revision: what.to, description }));
}

/** RollbackStage, unless this execution already started it (a retried step). */
export async function startStageRollback(target: StageTarget, to: StageExecution, decidedAt: string, deps: RollbackDeps): Promise<string> {
  const since = new Date(Date.parse(decidedAt) - CLOCK_SKEW_MS);
  return (await deps.pipeline.rollbackSince(target, to.executionId, since)) ?? (await deps.pipeline.rollback(target, to.executionId));
}

/** The "rolling back" message; a channel without the run's thread gets one, which the outcome then answers. */
async function announce(state: RollbackState, deps: RollbackDeps): Promise<Where> {
  const message = renderRollback(state, 'started');
  const slack: Where['slack'] = [];
  for (const place of state.where.slack) {
    const posted = await deps.slack.postMessage({
      channel: place.channel,
      text: message.text,
      blocks: message.blocks,
      ...(place.threadTs ? { threadTs: place.threadTs, broadcast: true } : {}),
    });
    slack.push({ channel: place.channel, threadTs: place.threadTs ?? posted.ts });
  }
  return { ...state.where, slack };
}
