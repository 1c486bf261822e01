/**
 * The Decide step: look at the target, decide, and claim the target's episode before acting, so
 * that a second execution for the same target (another alarm, the same alarm flapping) within the
 * cooldown only reports.
 */
import { type EffectiveGuard, effectiveGuard } from '../../kernel/config/rollback';
import { PermanentError } from '../../kernel/errors';
import { decideRollback } from '../domain/decide';
import { cooldownCutoff } from '../domain/episode';
import { type Decision, isAction, type RollbackWorld, targetKey } from '../domain/types';
import type { RollbackDeps } from './deps';
import type { RollbackInput, RollbackState } from './state';
import { whereToExplain } from './where';

export async function decideStep(input: RollbackInput, executionName: string, deps: RollbackDeps): Promise<RollbackState> {
  const guard = guardOf(input.guard, deps);
  const now = deps.now();
  const key = targetKey(input.target);
  const decide = async (world: RollbackWorld) => decideRollback({ alarm: input.alarm, mapping: guard, target: input.target, world, now, executionName });
  const world = { ...(await targetWorld(input, deps, now)), episode: await deps.episodes.get(key) };
  let decision: Decision = await decide(world);
  if (isAction(decision)) {
    const episode = { at: now.toISOString(), alarm: input.alarm.name, alarmTime: input.alarm.time, execution: executionName, action: decision.kind };
    if ((await deps.episodes.claim(key, episode, cooldownCutoff(now, guard.cooldownMs))) === 'held') {
      // Another execution rolled this target back between our read and our claim.
      decision = await decide({ ...world, episode: await deps.episodes.get(key) });
    }
  }
  deps.logger.info('rollback decided', {
    target: key,
    alarm: input.alarm.name,
    decision: decision.kind,
    ...(decision.kind === 'notify' ? { code: decision.code } : {}),
  });
  const where = await whereToExplain({ alarm: input.alarm, target: input.target, guard, decision }, deps);
  return { ...input, executionName, decidedAt: now.toISOString(), decision, where };
}

export function guardOf(name: string, deps: Pick<RollbackDeps, 'config'>): EffectiveGuard {
  const guard = effectiveGuard(deps.config, name);
  if (!guard) throw new PermanentError(`rollback guard "${name}" is not in the deployed configuration`);
  return guard;
}

async function targetWorld(input: RollbackInput, deps: RollbackDeps, now: Date): Promise<RollbackWorld> {
  const t = input.target;
  return t.kind === 'codedeploy' ? { codedeploy: await deps.deploy.group(t, now) } : { pipeline: await deps.pipeline.stage(t) };
}
