/** The one failure of packaging: problems that stop `serverless package`. */
import { PermanentError } from '../../functions/kernel/errors';

/**
 * A title and every problem, one per line, as `serverless package` prints them.
 *
 * @example new InvalidConfigError('Invalid pipeline-warden config config/warden.yml', ['version: must be 1'])
 * // message: 'Invalid pipeline-warden config config/warden.yml: 1 problem\n  - version: must be 1'
 */
export class InvalidConfigError extends PermanentError {
  override name = 'InvalidConfigError';

  constructor(
    title: string,
    readonly problems: readonly string[],
  ) {
    super(`${title}: ${problems.length} problem${problems.length === 1 ? '' : 's'}\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    // osls prints the stack of a failed variable source; the JS frames would only bury the problems.
    this.stack = `${this.name}: ${this.message}`;
  }
}
