/**
 * A state machine definition made runnable locally: loaded and checked as serverless deploys it, and
 * each Wait state rewritten into a Task of the same name whose local handler receives the wait's
 * duration or timestamp (evaluated by aws-local-stepfunctions from the same Seconds/SecondsPath/
 * Timestamp/TimestampPath fields) so a virtual clock can move forward instead of sleeping.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { PROJECT_ROOT } from '../../cli/files';

export type Json = Record<string, unknown>;

const WAIT_FIELDS = ['Seconds', 'SecondsPath', 'Timestamp', 'TimestampPath'] as const;
export const VIRTUAL_WAIT_ARN = 'arn:aws:lambda:us-east-1:123456789012:function:warden-virtual-wait';

export function loadDefinition(definition: string | object): Json {
  if (typeof definition !== 'string') return structuredClone(definition) as Json;
  const asl = createRequire(__filename)('../../scripts/validate-asl.cjs') as {
    load(file: string): { definition?: unknown; errors: string[] };
    machineOf(value: unknown): unknown;
  };
  const file = path.resolve(PROJECT_ROOT, definition);
  const { definition: loaded, errors } = asl.load(file);
  if (errors.length) throw new Error(`${definition}: ${errors.join('; ')}`);
  return asl.machineOf(loaded) as Json;
}

/** Every state map of the machine: the top level, Parallel branches and Map item processors. */
function stateMaps(machine: Json): Array<Record<string, Json>> {
  const maps: Array<Record<string, Json>> = [];
  const visit = (m: Json) => {
    const states = (m['States'] ?? {}) as Record<string, Json>;
    maps.push(states);
    for (const state of Object.values(states)) {
      for (const branch of (state['Branches'] ?? []) as Json[]) visit(branch);
      const processor = (state['ItemProcessor'] ?? state['Iterator']) as Json | undefined;
      if (processor) visit(processor);
    }
  };
  visit(machine);
  return maps;
}

const namesWhere = (machine: Json, test: (state: Json) => boolean) =>
  stateMaps(machine).flatMap((states) =>
    Object.entries(states)
      .filter(([, s]) => test(s))
      .map(([name]) => name),
  );

export const taskStates = (machine: Json) => namesWhere(machine, (s) => s['Type'] === 'Task' && s['Resource'] !== VIRTUAL_WAIT_ARN);
export const waitStates = (machine: Json) => namesWhere(machine, (s) => s['Resource'] === VIRTUAL_WAIT_ARN);
export const retryStates = (machine: Json) => namesWhere(machine, (s) => Array.isArray(s['Retry']));

/**
 * Wait → Task of the same name that hands its duration or timestamp to the virtual clock. Task
 * timeouts go: they are wall-clock timers in aws-local-stepfunctions (a pending one keeps the
 * process alive for its whole length), and local handlers answer at once anyway.
 */
export function rewriteWaits(machine: Json): Json {
  for (const states of stateMaps(machine)) {
    for (const [name, state] of Object.entries(states)) {
      if (state['Type'] === 'Task') {
        delete state['TimeoutSeconds'];
        delete state['HeartbeatSeconds'];
      }
      if (state['Type'] !== 'Wait') continue;
      const field = WAIT_FIELDS.find((f) => f in state);
      if (!field) throw new Error(`Wait state ${name} has none of ${WAIT_FIELDS.join(', ')}`);
      const parameter = field.endsWith('Path') ? { [`${field.slice(0, -4).toLowerCase()}.$`]: state[field] } : { [field.toLowerCase()]: state[field] };
      const { Seconds: _s, SecondsPath: _sp, Timestamp: _t, TimestampPath: _tp, Type: _type, ...rest } = state;
      states[name] = { ...rest, Type: 'Task', Resource: VIRTUAL_WAIT_ARN, Parameters: parameter, ResultPath: null };
    }
  }
  return machine;
}

export function wakeTime(input: Json, now: Date): Date {
  if (typeof input['seconds'] === 'number') return new Date(now.getTime() + input['seconds'] * 1000);
  const timestamp = Date.parse(String(input['timestamp']));
  if (Number.isNaN(timestamp)) throw new Error(`Wait: not a timestamp: ${String(input['timestamp'])}`);
  return new Date(Math.max(timestamp, now.getTime()));
}
