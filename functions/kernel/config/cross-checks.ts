/**
 * Checks that span a config's sections or need more than the schema (durations in order, globs
 * that could match production stages). `parseConfig` runs them after the schema passed.
 */
import { approvalsProblems } from './approvals-checks';
import { governanceProblems } from './governance';
import { governanceCronProblems } from './governance-checks';
import { insightsProblems } from './insights';
import { rollbackProblems } from './rollback';
import type { Config } from './schema';

const CHECKS: ReadonlyArray<(config: Config) => string[]> = [approvalsProblems, rollbackProblems, governanceProblems, governanceCronProblems, insightsProblems];

/** Every problem, each with its path; [] for a config that may be deployed. */
export function crossCheck(config: Config): string[] {
  return CHECKS.flatMap((check) => check(config));
}
