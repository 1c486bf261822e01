/**
 * Runs a state machine definition locally (aws-local-stepfunctions) on a virtual clock: replay and
 * the state machine tests execute the very ASL files serverless.yml deploys, with every Task answered
 * by a local function, so nothing ever reaches AWS.
 *
 * aws-local-stepfunctions can shorten a Wait but cannot tell us how long it would have been, and its
 * context object has no clock. So each Wait state is rewritten into a Task of the same name whose
 * local handler receives the wait's duration or timestamp (evaluated by the library from the same
 * Seconds/SecondsPath/Timestamp/TimestampPath fields) and moves the virtual clock forward, or, past
 * the horizon, ends the run as WAITING.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { ExecutionAbortedError, StateMachine } from 'aws-local-stepfunctions';
import { PROJECT_ROOT } from '../../cli/files';

type Json = Record<string, unknown>;
/** Answers a Task with its input, whatever the state passes: `never` lets each handler declare the input it expects. */
export type LocalHandler = (input: never) => unknown;

export interface VirtualClock {
  now(): Date;
  /** Moves the clock forward (never back). */
  set(time: Date): void;
}

/** @example const clock = createVirtualClock('2026-11-23T10:00:00Z'); clock.now().toISOString() */
export function createVirtualClock(start: string | Date): VirtualClock {
  let current = new Date(start);
  if (Number.isNaN(current.getTime())) throw new Error(`virtual clock: not a time: ${String(start)}`);
  return {
    now: () => new Date(current),
    set: (time) => {
      if (time.getTime() > current.getTime()) current = new Date(time);
    },
  };
}

/**
 * A virtual clock that several executions share, as in an account: a Wait suspends its execution
 * until `advanceTo` passes its end, so events replayed later (a decision, an OK alarm) interleave
 * with timers the way they would in time. Executions run one at a time: `advanceTo` wakes the
 * earliest sleeper and lets it run to its next Wait or its end before waking the next.
 */
export interface Scheduler extends VirtualClock {
  /** Suspends the calling execution until the clock reaches `until`. `label` names who sleeps (for attribution). */
  sleep(until: Date, label: string): Promise<void>;
  /** Wakes, in time order, every sleeper due by `time`, then sets the clock to `time`. */
  advanceTo(time: Date): Promise<void>;
  /** Resolves once every execution has reached a Wait or its end. */
  idle(): Promise<void>;
  /** Registers a running execution (runLocal does it); returns the function that marks it finished. */
  enter(label: string): () => void;
  /** Who is running now: the label of the last execution woken or started. */
  readonly current: () => string | undefined;
  /** Sleepers still pending (after the last advanceTo: the timers beyond the horizon). */
  pending(): Array<{ label: string; until: Date }>;
  /** Forgets the sleepers of a stopped execution: they are never woken. */
  cancel(label: string): void;
}

export function createScheduler(start: string | Date): Scheduler {
  const clock = createVirtualClock(start);
  const sleepers: Array<{ until: Date; label: string; wake: () => void }> = [];
  let running = 0;
  let current: string | undefined;
  let idleWaiters: Array<() => void> = [];
  const settle = () => {
    if (running > 0) return;
    const waiters = idleWaiters;
    idleWaiters = [];
    for (const resolve of waiters) resolve();
  };
  return {
    ...clock,
    current: () => current,
    enter(label) {
      running += 1;
      current = label;
      let done = false;
      return () => {
        if (done) return;
        done = true;
        running -= 1;
        settle();
      };
    },
    sleep(until, label) {
      return new Promise<void>((wake) => {
        sleepers.push({ until, label, wake });
        running -= 1;
        settle();
      });
    },
    idle() {
      return running > 0 ? new Promise<void>((resolve) => idleWaiters.push(resolve)) : Promise.resolve();
    },
    async advanceTo(time) {
      await this.idle();
      for (;;) {
        sleepers.sort((a, b) => a.until.getTime() - b.until.getTime());
        const next = sleepers[0];
        if (!next || next.until.getTime() > time.getTime()) break;
        sleepers.shift();
        clock.set(next.until);
        running += 1;
        current = next.label;
        next.wake();
        await this.idle();
      }
      clock.set(time);
    },
    pending: () => sleepers.map(({ label, until }) => ({ label, until })),
    cancel(label) {
      for (let i = sleepers.length - 1; i >= 0; i -= 1) if (sleepers[i]?.label === label) sleepers.splice(i, 1);
    },
  };
}

