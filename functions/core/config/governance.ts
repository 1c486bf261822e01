/** `governance:` and `codeartifact:` in the config: change freezes, enforcement, package-triggered pipelines. */
import * as z from '../zod';
import type { Config } from './schema';

export const GovernanceSchema = z.strictObject({});
export type GovernanceConfig = z.infer<typeof GovernanceSchema>;

export const CodeArtifactSchema = z.strictObject({});
export type CodeArtifactConfig = z.infer<typeof CodeArtifactSchema>;

/** Problems that span sections, with their paths. */
export function governanceProblems(_config: Config): string[] {
  return [];
}
