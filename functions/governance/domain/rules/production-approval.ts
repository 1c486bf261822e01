import * as z from '../../../kernel/zod';
import { defineRule } from '../custom';
import type { PipelineDefinition, PipelineStage } from '../definitions';
import { isManualApproval, runOrderOf } from './stages';

const categories = z.array(z.string().check(z.minLength(1))).check(z.minLength(1, 'list is empty'));

/**
 * A production stage's deploy actions wait for a person. The approval counts when it is either
 * - in the production stage itself, with a runOrder lower than every deploy action of that stage; or
 * - the last step of the stage right before it (a runOrder at least as high as every other action
 *   of that stage), so nothing runs between the decision and the production deploy.
 * A production stage without deploy actions has nothing to guard and passes.
 */
export const productionApproval = defineRule({
  id: 'production-approval',
  kind: 'pipeline',
  description: 'A production stage has a manual approval before its deploy actions.',
  params: z._default(z.strictObject({ deployCategories: z._default(categories, ['Deploy']) }), { deployCategories: ['Deploy'] }),
  check(pipeline, params, helpers) {
    return pipeline.stages.flatMap((stage, index) => {
      if (!helpers.isProductionStage(stage.name)) return [];
      const deploys = stage.actions.filter((a) => params.deployCategories.includes(a.actionTypeId.category));
      if (deploys.length === 0) return [];
      const firstDeploy = Math.min(...deploys.map(runOrderOf));
      if (stage.actions.some((a) => isManualApproval(a) && runOrderOf(a) < firstDeploy)) return [];
      if (approvesLast(pipeline.stages[index - 1])) return [];
      return [
        {
          stage: stage.name,
          message: messageFor(
            pipeline,
            stage,
            index,
            firstDeploy,
            deploys.map((d) => d.name),
          ),
        },
      ];
    });
  },
});

/** Whether a stage ends with a manual approval: no action of it runs after the approval. */
function approvesLast(stage: PipelineStage | undefined): boolean {
  if (!stage) return false;
  const last = Math.max(...stage.actions.map(runOrderOf));
  return stage.actions.some((a) => isManualApproval(a) && runOrderOf(a) >= last);
}

function messageFor(pipeline: PipelineDefinition, stage: PipelineStage, index: number, firstDeploy: number, deploys: string[]): string {
  const previous = pipeline.stages[index - 1];
  const sameStage = stage.actions.find((a) => isManualApproval(a) && runOrderOf(a) >= firstDeploy);
  const where = sameStage
    ? `its manual approval ${sameStage.name} (runOrder ${runOrderOf(sameStage)}) does not run before deploy action(s) ${deploys.join(', ')} (runOrder ${firstDeploy})`
    : `deploy action(s) ${deploys.join(', ')} run without a manual approval before them`;
  const inStage =
    firstDeploy > 1
      ? `give a Manual approval action (category Approval, provider Manual) in ${stage.name} a runOrder lower than ${firstDeploy}`
      : `add a Manual approval action (category Approval, provider Manual) to ${stage.name} with runOrder 1 and move its deploy actions to runOrder 2`;
  const fix = `${inStage}${previous ? `, or make a manual approval the last action of stage ${previous.name}` : ''}`;
  return `production stage ${stage.name}: ${where}; ${fix}`;
}
