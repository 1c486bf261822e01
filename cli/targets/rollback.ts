/**
 * The rollback rule in replay: an alarm that went to ALARM starts the rollback state machine
 * (statemachines/rollback.asl.yaml), executed locally on replay's clock; CodeDeploy and CodePipeline
 * answer from the world file's `rollback` section and simulate the rollbacks they are asked for
 * (functions/rollback/world/world.ts; format in README.md, "Rollback on alarms").
 */

import { EventRejectedError } from '../../functions/kernel/errors';
import { picomatchGlobs } from '../../functions/kernel/glob-picomatch';
import type { RollbackDeps } from '../../functions/rollback/app/deps';
import { onAlarmEvent } from '../../functions/rollback/app/start';
import { runRollbackStep } from '../../functions/rollback/app/steps';
import { createMemoryEpisodeStore } from '../../functions/rollback/aws/episodes';
import { createWorldRollbackPorts, parseRollbackWorld } from '../../functions/rollback/world/world';
import { replayStateMachineArn } from '../local-machines';
import type { ReplayTargetFactory } from './types';

export const rollbackTarget: ReplayTargetFactory = (shared) => {
  const world = parseRollbackWorld(shared.world);
  if (!world.ok) throw new Error(`world file: ${world.problems.join('; ')}`);
  const ports = createWorldRollbackPorts(world.section, { now: () => shared.clock.now(), calls: shared.recorder.calls });
  const deps: RollbackDeps = {
    config: shared.config,
    glob: picomatchGlobs(),
    deploy: ports.deploy,
    pipeline: ports.pipeline,
    episodes: createMemoryEpisodeStore(),
    cards: shared.store,
    slack: shared.recorder.slack,
    email: shared.recorder.email,
    defaultTopicArn: shared.defaultTopicArn,
    now: () => shared.clock.now(),
    logger: { info: () => undefined, warn: () => undefined },
  };
  const stateMachineArn = replayStateMachineArn('rollback');
  const step = async ({ Payload }: { Payload: unknown }) => ({ Payload: await runRollbackStep(Payload, deps) });
  shared.machines.define(stateMachineArn, { definition: 'statemachines/rollback.asl.yaml', handlers: { Decide: step, Act: step, Check: step, Report: step } });
  const starter = { config: shared.config, glob: deps.glob, executions: shared.machines.port, stateMachineArn };
  return {
    pattern: 'rollback.pattern.json',
    async run(event) {
      try {
        await onAlarmEvent(event, starter);
      } catch (error) {
        if (error instanceof EventRejectedError) return { error: `rejected: ${error.problems.join('; ')}` };
        throw error;
      }
    },
  };
};
