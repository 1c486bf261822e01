/**
 * The approval rule in replay: approval events start the approval timer, executed locally from
 * statemachines/approval.asl.yaml on replay's clock; CodePipeline and Slack's directory answer from
 * the world file (`approvals`, `slack` sections, documented in events/samples/README.md).
 */

import type { ApprovalDeps } from '../../functions/approvals/app/deps';
import { onApprovalEvent } from '../../functions/approvals/app/events';
import { runApprovalStep } from '../../functions/approvals/app/steps';
import { createMemoryApprovalStore } from '../../functions/approvals/aws/store';
import type { ApprovalRef } from '../../functions/approvals/domain/types';
import type { ApprovalPipelinePort, CommitsPort } from '../../functions/approvals/ports';
import { createApprovalPipelineWorld } from '../../functions/approvals/world';
import { EventRejectedError, PermanentError } from '../../functions/kernel/errors';
import { parseEvent } from '../../functions/kernel/events/parse';
import { picomatchGlobs } from '../../functions/kernel/glob-picomatch';
import { formatIssue } from '../../functions/kernel/issues';
import * as z from '../../functions/kernel/zod';
import { createMemoryDirectory } from '../../functions/platform/slack-directory-memory';
import { replayStateMachineArn } from '../local-machines';
import type { ReplayShared, ReplayTargetFactory } from './types';
import { SlackWorld } from './world-slack';

const Decided = z.strictObject({
  status: z.enum(['Approved', 'Rejected']),
  at: z.iso.datetime({ offset: true }),
  by: z.optional(z.string()),
  summary: z.optional(z.string()),
});
/** An approval as a world file describes it (also what `warden replay --world` validates). */
export const ApprovalWorld = z.strictObject({
  /** What started the run (`triggerDetail`), e.g. an SSO session ARN ending in the person's email. */
  trigger: z.optional(z.string()),
  /** CodePipeline's `triggerType` (StartPipelineExecution, Webhook, CloudWatchEvent, ...). */
  triggerType: z.optional(z.string()),
  /** The run builds a CodeCommit commit: its repository, id and the author's email in Git (GetCommit). */
  codeCommit: z.optional(z.strictObject({ repository: z.string(), commitId: z.string(), authorEmail: z.optional(z.string()) })),
  revision: z.optional(z.strictObject({ id: z.optional(z.string()), summary: z.optional(z.string()), url: z.optional(z.string()) })),
  parallel: z.optional(z.boolean()),
  /** Decided outside Slack (console, CLI) at that time. */
  decided: z.optional(Decided),
});
const WorldSections = z.object({
  /** Keyed `<pipeline>/<stage>/<action>`, or `<pipeline>/<execution-id>/<stage>/<action>` for one execution. */
  approvals: z._default(z.record(z.string(), ApprovalWorld), {}),
  slack: SlackWorld,
});

/**
 * The approval flow's dependencies in replay: recording Slack and email, CodePipeline and Slack's
 * directory from the world file, and the approval timer defined as a local state machine on the
 * shared clock. Also used by the dev server (`npm run dev`).
 */
export function replayApprovalDeps(shared: ReplayShared): ApprovalDeps {
  const sections = WorldSections.safeParse(shared.world);
  if (!sections.success) throw new Error(`world file: ${sections.error.issues.flatMap(formatIssue).join('; ')}`);
  const world = sections.data;
  const stateMachineArn = replayStateMachineArn('approval');
  const deps: ApprovalDeps = {
    config: shared.config,
    glob: picomatchGlobs(),
    pipeline: recordingPipeline(shared, world.approvals),
    approvals: createMemoryApprovalStore(),
    cards: shared.store,
    slack: shared.recorder.slack,
    email: shared.recorder.email,
    directory: createMemoryDirectory(world.slack),
    commits: worldCommits(shared, world.approvals),
    executions: shared.machines.port,
    stateMachineArn,
    defaultTopicArn: shared.defaultTopicArn,
    now: () => shared.clock.now(),
    logger: { info: () => undefined, warn: () => undefined },
  };
  const step = async ({ Payload }: { Payload: unknown }) => ({ Payload: await runApprovalStep(Payload, deps) });
  shared.machines.define(stateMachineArn, { definition: 'statemachines/approval.asl.yaml', handlers: { Prepare: step, Tick: step, ReportFailure: step } });
  return deps;
}

