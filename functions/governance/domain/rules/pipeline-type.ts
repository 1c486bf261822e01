import { defineRule } from '../custom';

/** V2 is what stage conditions, approval timeouts, triggers and variables need. */
export const pipelineTypeV2 = defineRule({
  id: 'pipeline-type-v2',
  kind: 'pipeline',
  description: 'The pipeline is of type V2.',
  check(pipeline) {
    if (pipeline.pipelineType === 'V2') return [];
    const type = pipeline.pipelineType ?? 'V1 (no pipelineType)';
    return [{ message: `pipeline type is ${type}; set pipelineType to V2 (stage conditions, rollback and triggers need it; check V2 pricing first)` }];
  },
});
