/**
 * Step Functions in replay: executions of the stack's state machines run locally on the shared
 * virtual clock. Starting one records `sfn.startExecution` and, as Step Functions does for a name
 * already used, starts nothing for a duplicate; stopping one records `sfn.stopExecution`.
 */

import type { ExecutionsPort } from '../functions/kernel/ports';
import { STOP_CAUSE_MAX } from '../functions/platform/executions';
import type { Recorder } from '../functions/platform/recording';
import { type LocalExecution, type LocalHandler, type LocalRunResult, type Scheduler, startLocal } from '../tools/step-functions/local-sfn';

export interface LocalMachine {
  /** The ASL file serverless.yml deploys for this machine. */
  readonly definition: string;
  /** Its Task states, answered locally (recording adapters, the real task code). */
  readonly handlers: Readonly<Record<string, LocalHandler>>;
}

export interface LocalMachines {
  /** Makes a state machine ARN startable in replay. */
  define(stateMachineArn: string, machine: LocalMachine): void;
  /** The ExecutionsPort the stack's code uses, answered by local executions. */
  readonly port: ExecutionsPort;
  /** Which replayed event started an execution (by execution name). */
  ownerOf(executionName: string): string | undefined;
  /** Ends every execution still waiting (past the horizon) and returns how each ended. */
  finish(): Promise<Array<{ name: string; event: string; result: LocalRunResult }>>;
}

/** A placeholder ARN for a machine of the stack (`pipeline-warden-<stage>-<name>`), as replay names it. */
export const replayStateMachineArn = (name: string) => `arn:aws:states:us-east-1:123456789012:stateMachine:pipeline-warden-replay-${name}`;

export function createLocalMachines(options: {
  readonly clock: Scheduler;
  readonly recorder: Recorder;
  readonly currentEvent: () => string | undefined;
}): LocalMachines {
  const machines = new Map<string, LocalMachine>();
  const executions = new Map<string, { arn: string; event: string; done: boolean; run: LocalExecution }>();
  const arnOf = (stateMachineArn: string, name: string) => `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
  return {
    define: (arn, machine) => void machines.set(arn, machine),
    ownerOf: (name) => executions.get(name)?.event,
    port: {
      async start({ stateMachineArn, name, input }) {
        options.recorder.calls.push({ call: 'sfn.startExecution', input: { stateMachineArn, name, input: JSON.stringify(input) } });
        const machine = machines.get(stateMachineArn);
        if (!machine) throw new Error(`replay: no local state machine for ${stateMachineArn}`);
        if (executions.has(name)) return 'duplicate';
        const event = options.currentEvent() ?? name;
        // Registered before it runs, so calls made by its first states are attributed to the event.
        const entry = { arn: arnOf(stateMachineArn, name), event, done: false, run: undefined as unknown as LocalExecution };
        executions.set(name, entry);
        entry.run = startLocal({ definition: machine.definition, input, clock: options.clock, handlers: machine.handlers, executionName: name });
        void entry.run.result.then(() => {
          entry.done = true;
        });
        return 'started';
      },
      async stop({ executionArn, cause }) {
        options.recorder.calls.push({ call: 'sfn.stopExecution', input: { executionArn, cause: cause.slice(0, STOP_CAUSE_MAX) } });
        const entry = [...executions.values()].find((e) => e.arn === executionArn);
        if (!entry || entry.done) return 'not-running';
        entry.run.stop('aborted');
        return 'stopped';
      },
    },
    async finish() {
      for (const entry of executions.values()) entry.run.stop('waiting');
      return Promise.all([...executions].map(async ([name, entry]) => ({ name, event: entry.event, result: await entry.run.result })));
    },
  };
}
