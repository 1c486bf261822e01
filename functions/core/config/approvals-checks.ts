/**
 * Checks of the `approvals:` section a schema cannot express. Run by `parseConfig` (CLI and
 * `serverless package`), not by the Lambda's start-up re-check: picomatch stays out of its bundle.
 */
import picomatch from 'picomatch';
import { parseDuration } from '../duration';
import { isProductionStage } from '../production';
import type { ApprovalPolicy } from './approvals';
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
  if (ms(policy.remindEvery) < 15 * 60_000) problems.push(`${at}.remindEvery: at least 15m (reminders more often than that are noise)`);
  if (ms(policy.deadline) < 5 * 60_000) problems.push(`${at}.deadline: at least 5m (CodePipeline's shortest approval timeout)`);
  if (policy.onDeadline === 'approve') {
    const risky = productionStageRisk(policy.match.stages, productionStages);
    if (risky) problems.push(`${at}.onDeadline: approve is refused: ${risky}. Use reject or notify, or narrow match.stages to stages that are not production`);
  }
  return problems;
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