export interface LocalRunOptions {
  /** A file under the project (`statemachines/approval.asl.yaml`), or a parsed definition. */
  readonly definition: string | object;
  readonly input: unknown;
  /**
   * A plain clock: each Wait moves it at once (one execution on its own). A Scheduler: each Wait
   * suspends the execution until the scheduler's clock gets there (executions and events interleave).
   */
  readonly clock: VirtualClock | Scheduler;
  /** Plain clock only: the run stops, as WAITING, at the first Wait that would end after this time. */
  readonly horizon?: Date;
  /** Task state name → the local function that answers it. */
  readonly handlers: Readonly<Record<string, LocalHandler>>;
  /** `$$.Execution.Name`, and the label the scheduler knows this execution by. */
  readonly executionName?: string;
}

export interface LocalRunResult {
  /** WAITING: stopped at a Wait beyond the horizon; ABORTED: stopped from outside (StopExecution). */
  readonly status: 'SUCCEEDED' | 'FAILED' | 'WAITING' | 'ABORTED';
  readonly output?: unknown;
  readonly error?: string;
  readonly cause?: string;
  /** Names of the Task and Wait states entered, in order (a retried Task once per attempt). */
  readonly states: readonly string[];
  /** When the pending Wait ends (status WAITING). */
  readonly waitingUntil?: Date;
}

export interface LocalExecution {
  readonly result: Promise<LocalRunResult>;
  /** StopExecution: ends the run as ABORTED (or, with `waiting`, as WAITING for a horizon). */
  stop(reason?: 'aborted' | 'waiting'): void;
}

const WAIT_FIELDS = ['Seconds', 'SecondsPath', 'Timestamp', 'TimestampPath'] as const;
const VIRTUAL_WAIT_ARN = 'arn:aws:lambda:us-east-1:123456789012:function:warden-virtual-wait';

const isScheduler = (clock: VirtualClock | Scheduler): clock is Scheduler => 'sleep' in clock;

/**
 * Runs an execution to its end (or, on a plain clock, to the horizon).
 *
 * @example
 * const result = await runLocal({ definition: 'statemachines/approval.asl.yaml', input, clock, handlers });
 * result.status // 'SUCCEEDED'
 */
export async function runLocal(options: LocalRunOptions): Promise<LocalRunResult> {
  return startLocal(options).result;
}

