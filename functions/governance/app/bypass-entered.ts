/**
 * Break-glass ends the moment it is used: when an execution other than the one already there
 * enters a stage with a bypass (CodePipeline Stage Execution State Change, STARTED), the bypass is
 * removed, audited with that execution's id, and the stage is closed again at once, not at the next
 * tick. The tick still ends a bypass whose event was lost, or one nobody used within the hour.
 */

import { clip, esc, MAX_FALLBACK_TEXT } from '../../kernel/render/format';
import { evaluatePolicy } from '../domain/evaluate';
import type { GovernanceTrigger } from '../domain/trigger';
import type { GovernanceDeps } from './deps';
import { evaluationContext, reconcile } from './reconcile';

type StageStarted = Extract<GovernanceTrigger, { kind: 'stage-started' }>;

/**
 * @example bypassEntered({ kind: 'stage-started', pipeline: 'web', stage: 'Prod', executionId: 'e-2' }, deps)
 * // { summary: 'web/Prod: break-glass used by execution e-2; 1 transition change(s)' }
 */
export async function bypassEntered(trigger: StageStarted, deps: GovernanceDeps): Promise<{ readonly summary: string }> {
  const { pipeline, stage, executionId } = trigger;
  const bypass = (await deps.bypasses?.list())?.find((b) => b.pipeline === pipeline && b.stage === stage);
  if (!bypass || !deps.bypasses) return { summary: `${pipeline}/${stage}: no break-glass bypass` };
  // Already in the stage when the bypass was granted (a retry of that stage): not the one let in.
  if (bypass.latestExecutionId === executionId) return { summary: `${pipeline}/${stage}: execution ${executionId} was there before the bypass` };

  const at = deps.now().toISOString();
  await deps.bypasses.remove(pipeline, stage);
  await deps.bypasses.audit({ pipeline, stage, freeze: bypass.freeze, event: 'used', executionId, at });
  const definition = await deps.pipelines.get(pipeline);
  const { actions } = definition
    ? await reconcile([definition], evaluatePolicy({ pipelines: [definition] }, deps.policy, evaluationContext(deps)), deps)
    : { actions: [] };

  const channel = deps.config.governance?.report?.slack?.channel;
  const text = `🔒 Execution ${esc(executionId)} went into ${esc(stage)} of ${esc(pipeline)} under break-glass (freeze "${esc(bypass.freeze)}", granted by <@${esc(bypass.by)}>); the stage is closed again.`;
  if (channel)
    await deps.slack.postMessage({
      channel,
      text: clip(text.replace(/<@([^>]+)>/g, '$1'), MAX_FALLBACK_TEXT),
      blocks: [{ type: 'section', text: { type: 'mrkdwn', text: clip(text, 3000) } }],
    });
  deps.logger.info('break-glass used', { pipeline, stage, freeze: bypass.freeze, executionId, by: bypass.by });
  return { summary: `${pipeline}/${stage}: break-glass used by execution ${executionId}; ${actions.length} transition change(s)` };
}
