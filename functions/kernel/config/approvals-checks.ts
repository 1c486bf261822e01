/**
 * Checks of the `approvals:` section a schema cannot express. Run by `parseConfig` (CLI and
 * `serverless package`), not by the Lambda's start-up re-check: picomatch stays out of its bundle.
 */
import picomatch from 'picomatch';
import { parseDuration } from '../duration';
import { isProductionStage } from '../production';
import type { ApprovalPolicy } from './approvals';
import { DURATION_LIMITS, durationProblem } from './duration-limits';
import type { Config } from './schema';

/**
 * Problems a schema cannot see: durations in the wrong order, an escalation with nobody to call,
 * and any policy that would approve a production stage by itself when nobody decides.
 */
export function approvalsProblems(config: Config): string[] {
  const approvals = config.approvals;
  if (!approvals) return [];
  return approvals.policies.flatMap((policy, i) => policyProblems(policy, `approvals.policies[${i}]`, config.productionStages));
}

function policyProblems(policy: ApprovalPolicy, at: string, productionStages: readonly string[]): string[] {
  const problems: string[] = [];
  const ms = (text: string) => parseDuration(text) ?? 0;
  if ((policy.escalateAfter === undefined) !== (policy.escalateTo === undefined)) {
    problems.push(`${at}: escalateAfter and escalateTo go together (after how long, and whom to call in)`);
  }
  if (policy.escalateAfter !== undefined && ms(policy.escalateAfter) >= ms(policy.deadline)) {
    problems.push(`${at}.escalateAfter: ${policy.escalateAfter} is not before the deadline (${policy.deadline}): nobody would be called in`);
  }
  problems.push(...durationProblems(policy, at));
  const short = votersShortfall(policy);
  if (short) problems.push(`${at}.required: ${short}`);
  else if (unknownStarterShortfall(policy)) {
    problems.push(
      `${at}.whenStarterUnknown: two-approvers (the default) needs 2 distinct approvers when who started the run cannot be known, but only 1 approver can vote: add an approver or a user group, or set whenStarterUnknown: any-approver`,
    );
  }
  if (policy.onDeadline === 'approve') {
    const risky = productionStageRisk(policy.match.stages, productionStages);
    if (risky) problems.push(`${at}.onDeadline: approve is refused: ${risky}. Use reject or notify, or narrow match.stages to stages that are not production`);
  }
  return problems;
}

/** Each duration within its bounds (duration-limits.ts); a deadline past CodePipeline's 60 days never comes. */
function durationProblems(policy: ApprovalPolicy, at: string): string[] {
  return [
    durationProblem(`${at}.remindEvery`, policy.remindEvery, DURATION_LIMITS.remindEvery),
    policy.escalateAfter === undefined ? undefined : durationProblem(`${at}.escalateAfter`, policy.escalateAfter, DURATION_LIMITS.escalateAfter),
    durationProblem(`${at}.deadline`, policy.deadline, DURATION_LIMITS.approvalDeadline),
  ].filter((problem): problem is string => problem !== undefined);
}

/**
 * Why `required` distinct approvals can never be given, or undefined when they can. A user group
 * (S…) may hold any number of people; each user id (U…, W…) is one person, however often listed.
 * Only approvers vote (escalateTo people are called in, not allowed to decide).
 */
function votersShortfall(policy: Pick<ApprovalPolicy, 'approvers' | 'required'>): string | undefined {
  if (policy.approvers.some((id) => id.startsWith('S'))) return undefined;
  const people = new Set(policy.approvers).size;
  if (people >= policy.required) return undefined;
  return `${policy.required} but only ${people} approver${people === 1 ? '' : 's'} can vote: add approvers or a user group`;
}

/** Whether fail-closed four-eyes (two approvers when the starter is unknown) could never be met. */
function unknownStarterShortfall(policy: ApprovalPolicy): boolean {
  return (
    !policy.allowSelfApproval && policy.whenStarterUnknown === 'two-approvers' && votersShortfall({ approvers: policy.approvers, required: 2 }) !== undefined
  );
}

/**
 * Why a policy's stages may include a production stage, or undefined when they cannot. Auto-approval
 * is allowed only for stages named exactly (no glob), none of which is a production stage name.
 */
function productionStageRisk(stages: readonly string[] | undefined, productionStages: readonly string[]): string | undefined {
  if (!stages) return 'it matches every stage, production stages included';
  const wildcard = stages.find((stage) => picomatch.scan(stage).isGlob);
  if (wildcard) return `stage pattern "${wildcard}" could match a production stage (auto-approval needs exact stage names)`;
  const production = stages.find((stage) => isProductionStage(stage, productionStages));
  return production ? `stage "${production}" is a production stage (productionStages)` : undefined;
}
