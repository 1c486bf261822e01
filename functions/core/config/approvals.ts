/** `approvals:` in the config: who may decide a CodePipeline manual approval, and when. */
import * as z from '../zod';
import type { Config } from './schema';

export const ApprovalsSchema = z.strictObject({});
export type ApprovalsConfig = z.infer<typeof ApprovalsSchema>;

/** Problems that span sections (a policy naming a route that does not exist, ...), with their paths. */
export function approvalsProblems(_config: Config): string[] {
  return [];
}
