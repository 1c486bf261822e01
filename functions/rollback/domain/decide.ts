/**
 * The rollback decision: given the alarm, the guard, what the target looks like now and the clock,
 * what to do about one guarded target. Pure: the state machine's Decide step gathers the world,
 * calls this, and the Act step performs the answer.
 */

import type { EffectiveGuard } from '../../kernel/config/rollback';
import { formatDuration } from '../../kernel/duration';
import { decideDeployment } from './decide-codedeploy';
import { decideStage } from './decide-pipeline';
import { inCooldown } from './episode';
import { type AlarmInfo, type Decision, isAction, type RollbackWorld, type Target } from './types';

export interface DecideInput {
  readonly alarm: AlarmInfo;
  readonly mapping: EffectiveGuard;
  readonly target: Target;
  readonly world: RollbackWorld;
  readonly now: Date;
  /** This execution: a retry of the same execution is not held back by its own episode. */
  readonly executionName: string;
}

/**
 * @example
 * decideRollback({ alarm, mapping, target: { kind: 'codedeploy', application: 'web', deploymentGroup: 'prod' }, world, now, executionName })
 * // { kind: 'stop-deployment', deploymentId: 'd-123', reason: 'deployment d-123 was in progress when web-5xx went to ALARM', ... }
 */
export function decideRollback(input: DecideInput): Decision {
  const { mapping, world, now } = input;
  const held = inCooldown(world.episode, { now, cooldownMs: mapping.cooldownMs, executionName: input.executionName });
  if (held) {
    const ago = formatDuration(now.getTime() - Date.parse(held.at));
    return {
      kind: 'notify',
      code: 'cooldown',
      reason: `rolled back ${ago} ago (alarm ${held.alarm}); not again within the ${formatDuration(mapping.cooldownMs)} cooldown`,
    };
  }
  const decision =
    input.target.kind === 'codedeploy' ? decideDeployment(input.alarm, mapping, world.codedeploy) : decideStage(input.alarm, mapping, world.pipeline);
  if (mapping.mode === 'notify-only' && isAction(decision)) {
    return { kind: 'notify', code: 'notify-only', reason: `notify-only mode: would have ${describeAction(decision)}`, wouldHave: decision };
  }
  return decision;
}

/** `stopped deployment d-1 (CodeDeploy rolls back to …)`: what an action does, in a phrase. */
export function describeAction(decision: Extract<Decision, { kind: 'stop-deployment' | 'redeploy' | 'rollback-stage' }>): string {
  switch (decision.kind) {
    case 'stop-deployment':
      return `stopped deployment ${decision.deploymentId} and let CodeDeploy roll back${decision.to ? ` to ${decision.to.label}` : ''}`;
    case 'redeploy':
      return `redeployed ${decision.to.revision.label} over ${decision.from.revision?.label ?? decision.from.deploymentId}`;
    case 'rollback-stage':
      return `${decision.stopFirst ? 'stopped the running execution and ' : ''}rolled the stage back to execution ${decision.to.executionId}`;
  }
}
