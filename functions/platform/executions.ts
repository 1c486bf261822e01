/** Step Functions executions: started once per cause (by name), stopped when their work is done elsewhere. */
import { ExecutionAlreadyExists, ExecutionDoesNotExist, type SFNClient, StartExecutionCommand, StopExecutionCommand } from '@aws-sdk/client-sfn';
import type { ExecutionsPort } from '../kernel/ports';
import { classifyAwsError } from './aws-errors';

/** StopExecution's `cause` holds at most this many characters (Step Functions API reference). */
export const STOP_CAUSE_MAX = 32_768;

/**
 * @example const port = createExecutionsPort(new SFNClient({})); await port.start({ stateMachineArn, name, input })
 */
export function createExecutionsPort(client: SFNClient): ExecutionsPort {
  return {
    async start({ stateMachineArn, name, input }) {
      try {
        await client.send(new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify(input) }));
        return 'started';
      } catch (error) {
        // Same name and same input: the cause was already handled (a duplicate event). Same name,
        // other input is also ExecutionAlreadyExists: the name is derived from the cause, so it is the same cause.
        if (error instanceof ExecutionAlreadyExists) return 'duplicate';
        throw classify(error, `StartExecution ${name}`);
      }
    },
    async stop({ executionArn, cause }) {
      try {
        await client.send(new StopExecutionCommand({ executionArn, cause: cause.slice(0, STOP_CAUSE_MAX) }));
        return 'stopped';
      } catch (error) {
        if (error instanceof ExecutionDoesNotExist) return 'not-running';
        throw classify(error, `StopExecution ${executionArn}`);
      }
    },
  };
}

const classify = (error: unknown, what: string) => classifyAwsError(`Step Functions ${what}`, error);
