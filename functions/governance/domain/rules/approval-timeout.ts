import { DURATION_PATTERN, formatDuration, parseDuration } from '../../../kernel/duration';
import * as z from '../../../kernel/zod';
import { defineRule } from '../custom';
import { isManualApproval, MANUAL_APPROVAL_DEFAULT_TIMEOUT_MINUTES } from './stages';

const MINUTE = 60_000;

const duration = z.string().check(
  z.regex(DURATION_PATTERN, 'must be a duration such as 4h, 1d or 2d12h'),
  // CodePipeline accepts 5 minutes to 60 days; a limit outside that range cannot be met or is no limit.
  z.refine((text) => {
    const ms = parseDuration(text);
    return ms === undefined || (ms >= 5 * MINUTE && ms <= 60 * 24 * 60 * MINUTE);
  }, 'must be between 5m and 60d (what CodePipeline accepts)'),
);

const DEFAULTS = { max: '3d', productionOnly: false };

/**
 * A manual approval does not wait longer than `max`. CodePipeline's own timeout is the action's
 * `timeoutInMinutes`, or 7 days when the action does not set one.
 */
export const approvalTimeout = defineRule({
  id: 'approval-timeout',
  kind: 'pipeline',
  description: "A manual approval action's timeout (timeoutInMinutes; 7 days when absent) is at most `max`.",
  params: z._default(
    z.strictObject({
      max: z._default(duration, DEFAULTS.max),
      /** Only approvals in production stages and in the stage right before one. */
      productionOnly: z._default(z.boolean(), DEFAULTS.productionOnly),
    }),
    DEFAULTS,
  ),
  check(pipeline, params, helpers) {
    const maxMinutes = Math.floor((parseDuration(params.max) ?? 0) / MINUTE);
    return pipeline.stages.flatMap((stage, index) => {
      const next = pipeline.stages[index + 1];
      const relevant = !params.productionOnly || helpers.isProductionStage(stage.name) || (next !== undefined && helpers.isProductionStage(next.name));
      if (!relevant) return [];
      return stage.actions
        .filter((action) => isManualApproval(action))
        .flatMap((action) => {
          const minutes = action.timeoutInMinutes ?? MANUAL_APPROVAL_DEFAULT_TIMEOUT_MINUTES;
          if (minutes <= maxMinutes) return [];
          const actual =
            action.timeoutInMinutes === undefined
              ? `${formatDuration(minutes * MINUTE)} (CodePipeline's default: timeoutInMinutes is not set)`
              : `${formatDuration(minutes * MINUTE)} (timeoutInMinutes ${minutes})`;
          return [
            {
              stage: stage.name,
              message: `approval action ${action.name} in stage ${stage.name} waits up to ${actual}, more than ${params.max}; set its timeoutInMinutes to at most ${maxMinutes}`,
            },
          ];
        });
    });
  },
});
