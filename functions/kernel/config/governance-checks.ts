/**
 * Checks of `governance.freezes[].cron` that need croner: an expression croner cannot read, or one
 * that never fires. Run by `parseConfig` (CLI and `serverless package`) like approvals-checks.ts;
 * croner stays out of the notify bundle, which imports governance.ts for the schema only.
 * Without this check a bad expression would pass validation and make every freeze tick fail.
 */
import { Cron } from 'croner';
import type { Config } from './schema';

/**
 * @example governanceCronProblems(config) // ['governance.freezes[1].cron: CronPattern: Invalid value for minute: 61']
 */
export function governanceCronProblems(config: Config): string[] {
  return (config.governance?.freezes ?? []).flatMap((freeze, i) => {
    if (freeze.cron === undefined) return [];
    const at = `governance.freezes[${i}].cron`;
    try {
      const cron = new Cron(freeze.cron, { timezone: freeze.timezone });
      // A pattern such as "0 0 30 2 *" (30 February) is valid but never starts a window.
      return cron.nextRun(new Date(Date.UTC(2000, 0, 1))) ? [] : [`${at}: "${freeze.cron}" never matches a date, so the freeze would never start`];
    } catch (error) {
      return [`${at}: ${(error as Error).message}`];
    }
  });
}
