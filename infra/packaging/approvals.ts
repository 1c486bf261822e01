/** IAM resources of the approval functions, from the config's approval policies. */
import type { Config } from '../../functions/kernel/config/schema';
import { codepipelineArn, iamGlob, orNone, type Sub, uniqueSorted } from './iam';

/** A pipeline name nobody can have: granted when there is no approval policy. */
const NO_POLICY = 'pipeline-warden-no-approval-policy';

/**
 * The pipelines the approval functions read (`<pipeline>`) and the approval actions they may
 * decide (`<pipeline>/<stage>/<action>`, the resource type of codepipeline:PutApprovalResult),
 * from the policies' globs (widened where IAM cannot express them, see iamGlob). No approvals
 * section: no approval is decided from Slack, and nothing is granted.
 *
 * @example approvalResourcesOf(config).actions // [{ 'Fn::Sub': 'arn:…:codepipeline:…:web/Prod/Approve' }]
 */
export function approvalResourcesOf(config: Pick<Config, 'approvals'>): { pipelines: Sub[]; actions: Sub[] } {
  const pipelines: string[] = [];
  const actions: string[] = [];
  for (const { match } of config.approvals?.policies ?? []) {
    for (const pipeline of (match.pipelines ?? ['*']).map(iamGlob)) {
      pipelines.push(pipeline);
      for (const stage of (match.stages ?? ['*']).map(iamGlob)) {
        for (const action of (match.actions ?? ['*']).map(iamGlob)) actions.push(`${pipeline}/${stage}/${action}`);
      }
    }
  }
  return {
    pipelines: orNone(uniqueSorted(pipelines), NO_POLICY).map(codepipelineArn),
    actions: orNone(uniqueSorted(actions), NO_POLICY).map(codepipelineArn),
  };
}
