/** The decision for a guarded CodePipeline stage. */

import type { EffectiveGuard } from '../../kernel/config/rollback';
import { formatDuration } from '../../kernel/duration';
import type { AlarmInfo, Decision, StageExecution, StageView } from './types';

/** Stage execution statuses that mean the stage is still running. */
export const ACTIVE_STAGE = new Set(['InProgress', 'Stopping']);

const ms = (iso: string | undefined) => (iso ? Date.parse(iso) : Number.NaN);

/**
 * A V2 pipeline's stage that ran within the bake window (or is running) is rolled back to the
 * last execution that succeeded in it; a rollback already under way is only watched. V1 pipelines
 * have no RollbackStage: they are only told about.
 */
export function decideStage(alarm: AlarmInfo, guard: EffectiveGuard, view: StageView | undefined): Decision {
  if (!view?.pipelineType || !view.stageExists)
    return { kind: 'notify', code: 'not-found', reason: 'the pipeline or its stage does not exist (or cannot be read)' };
  if (view.pipelineType !== 'V2') {
    return {
      kind: 'notify',
      code: 'v1-pipeline',
      reason: `the pipeline is of type ${view.pipelineType}: CodePipeline rolls back stages of V2 pipelines only (switch it to V2 to let the alarm roll it back)`,
    };
  }
  const latest = view.latest;
  if (!latest) return { kind: 'notify', code: 'nothing-deployed', reason: 'the stage has not run yet' };
  const alarmAt = Date.parse(alarm.time);
  const running = ACTIVE_STAGE.has(latest.status);
  const endedAgo = alarmAt - ms(latest.endTime ?? latest.startTime);
  const recent = running || endedAgo <= guard.bakeWindowMs;

  if (latest.type === 'ROLLBACK' && recent) {
    return {
      kind: 'observe-stage',
      execution: latest,
      reason: `the stage is already being rolled back (rollback execution ${latest.executionId}${latest.rollbackTarget ? ` to ${latest.rollbackTarget}` : ''})`,
    };
  }
  if (running && ms(latest.startTime) > alarmAt) {
    return {
      kind: 'notify',
      code: 'started-after-alarm',
      reason: `execution ${latest.executionId} entered the stage after ${alarm.name} went to ALARM: it did not cause it (it may be the fix)`,
    };
  }
  if (!running && latest.status !== 'Succeeded') {
    return {
      kind: 'notify',
      code: 'last-run-failed',
      reason: `the stage's latest execution ${latest.executionId} ended ${latest.status}: nothing succeeded to roll back`,
    };
  }
  if (!recent) {
    return {
      kind: 'notify',
      code: 'outside-bake-window',
      reason: `the stage's latest execution ${latest.executionId} finished ${formatDuration(endedAgo)} before the alarm, outside the ${formatDuration(guard.bakeWindowMs)} bake window`,
    };
  }
  const target = lastSuccess(view.succeeded, latest);
  if (!target)
    return {
      kind: 'notify',
      code: 'no-earlier-success',
      reason: `no earlier execution succeeded in the stage in the current pipeline version: nothing to roll back to`,
    };
  return {
    kind: 'rollback-stage',
    from: latest,
    to: target,
    stopFirst: running,
    reason: running
      ? `execution ${latest.executionId} was running the stage when ${alarm.name} went to ALARM`
      : `execution ${latest.executionId} finished the stage ${formatDuration(Math.max(0, endedAgo))} before ${alarm.name} went to ALARM, within the ${formatDuration(guard.bakeWindowMs)} bake window`,
  };
}

/**
 * CodePipeline refuses a rollback execution as the target: the newest earlier standard execution
 * that succeeded in the stage (its own status is the whole run's, which may have failed later).
 */
function lastSuccess(succeeded: readonly StageExecution[], latest: StageExecution): StageExecution | undefined {
  return succeeded.find((e) => e.executionId !== latest.executionId && e.type !== 'ROLLBACK');
}
