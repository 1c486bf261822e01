/** IAM resources of the rollback functions, from the config's rollback guards. */
import { guardedDeploymentGroups, guardedStages } from '../../functions/kernel/config/rollback';
import type { Config } from '../../functions/kernel/config/schema';
import { codepipelineArn, orNone, type Sub, sub, uniqueSorted } from './iam';

/** A name nobody can have: granted when no guard names a target of that kind. */
const NONE = 'pipeline-warden-no-rollback-guard';

export interface RollbackResources {
  readonly deploymentGroups: Sub[];
  readonly applications: Sub[];
  /** Each guarded pipeline and its guarded stage (`<pipeline>/<stage>`). */
  readonly pipelines: Sub[];
}

/**
 * The CodeDeploy deployment groups and applications, and the pipelines and stages, the rollback
 * guards name (the same `guardedDeploymentGroups` / `guardedStages` the rest of the project reads).
 * Guards name targets exactly (no globs), so these are the exact ARNs.
 *
 * @example rollbackResourcesOf(config).pipelines // [{ 'Fn::Sub': 'arn:…:codepipeline:…:web' }, { 'Fn::Sub': 'arn:…:codepipeline:…:web/Deploy' }]
 */
export function rollbackResourcesOf(config: Pick<Config, 'rollback'>): RollbackResources {
  const groups = guardedDeploymentGroups(config);
  const stages = guardedStages(config);
  const codedeploy = (resource: string) => sub(`arn:\${AWS::Partition}:codedeploy:\${AWS::Region}:\${AWS::AccountId}:${resource}`);
  return {
    deploymentGroups: orNone(uniqueSorted(groups.map((g) => `${g.application}/${g.deploymentGroup}`)), `${NONE}/${NONE}`).map((n) =>
      codedeploy(`deploymentgroup:${n}`),
    ),
    applications: orNone(uniqueSorted(groups.map((g) => g.application)), NONE).map((n) => codedeploy(`application:${n}`)),
    pipelines: orNone(uniqueSorted(stages.flatMap((s) => [s.pipeline, `${s.pipeline}/${s.stage}`])), NONE).map(codepipelineArn),
  };
}
