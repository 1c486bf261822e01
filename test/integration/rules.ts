/**
 * The stack's rules and the pattern files they listen with: the table the rule tests and the
 * routing test share (an explicit list, so a new rule must be added here on purpose).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { EventPattern } from '../../tools/event-pattern/matcher';
import { PROJECT_DIR } from '../support/package';

/** Every rule of the stack and the `events/` file it listens with (schedules have none). */
export const RULE_PATTERNS: Record<string, string | null> = {
  CodePipelineRule: 'codepipeline',
  CodeBuildRule: 'codebuild',
  CodeDeployRule: 'codedeploy',
  CodeArtifactRule: 'codeartifact',
  CodeCommitRule: 'codecommit',
  AlarmRule: 'alarm',
  ApprovalRule: 'approval',
  RollbackRule: 'rollback',
  GovernanceChangeRule: 'governance-cloudtrail',
  PackageTriggerRule: 'package-trigger',
  GovernanceStageStartedRule: 'governance-stage-started',
  GovernanceAuditSchedule: null,
  GovernanceFreezeSchedule: null,
};
/** The parsed `events/<name>.pattern.json`. */
export const patternFile = (name: string): EventPattern => JSON.parse(readFileSync(path.join(PROJECT_DIR, 'events', `${name}.pattern.json`), 'utf8'));
