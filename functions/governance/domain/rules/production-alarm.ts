import * as z from '../../../kernel/zod';
import { defineRule } from '../custom';
import { alarmRulesOf, CONDITION_KINDS } from './stages';

const DEFAULT_CONDITIONS = [...CONDITION_KINDS];

/**
 * A production stage is watched by a CloudWatch alarm: a stage condition (beforeEntry, onSuccess
 * or onFailure) with a CloudWatchAlarm rule, or a rollback mapping of pipeline-warden's config.
 */
export const productionAlarm = defineRule({
  id: 'production-alarm',
  kind: 'pipeline',
  description: 'A production stage is guarded by an alarm: a CloudWatchAlarm rule in a stage condition, or a rollback mapping in config/warden.yml.',
  params: z._default(
    z.strictObject({
      /** Which stage conditions count. */
      conditions: z._default(z.array(z.enum(CONDITION_KINDS)).check(z.minLength(1, 'list is empty')), DEFAULT_CONDITIONS),
    }),
    { conditions: DEFAULT_CONDITIONS },
  ),
  check(pipeline, params, helpers) {
    return pipeline.stages
      .filter((stage) => helpers.isProductionStage(stage.name))
      .filter((stage) => alarmRulesOf(stage, params.conditions).length === 0 && !helpers.isGuardedByRollback(pipeline.name, stage.name))
      .map((stage) => ({
        stage: stage.name,
        message: `production stage ${stage.name} is not guarded by an alarm; add a CloudWatchAlarm rule to its ${params.conditions.join(' / ')} conditions (e.g. onSuccess with result ROLLBACK), or add a rollback.guards entry for this stage in config/warden.yml`,
      }));
  },
});