/** Starts an execution; on a Scheduler it runs until its first Wait, then as the clock advances. */
export function startLocal(options: LocalRunOptions): LocalExecution {
  const machine = rewriteWaits(loadDefinition(options.definition));
  const tasks = taskStates(machine);
  const missing = tasks.filter((name) => !(name in options.handlers));
  if (missing.length) throw new Error(`local run: no handler for Task state(s) ${missing.join(', ')}: they would call AWS`);

  const label = options.executionName ?? 'local';
  const clock = options.clock;
  const states: string[] = [];
  let stopped: { reason: 'aborted' | 'waiting'; until?: Date } | undefined;
  let pendingUntil: Date | undefined;
  let abort: () => void = () => undefined;
  let release: (() => void) | undefined;
  const stop = (reason: 'aborted' | 'waiting', until?: Date) => {
    stopped ??= { reason, until };
    abort();
    if (isScheduler(clock)) clock.cancel(label);
    release?.();
  };
  const handlers: Record<string, LocalHandler> = {};
  for (const name of tasks) {
    const handler = options.handlers[name];
    if (!handler) throw new Error(`local run: no handler for Task state ${name}: it would call AWS`);
    handlers[name] = recordEntry(name, states, handler);
  }
  for (const name of waitStates(machine)) {
    handlers[name] = async (input: Json) => {
      states.push(name);
      const until = wakeTime(input, clock.now());
      if (isScheduler(clock)) {
        pendingUntil = until;
        // A stop ends the sleep at once: the library's own 60-second task timer must not outlive the run.
        await Promise.race([clock.sleep(until, label), new Promise<void>((resolve) => (release = resolve))]);
        pendingUntil = undefined;
        return {};
      }
      if (options.horizon && until.getTime() > options.horizon.getTime()) {
        // Aborted before this task returns: the library runs no further state.
        stop('waiting', until);
        return {};
      }
      clock.set(until);
      return {};
    };
  }
  const leave = isScheduler(clock) ? clock.enter(label) : () => undefined;
  const retryIntervals = Object.fromEntries(retryStates(machine).map((name) => [name, 0]));
  const execution = new StateMachine(machine as never, { validationOptions: { checkArn: false, checkPaths: false } }).run(options.input as never, {
    overrides: { taskResourceLocalHandlers: handlers as never, retryIntervalOverrides: retryIntervals },
    noThrowOnAbort: true,
    context: { Execution: { Name: label, StartTime: clock.now().toISOString() } } as never,
  });
  abort = execution.abort;
  const result = settle(execution.result, states, () => stopped).finally(leave);
  return { result, stop: (reason = 'aborted') => stop(reason, reason === 'waiting' ? pendingUntil : undefined) };
}

async function settle(
  result: Promise<unknown>,
  states: string[],
  stopped: () => { reason: 'aborted' | 'waiting'; until?: Date } | undefined,
): Promise<LocalRunResult> {
  try {
    const output = await result;
    const stop = stopped();
    if (stop)
      return stop.reason === 'waiting' ? { status: 'WAITING', states, ...(stop.until ? { waitingUntil: stop.until } : {}) } : { status: 'ABORTED', states };
    return { status: 'SUCCEEDED', output, states };
  } catch (error) {
    const stop = stopped();
    if (error instanceof ExecutionAbortedError && stop)
      return stop.reason === 'waiting' ? { status: 'WAITING', states, ...(stop.until ? { waitingUntil: stop.until } : {}) } : { status: 'ABORTED', states };
    const failure = error as { name?: string; message?: string; cause?: unknown };
    const inner = (failure.cause ?? {}) as { name?: string; message?: string };
    return { status: 'FAILED', error: inner.name ?? failure.name, cause: inner.message ?? failure.message, states };
  }
}

function recordEntry(name: string, states: string[], handler: LocalHandler): LocalHandler {
  return (input) => {
    states.push(name);
    return handler(input);
  };
}

function loadDefinition(definition: string | object): Json {
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

const taskStates = (machine: Json) => namesWhere(machine, (s) => s['Type'] === 'Task' && s['Resource'] !== VIRTUAL_WAIT_ARN);
const waitStates = (machine: Json) => namesWhere(machine, (s) => s['Resource'] === VIRTUAL_WAIT_ARN);
const retryStates = (machine: Json) => namesWhere(machine, (s) => Array.isArray(s['Retry']));

/**
 * Wait → Task of the same name that hands its duration or timestamp to the virtual clock. Task
 * timeouts go: they are wall-clock timers in aws-local-stepfunctions (a pending one keeps the
 * process alive for its whole length), and local handlers answer at once anyway.
 */
function rewriteWaits(machine: Json): Json {
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

function wakeTime(input: Json, now: Date): Date {
  if (typeof input['seconds'] === 'number') return new Date(now.getTime() + input['seconds'] * 1000);
  const timestamp = Date.parse(String(input['timestamp']));
  if (Number.isNaN(timestamp)) throw new Error(`Wait: not a timestamp: ${String(input['timestamp'])}`);
  return new Date(Math.max(timestamp, now.getTime()));
}
