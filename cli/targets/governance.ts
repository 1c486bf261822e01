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
import type { GovernanceDeps, TransitionRecord, TransitionState } from '../../functions/governance/app/deps';
import { runGovernance } from '../../functions/governance/app/run';
import { BuildProjectSchema, type PipelineDefinition, PipelineDefinitionSchema } from '../../functions/governance/domain/definitions';
import { parsePolicy } from '../../functions/governance/domain/policy-schema';
import { governanceTrigger } from '../../functions/governance/domain/trigger';
import { createMemoryBypasses, createMemoryDoneRecords } from '../../functions/governance/world';
import { formatIssue } from '../../functions/kernel/issues';
import * as z from '../../functions/kernel/zod';
import { PROJECT_ROOT } from '../files';
import type { ReplayShared, ReplayTargetFactory } from './types';
import { SlackWorld, worldDirectory } from './world-slack';

const Transition = z.object({
  stage: z.string(),
  enabled: z.boolean(),
  disabledReason: z.optional(z.string()),
  lastChangedAt: z.optional(z.string()),
  latestExecutionId: z.optional(z.string()),
});
const GovernanceWorld = z.object({
  governance: z._default(
    z.strictObject({
      /** Stage transitions per pipeline; a stage not listed is open. */
      transitions: z._default(z.record(z.string(), z.array(Transition)), {}),
      projects: z._default(z.array(BuildProjectSchema), []),
      calendars: z._default(z.record(z.string(), z.enum(['OPEN', 'CLOSED'])), {}),
    }),
    { transitions: {}, projects: [], calendars: {} },
  ),
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

/** Governance's dependencies in replay (also the dev server's): the world file's pipelines and transitions, recorded calls. */
export function replayGovernanceDeps(shared: ReplayShared): GovernanceDeps {
  const parsed = GovernanceWorld.safeParse(shared.world);
  if (!parsed.success) throw new Error(`world file: ${parsed.error.issues.flatMap(formatIssue).join('; ')}`);
  const world = parsed.data.governance;
  const policy = parsePolicy(readFileSync(path.join(PROJECT_ROOT, 'config/policy.yml'), 'utf8'), { customRules });
  if (!policy.ok) throw new Error(`config/policy.yml: ${policy.problems.join('; ')}`);
  const calls = shared.recorder.calls;
  const records = new Map<string, TransitionRecord>();
  const transitions = new Map<string, TransitionState>(Object.entries(world.transitions).flatMap(([p, ts]) => ts.map((t) => [`${p}/${t.stage}`, t] as const)));
  const definition = (name: string): PipelineDefinition | undefined => {
    const entry = (shared.world['pipelines'] as Record<string, { pipeline?: unknown }> | undefined)?.[name];
    const result = PipelineDefinitionSchema.safeParse(entry?.pipeline);
    return result.success ? result.data : undefined;
  };
  const set = (name: string, stage: string, state: Omit<TransitionState, 'stage'>) =>
    transitions.set(`${name}/${stage}`, { stage, ...state, lastChangedAt: shared.clock.now().toISOString() });
  return {
    config: shared.config,
    policy: policy.policy,
    customRules,
    pipelines: {
      list: async () => {
        calls.push({ call: 'codepipeline.listPipelines', input: {} });
        return Object.keys((shared.world['pipelines'] as object | undefined) ?? {});
      },
      get: async (name) => {
        calls.push({ call: 'codepipeline.getPipeline', input: { name } });
        return definition(name);
      },
      transitions: async (name) => {
        calls.push({ call: 'codepipeline.getPipelineState', input: { name } });
        return (definition(name)?.stages ?? []).map((s) => transitions.get(`${name}/${s.name}`) ?? { stage: s.name, enabled: true });
      },
      disable: async (name, stage, reason) => {
        calls.push({ call: 'codepipeline.disableStageTransition', input: { pipelineName: name, stageName: stage, transitionType: 'Inbound', reason } });
        set(name, stage, { enabled: false, disabledReason: reason });
      },
      enable: async (name, stage) => {
        calls.push({ call: 'codepipeline.enableStageTransition', input: { pipelineName: name, stageName: stage, transitionType: 'Inbound' } });
        set(name, stage, { enabled: true });
      },
      start: async (name, clientRequestToken) => {
        calls.push({ call: 'codepipeline.startPipelineExecution', input: { name, clientRequestToken } });
        return { executionId: `replay-${clientRequestToken.slice(0, 8)}` };
      },
    },
    projects: {
      list: async () => {
        calls.push({ call: 'codebuild.listProjects', input: {} });
        return world.projects.map((p) => p.name);
      },
      get: async (names) => {
        calls.push({ call: 'codebuild.batchGetProjects', input: { names } });
        return world.projects.filter((p) => names.includes(p.name));
      },
    },
    calendars: {
      state: async (name) => {
        calls.push({ call: 'ssm.getCalendarState', input: { CalendarNames: [name] } });
        return world.calendars[name] ?? 'OPEN';
      },
    },
    records: {
      list: async () => [...records.values()],
      put: async (r) => void records.set(`${r.pipeline}/${r.stage}`, r),
      // One replay run at a time: nothing can claim a stage between its plan and its apply.
      claim: async (r) => {
        records.set(`${r.pipeline}/${r.stage}`, r);
        return true;
      },
      remove: async (p, s) => void records.delete(`${p}/${s}`),
    },
    // Shared by every event of the run: a duplicate in the replayed files does nothing, as deployed.
    done: createMemoryDoneRecords(() => shared.clock.now()),
    bypasses: createMemoryBypasses(),
    directory: worldDirectory(parsed.data.slack),
    slack: shared.recorder.slack,
    email: shared.recorder.email,
    defaultTopicArn: shared.defaultTopicArn,
    now: () => shared.clock.now(),
    logger: { info: () => undefined, warn: () => undefined },
  };
}
