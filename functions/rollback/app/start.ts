/**
 * The starter: a CloudWatch alarm that went to ALARM starts one rollback execution per guarded
 * target, named after the alarm, the target and the state-change time. A duplicate event (same
 * alarm, same time) gets the same name, and Step Functions starts nothing for a name already used.
 */

import type { Config } from '../../kernel/config/schema';
import { EventRejectedError } from '../../kernel/errors';
import { executionName } from '../../kernel/execution-name';
import type { GlobCompiler } from '../../kernel/glob';
import type { ExecutionsPort } from '../../kernel/ports';
import { alarmOf, guardedTargets } from '../domain/alarm';
import { targetKey } from '../domain/types';
import type { RollbackInput } from './state';

export interface StarterDeps {
  readonly config: Config;
  readonly glob: GlobCompiler;
  readonly executions: ExecutionsPort;
  readonly stateMachineArn: string;
}

export interface Started {
  readonly target: string;
  readonly name: string;
  readonly outcome: 'started' | 'duplicate';
}

/** `[]` for an alarm no guard names (or a state other than ALARM). Throws EventRejectedError for an unreadable event. */
export async function onAlarmEvent(event: unknown, deps: StarterDeps): Promise<Started[]> {
  const read = alarmOf(event);
  if (!read.ok) throw new EventRejectedError(read.problems);
  if (read.state !== 'ALARM') return [];
  const alarm = read.alarm;
  const started: Started[] = [];
  for (const { guard, target } of guardedTargets(deps.config, alarm.name, deps.glob)) {
    const name = rollbackExecutionName(alarm.name, targetKey(target), alarm.time);
    const input: RollbackInput = { alarm, target, guard };
    started.push({ target: targetKey(target), name, outcome: await deps.executions.start({ stateMachineArn: deps.stateMachineArn, name, input }) });
  }
  return started;
}

export const rollbackExecutionName = (alarm: string, target: string, stateChangeTime: string) => executionName([alarm, target, stateChangeTime]);
