/** The Check step: one look at the rollback under way, and (for a stopped stage) the rollback itself. */

import { PermanentError } from '../../kernel/errors';
import { advance, type Observed, type Progress } from '../domain/progress';
import { startStageRollback } from './act';
import type { RollbackDeps } from './deps';
import type { RollbackState } from './state';

export async function checkStep(state: RollbackState, deps: RollbackDeps): Promise<RollbackState> {
  const progress = state.progress;
  if (!progress) throw new PermanentError('check: the rollback has not started');
  const next = advance(progress, await observe(state, progress, deps));
  if (next.then === 'rollback-stage') {
    const d = state.decision;
    if (d.kind !== 'rollback-stage' || state.target.kind !== 'pipeline') throw new PermanentError('check: a stage rollback without its decision');
    const executionId = await startStageRollback(state.target, d.to, state.decidedAt, deps);
    return { ...state, progress: { ...next.progress, phase: 'watching-stage', executionId } };
  }
  return { ...state, progress: next.progress };
}

async function observe(state: RollbackState, progress: Progress, deps: RollbackDeps): Promise<Observed> {
  switch (progress.phase) {
    case 'stopping-deployment':
    case 'watching-deployment': {
      const id = progress.deploymentId ?? '';
      const d = await deps.deploy.deployment(id);
      if (!d) throw new PermanentError(`deployment ${id} no longer exists`);
      const rb = d.rollbackInfo;
      return {
        kind: 'deployment',
        id,
        status: d.status,
        ...(rb?.rollbackDeploymentId ? { rollbackDeploymentId: rb.rollbackDeploymentId } : {}),
        ...(rb?.message ? { message: rb.message } : {}),
      };
    }
    case 'stopping-stage': {
      if (state.target.kind !== 'pipeline') throw new PermanentError('check: stage phase on a CodeDeploy target');
      const stage = await deps.pipeline.stageStatus(state.target);
      return { kind: 'stage', status: stage.status ?? 'Stopped' };
    }
    case 'watching-stage': {
      if (state.target.kind !== 'pipeline') throw new PermanentError('check: stage phase on a CodeDeploy target');
      const id = progress.executionId ?? '';
      return { kind: 'execution', id, status: await deps.pipeline.executionStatus(state.target.pipeline, id) };
    }
    case 'done':
      return { kind: 'stage', status: 'done' };
  }
}