export const approvalTarget: ReplayTargetFactory = (shared) => {
  const deps = replayApprovalDeps(shared);
  return {
    pattern: 'approval.pattern.json',
    async run(event) {
      try {
        await onApprovalEvent(parseEvent(event), deps);
      } catch (error) {
        if (error instanceof EventRejectedError) return { error: `rejected: ${error.problems.join('; ')}` };
        throw error;
      }
    },
  };
};

const where = (ref: ApprovalRef) => `${ref.pipeline}/${ref.stage}/${ref.action}`;
/** A world entry for this execution (`<pipeline>/<execution-id>/<stage>/<action>`) wins over one for the action. */
const entryFor = <T>(entries: Record<string, T>, ref: ApprovalRef): T | undefined =>
  entries[`${ref.pipeline}/${ref.executionId}/${ref.stage}/${ref.action}`] ?? entries[where(ref)];

/** CodePipeline as the world file describes it; a result put in replay decides the approval from then on. */
/**
 * CodePipeline as the world file describes it, played by the one approvals world (functions/approvals/world.ts):
 * a result put in replay decides the approval from then on; the world's `decided` decides it elsewhere at its time.
 * Attempts are named as ListActionExecutions would give them, `replay-<first 8 of the execution id>-<n>`.
 */
function recordingPipeline(shared: ReplayShared, approvals: Record<string, z.infer<typeof ApprovalWorld>>): ApprovalPipelinePort {
  const pipelines = (shared.world['pipelines'] ?? {}) as Record<
    string,
    { pipeline?: { stages?: Array<{ name?: string; actions?: Array<{ name?: string; configuration?: Record<string, string>; timeoutInMinutes?: number }> }> } }
  >;
  return createApprovalPipelineWorld({
    now: () => shared.clock.now(),
    calls: shared.recorder.calls,
    naming: {
      attempt: (ref, n) => `replay-${ref.executionId.slice(0, 8)}-${n}`,
      token: (ref, n) => `replay-token-${ref.executionId.slice(0, 8)}${n > 1 ? `-${n}` : ''}`,
    },
    facts: (ref) => {
      const action = pipelines[ref.pipeline]?.pipeline?.stages?.find((s) => s.name === ref.stage)?.actions?.find((a) => a.name === ref.action);
      const w = entryFor(approvals, ref);
      return {
        ...(action?.configuration?.['CustomData'] ? { customData: action.configuration['CustomData'] } : {}),
        ...(action?.configuration?.['ExternalEntityLink'] ? { reviewUrl: action.configuration['ExternalEntityLink'] } : {}),
        ...(action?.timeoutInMinutes ? { timeoutMinutes: action.timeoutInMinutes } : {}),
        parallel: w?.parallel ?? false,
        ...(w?.revision ? { revision: w.revision } : {}),
        ...(w?.trigger ? { trigger: w.trigger } : {}),
        ...(w?.triggerType ? { triggerType: w.triggerType } : {}),
        ...(w?.codeCommit ? { codeCommit: { repository: w.codeCommit.repository, commitId: w.codeCommit.commitId } } : {}),
        ...(w?.decided ? { decided: w.decided } : {}),
      };
    },
  });
}

/** CodeCommit as the world's approvals describe their commits; a commit the world does not name is not found. */
function worldCommits(shared: ReplayShared, approvals: Record<string, z.infer<typeof ApprovalWorld>>): CommitsPort {
  return {
    async author(repository, commitId) {
      shared.recorder.calls.push({ call: 'codecommit.getCommit', input: { repositoryName: repository, commitId } });
      const commit = Object.values(approvals).find((w) => w.codeCommit?.repository === repository && w.codeCommit.commitId === commitId)?.codeCommit;
      if (!commit) throw new PermanentError(`CodeCommit GetCommit ${repository}@${commitId}: CommitIdDoesNotExistException: not in the world file`);
      return commit.authorEmail ? { email: commit.authorEmail } : {};
    },
  };
}
