/**
 * The Report step: how it ended (or why nothing was done, or which error stopped the execution),
 * as a reply in the thread and by email. A step that failed before the decision still reports,
 * to the routes' channels.
 */

import { effectiveGuard } from '../../kernel/config/rollback';
import type { Outcome } from '../domain/progress';
import { renderRollback, renderRollbackEmail } from '../domain/render';
import type { RollbackDeps } from './deps';
import type { ReportState, Where } from './state';
import { whereToExplain } from './where';

export type ReportOutcome = Outcome | 'not-rolled-back' | 'error';

export async function reportStep(state: ReportState, deps: RollbackDeps): Promise<{ outcome: ReportOutcome }> {
  const where = state.where ?? (await fallbackWhere(state, deps));
  const message = renderRollback(state, 'ended');
  for (const place of where.slack) {
    await deps.slack.postMessage({
      channel: place.channel,
      text: message.text,
      blocks: message.blocks,
      ...(place.threadTs ? { threadTs: place.threadTs } : {}),
    });
  }
  // A cooldown notice is for the thread only: the rollback it defers to already sent its email.
  const quiet = state.decision?.kind === 'notify' && state.decision.code === 'cooldown' && !state.error;
  if (!quiet) {
    for (const topic of where.topics) await deps.email.publish(renderRollbackEmail(state, topic === 'default' ? deps.defaultTopicArn : topic));
  }
  const outcome: ReportOutcome = state.error
    ? 'error'
    : state.decision?.kind === 'notify'
      ? 'not-rolled-back'
      : state.progress?.phase === 'done'
        ? (state.progress.outcome ?? 'failed')
        : 'timed-out';
  deps.logger.info('rollback reported', { alarm: state.alarm.name, outcome, ...(state.error ? { error: state.error } : {}) });
  return { outcome };
}

async function fallbackWhere(state: ReportState, deps: RollbackDeps): Promise<Where> {
  const guard = effectiveGuard(deps.config, state.guard) ?? { name: state.guard, alarms: [], bakeWindowMs: 0, cooldownMs: 0, mode: 'rollback' as const };
  return whereToExplain(
    { alarm: state.alarm, target: state.target, guard, decision: state.decision ?? { kind: 'notify', code: 'not-found', reason: 'failed before deciding' } },
    deps,
  );
}
