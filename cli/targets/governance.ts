/**
 * The governance rules in replay: CloudTrail changes to pipelines and projects, published package
 * versions, and stage starts (they end break-glass bypasses, granted in `npm run dev`),
 * run through the real governance code with recording ports. Definitions come from the world
 * file's `pipelines` (get-pipeline output, as for notify); the `governance` section adds stage
 * transitions, CodeBuild projects and change calendars.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { customRules } from '../../config/custom-rules';
import type { GovernanceDeps } from '../../functions/governance/app/deps';
import { runGovernance } from '../../functions/governance/app/run';
import { BuildProjectSchema } from '../../functions/governance/domain/definitions';
import { parsePolicy } from '../../functions/governance/domain/policy-schema';
import { governanceTrigger } from '../../functions/governance/domain/trigger';
import { createGovernanceWorld } from '../../functions/governance/world';
import { formatIssue } from '../../functions/kernel/issues';
import * as z from '../../functions/kernel/zod';
import { createMemoryDirectory } from '../../functions/platform/slack-directory-memory';
import { PROJECT_ROOT } from '../files';
import type { ReplayShared, ReplayTargetFactory } from './types';
import { SlackWorld } from './world-slack';

const Transition = z.object({
  stage: z.string(),
  enabled: z.boolean(),
  disabledReason: z.optional(z.string()),
  lastChangedAt: z.optional(z.string()),
  latestExecutionId: z.optional(z.string()),
});
/** The world file's `governance` section as replay reads it (also what `warden replay --world` validates). */
export const GovernanceWorldSection = z._default(
  z.strictObject({
    /** Stage transitions per pipeline; a stage not listed is open. */
    transitions: z._default(z.record(z.string(), z.array(Transition)), {}),
    projects: z._default(z.array(BuildProjectSchema), []),
    calendars: z._default(z.record(z.string(), z.enum(['OPEN', 'CLOSED'])), {}),
  }),
  { transitions: {}, projects: [], calendars: {} },
);
const GovernanceWorld = z.object({
  governance: GovernanceWorldSection,
  /** Who is in the break-glass approvers' user groups. */
  slack: SlackWorld,
});

export const governanceTargets: ReplayTargetFactory = (shared) => {
  const deps = replayGovernanceDeps(shared);
  const run = async (event: unknown) => {
    await runGovernance(governanceTrigger(event), deps);
  };
  return [
    { pattern: 'governance-cloudtrail.pattern.json', run },
    { pattern: 'package-trigger.pattern.json', run },
    { pattern: 'governance-stage-started.pattern.json', run },
  ];
};

/** Governance's dependencies in replay (also the dev server's): the governance world (functions/governance/world.ts) on the world file, recording its calls. */
export function replayGovernanceDeps(shared: ReplayShared): GovernanceDeps {
  const parsed = GovernanceWorld.safeParse(shared.world);
  if (!parsed.success) throw new Error(`world file: ${parsed.error.issues.flatMap(formatIssue).join('; ')}`);
  const world = parsed.data.governance;
  const policy = parsePolicy(readFileSync(path.join(PROJECT_ROOT, 'config/policy.yml'), 'utf8'), { customRules });
  if (!policy.ok) throw new Error(`config/policy.yml: ${policy.problems.join('; ')}`);
  const pipelines = (shared.world['pipelines'] ?? {}) as Record<string, { pipeline?: unknown } | undefined>;
  // Shared by every event of the run: a duplicate in the replayed files does nothing, as deployed.
  const ports = createGovernanceWorld({
    pipelines: Object.entries(pipelines).map(([name, entry]) => [name, entry?.pipeline] as const),
    transitions: world.transitions,
    projects: world.projects,
    calendars: world.calendars,
    now: () => shared.clock.now(),
    calls: shared.recorder.calls,
    // Read from the token, so an execution's id is the same in every replay.
    executionId: (_n, token) => `replay-${token.slice(0, 8)}`,
  });
  return {
    config: shared.config,
    policy: policy.policy,
    customRules,
    pipelines: ports.pipelines,
    projects: ports.projects,
    calendars: ports.calendars,
    records: ports.records,
    done: ports.done,
    bypasses: ports.bypasses,
    directory: createMemoryDirectory(parsed.data.slack),
    slack: shared.recorder.slack,
    email: shared.recorder.email,
    defaultTopicArn: shared.defaultTopicArn,
    now: () => shared.clock.now(),
    logger: { info: () => undefined, warn: () => undefined },
  };
}
