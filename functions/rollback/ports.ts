/**
 * What the rollback flow needs from the outside world, as the use cases (app/) see it: CodeDeploy,
 * CodePipeline and the episodes table. The AWS adapters (aws/) and the world (world/) implement these.
 */
import type { DeploymentView, DeployTarget, Episode, GroupView, Revision, StageTarget, StageView } from './domain/types';

export interface RollbackDeployPort {
  /** GetDeploymentGroup, ListDeployments (recent), BatchGetDeployments; deployments newest first. */
  group(target: DeployTarget, now: Date): Promise<GroupView>;
  /** GetDeployment; undefined when it does not exist. */
  deployment(id: string): Promise<DeploymentView | undefined>;
  /** StopDeployment with autoRollbackEnabled; `already-ended` when it had finished. */
  stop(deploymentId: string): Promise<'stopping' | 'already-ended'>;
  /** CreateDeployment of `revision`; the description carries the marker that `createdSince` looks for. */
  create(target: DeployTarget, input: { readonly revision: Revision; readonly description: string }): Promise<string>;
  /** A deployment of the group created since `since` whose description holds `marker` (a retried step). */
  createdSince(target: DeployTarget, marker: string, since: Date): Promise<string | undefined>;
}

export interface RollbackPipelinePort {
  /** GetPipeline, GetPipelineState, ListActionExecutions, ListPipelineExecutions (all, and succeeded in the stage). */
  stage(target: StageTarget): Promise<StageView>;
  /** The stage's latest execution status (GetPipelineState). */
  stageStatus(target: StageTarget): Promise<{ readonly executionId?: string; readonly status?: string }>;
  /** GetPipelineExecution's status. */
  executionStatus(pipeline: string, executionId: string): Promise<string>;
  /** StopPipelineExecution, abandoning in-progress actions; an execution that already ended is fine. */
  stop(pipeline: string, executionId: string, reason: string): Promise<void>;
  /** RollbackStage; the new (rollback) execution's id. */
  rollback(target: StageTarget, targetExecutionId: string): Promise<string>;
  /** A rollback execution to that target started since `since` (a retried step finds its own). */
  rollbackSince(target: StageTarget, targetExecutionId: string, since: Date): Promise<string | undefined>;
}

export interface EpisodeStorePort {
  get(targetKey: string): Promise<Episode | undefined>;
  /**
   * Records `episode` as the target's last rollback if the stored one started before `cutoff` (or
   * belongs to the same execution, a retried step). `held`: another execution rolled it back since.
   */
  claim(targetKey: string, episode: Episode, cutoff: string): Promise<'claimed' | 'held'>;
}
