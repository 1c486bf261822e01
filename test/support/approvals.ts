/**
 * An approval world for tests: the approval state machine executed locally on a shared virtual
 * clock, the real approval code, in-memory stores, recording Slack and email, and a CodePipeline
 * whose approval can be decided "in the console" at a given time.
 */
import { createLocalMachines, replayStateMachineArn } from '../../cli/local-machines';
import type { ApprovalDeps } from '../../functions/approvals/app/deps';
import { onApprovalEvent } from '../../functions/approvals/app/events';
import { runApprovalStep } from '../../functions/approvals/app/steps';
import { createMemoryApprovalStore } from '../../functions/approvals/aws/store';
import type { ApprovalPipelinePort, ApprovalStorePort, CommitsPort } from '../../functions/approvals/ports';
import { createApprovalPipelineWorld } from '../../functions/approvals/world';
import { parseConfig } from '../../functions/kernel/config/parse';
import type { Config } from '../../functions/kernel/config/schema';
import { PermanentError } from '../../functions/kernel/errors';
import { parseEvent } from '../../functions/kernel/events/parse';
import { picomatchGlobs } from '../../functions/kernel/glob-picomatch';
import { createMemoryCardStore } from '../../functions/platform/memory-store';
import { createRecorder } from '../../functions/platform/recording';
import { createMemoryDirectory } from '../../functions/platform/slack-directory-memory';
import { createScheduler } from '../../tools/step-functions/clock';

export const START = '2026-11-23T10:00:00Z';
export const REF = {
  pipeline: 'payments-api',
  executionId: '9a7c4e21-5b3d-4c8f-a1e2-7d6b5c4a3f10',
  stage: 'Production',
  action: 'ApproveRelease',
  account: '123456789012',
  region: 'eu-west-1',
  actionExecutionId: 'ae-1',
};

/** A config with these approval policies (YAML list items), and `approvals:` keys beside them such as `trustedRoles: [...]`. */
export function approvalConfig(policy: string, approvalsKeys = ''): Config {
  const parsed = parseConfig(`version: 1
routes:
  - match: { pipelines: ["payments-*"] }
    slack: { channels: [C0PAYMENTS1] }
    email: { topics: [default] }
approvals:
  policies:
${policy.replace(/^/gm, '    ')}
${approvalsKeys.replace(/^/gm, '  ')}
`);
  if (!parsed.ok) throw new Error(parsed.problems.join('\n'));
  return parsed.config;
}

export function approvalEvent(state: string, time: string, summary?: string): unknown {
  return {
    version: '0',
    id: `evt-${state}-${time}`,
    'detail-type': 'CodePipeline Action Execution State Change',
    source: 'aws.codepipeline',
    account: REF.account,
    time,
    region: REF.region,
    resources: [],
    detail: {
      pipeline: REF.pipeline,
      'execution-id': REF.executionId,
      stage: REF.stage,
      action: REF.action,
      state,
      type: { owner: 'AWS', provider: 'Manual', category: 'Approval', version: '1' },
      ...(summary ? { 'execution-result': { 'external-execution-summary': summary } } : {}),
    },
  };
}

/**
 * CodePipeline's side of the approval action, as the one world fake (functions/approvals/world.ts)
 * plays it: open until a result is put with the attempt's token, or decided "in the console".
 * `retryStage()` runs the action again (RetryStageExecution): a new attempt with its own action
 * execution id and token. `latencyMs` makes every call take that long, as the API does, so
 * concurrent workers interleave between reading and writing.
 */
export function fakePipeline(
  now: () => Date,
  options: {
    trigger?: string;
    triggerType?: string;
    codeCommit?: { repository: string; commitId: string };
    timeoutMinutes?: number;
    parallel?: boolean;
    latencyMs?: number;
  } = {},
) {
  const world = createApprovalPipelineWorld({
    now,
    ...(options.latencyMs ? { latencyMs: options.latencyMs } : {}),
    putBy: 'arn:aws:sts::123456789012:assumed-role/warden-approvals/warden',
    facts: () => ({
      parallel: options.parallel ?? false,
      ...(options.trigger ? { trigger: options.trigger } : {}),
      ...(options.triggerType ? { triggerType: options.triggerType } : {}),
      ...(options.codeCommit ? { codeCommit: options.codeCommit } : {}),
      ...(options.timeoutMinutes ? { timeoutMinutes: options.timeoutMinutes } : {}),
      revision: { id: options.codeCommit?.commitId ?? 'abc1234567', summary: 'Add refunds' },
    }),
  });
  return {
    port: world as ApprovalPipelinePort,
    /** The results CodePipeline accepted, in order (every attempt). */
    get puts() {
      return world.puts();
    },
    putCalls: world.putCalls,
    retryStage: () => world.retryStage(),
    decideInConsole: (status: 'Succeeded' | 'Failed', at: string, by = 'arn:aws:iam::123456789012:user/erin', summary?: string) =>
      world.decideElsewhere({ status: status === 'Succeeded' ? 'Approved' : 'Rejected', at, by, ...(summary ? { summary } : {}) }),
  };
}

export function approvalWorld(
  config: Config,
  options: Parameters<typeof fakePipeline>[1] & {
    users?: Record<string, string>;
    groups?: Record<string, string[]>;
    pipeline?: ApprovalPipelinePort;
    approvals?: ApprovalStorePort;
    commits?: CommitsPort;
  } = {},
) {
  const clock = createScheduler(START);
  const recorder = createRecorder({}, undefined, { event: () => undefined, now: () => clock.now() });
  const machines = createLocalMachines({ clock, recorder, currentEvent: () => 'test' });
  const pipeline = fakePipeline(() => clock.now(), options);
  /** The approvals, unless the test brings its own store (e.g. on a local DynamoDB). */
  const approvals = createMemoryApprovalStore();
  const deps: ApprovalDeps = {
    config,
    glob: picomatchGlobs(),
    pipeline: options.pipeline ?? pipeline.port,
    approvals: options.approvals ?? approvals,
    cards: createMemoryCardStore(),
    slack: recorder.slack,
    email: recorder.email,
    directory: createMemoryDirectory({ ...(options.users ? { users: options.users } : {}), ...(options.groups ? { groups: options.groups } : {}) }),
    commits: options.commits ?? {
      author: async () => {
        throw new PermanentError('CodeCommit GetCommit: no commits in this world');
      },
    },
    executions: machines.port,
    stateMachineArn: replayStateMachineArn('approval'),
    defaultTopicArn: 'arn:aws:sns:eu-west-1:123456789012:warden',
    now: () => clock.now(),
    logger: { info: () => undefined, warn: () => undefined },
  };
  const step = async ({ Payload }: { Payload: unknown }) => ({ Payload: await runApprovalStep(Payload, deps) });
  machines.define(deps.stateMachineArn, { definition: 'statemachines/approval.asl.yaml', handlers: { Prepare: step, Tick: step, ReportFailure: step } });
  const send = async (event: unknown) => {
    await clock.advanceTo(new Date((event as { time: string }).time));
    const outcome = await onApprovalEvent(parseEvent(event), deps);
    await clock.idle();
    return outcome;
  };
  const calls = (name: string) => recorder.calls.filter((c) => c.call === name);
  return { clock, deps, machines, pipeline, approvals, recorder, send, calls };
}
