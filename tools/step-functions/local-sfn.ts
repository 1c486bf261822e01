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
import { ExecutionAbortedError, StateMachine } from 'aws-local-stepfunctions';
import { type Json, loadDefinition, retryStates, rewriteWaits, taskStates, waitStates, wakeTime } from './asl';
import type { Scheduler, VirtualClock } from './clock';

export { createScheduler, createVirtualClock, type Scheduler, type VirtualClock } from './clock';

/** Answers a Task with its input, whatever the state passes: `never` lets each handler declare the input it expects. */
export type LocalHandler = (input: never) => unknown;

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
