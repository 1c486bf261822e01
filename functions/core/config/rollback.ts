/** `rollback:` in the config: which alarms guard which deployment groups and pipeline stages. */
import * as z from '../zod';
import type { Config } from './schema';

export const RollbackSchema = z.strictObject({});
export type RollbackConfig = z.infer<typeof RollbackSchema>;

/** Problems that span sections, with their paths. */
export function rollbackProblems(_config: Config): string[] {
  return [];
}
