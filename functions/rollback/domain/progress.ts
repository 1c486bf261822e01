/**
 * How a rollback under way moves on, one poll at a time: what was observed decides the next phase,
 * and (for a stage that had to be stopped first) when to ask for the RollbackStage itself.
 */
import * as z from '../../kernel/zod';
import { ACTIVE_DEPLOYMENT } from './decide-codedeploy';
import { ACTIVE_STAGE } from './decide-pipeline';

export const Outcome = z.enum(['succeeded', 'failed', 'stopped', 'no-rollback', 'timed-out']);
export type Outcome = z.infer<typeof Outcome>;

export const Progress = z.object({
  /** `stopping-*`: waiting for the stopped deployment/execution to end; `watching-*`: for the rollback. */
  phase: z.enum(['stopping-deployment', 'watching-deployment', 'stopping-stage', 'watching-stage', 'done']),
  deploymentId: z.optional(z.string()),
  executionId: z.optional(z.string()),
  /** Checks made so far; the state machine stops polling at its limit. */
  polls: z.number(),
  startedAt: z.iso.datetime({ offset: true }),
  outcome: z.optional(Outcome),
  detail: z.optional(z.string()),
});
export type Progress = z.infer<typeof Progress>;

export type Observed =
  | { readonly kind: 'deployment'; readonly id: string; readonly status: string; readonly rollbackDeploymentId?: string; readonly message?: string }
  | { readonly kind: 'stage'; readonly status: string }
  | { readonly kind: 'execution'; readonly id: string; readonly status: string };

const OUTCOME_OF: Readonly<Record<string, Outcome>> = {
  Succeeded: 'succeeded',
  Failed: 'failed',
  Stopped: 'stopped',
  Cancelled: 'stopped',
  Superseded: 'stopped',
};

/** The progress after one check; `then: 'rollback-stage'` once a stopped stage may be rolled back. */
export function advance(progress: Progress, observed: Observed): { progress: Progress; then?: 'rollback-stage' } {
  const next = { ...progress, polls: progress.polls + 1 };
  switch (progress.phase) {
    case 'stopping-deployment': {
      if (observed.kind !== 'deployment' || ACTIVE_DEPLOYMENT.has(observed.status)) return { progress: next };
      if (observed.rollbackDeploymentId) return { progress: { ...next, phase: 'watching-deployment', deploymentId: observed.rollbackDeploymentId } };
      const why = observed.message ? `: ${observed.message}` : '';
      return {
        progress: {
          ...next,
          phase: 'done',
          outcome: 'no-rollback',
          detail: `deployment ${observed.id} ended ${observed.status} and CodeDeploy made no rollback deployment${why}`,
        },
      };
    }
    case 'watching-deployment':
      if (observed.kind !== 'deployment' || ACTIVE_DEPLOYMENT.has(observed.status)) return { progress: next };
      return {
        progress: {
          ...next,
          phase: 'done',
          outcome: OUTCOME_OF[observed.status] ?? 'failed',
          detail: `rollback deployment ${observed.id} ended ${observed.status}`,
        },
      };
    case 'stopping-stage':
      if (observed.kind !== 'stage' || ACTIVE_STAGE.has(observed.status)) return { progress: next };
      // biome-ignore lint/suspicious/noThenProperty: `then` is a string naming the next step, never a function; the result is not awaited as a thenable
      return { progress: next, then: 'rollback-stage' };
    case 'watching-stage':
      if (observed.kind !== 'execution' || observed.status === 'InProgress' || observed.status === 'Stopping') return { progress: next };
      return {
        progress: {
          ...next,
          phase: 'done',
          outcome: OUTCOME_OF[observed.status] ?? 'failed',
          detail: `rollback execution ${observed.id} ended ${observed.status}`,
        },
      };
    case 'done':
      return { progress };
  }
}
