/**
 * An approval world for tests: the approval state machine executed locally on a shared virtual
 * clock, the real approval code, in-memory stores, recording Slack and email, and a CodePipeline
 * whose approval can be decided "in the console" at a given time.
 */
import { createLocalMachines, replayStateMachineArn } from '../../cli/local-machines';
import { createScheduler } from '../../cli/local-sfn';
import type { ApprovalPipelinePort, ApprovalStatusInfo } from '../../functions/adapters/approvals-pipeline';
import { createMemoryApprovalStore } from '../../functions/adapters/approvals-store';
import { createMemoryCardStore } from '../../functions/adapters/memory-store';
import { createRecorder } from '../../functions/adapters/recording';
import type { ApprovalDeps } from '../../functions/app/approvals/deps';
import { onApprovalEvent } from '../../functions/app/approvals/events';
import { runApprovalStep } from '../../functions/app/approvals/steps';
import { parseConfig } from '../../functions/core/config/parse';
import type { Config } from '../../functions/core/config/schema';
import { parseEvent } from '../../functions/core/events/parse';
import { picomatchGlobs } from '../../functions/core/glob-picomatch';

export const START = '2026-11-23T10:00:00Z';
export const REF = { pipeline: 'payments-api', executionId: '9a7c4e21-5b3d-4c8f-a1e2-7d6b5c4a3f10', stage: 'Production', action: 'ApproveRelease', account: '123456789012', region: 'eu-west-1' };

export function approvalConfig(policy: string): Config {
  const parsed = parseConfig(`version: 1
routes:
  - match: { pipelines: ["payments-*"] }
    slack: { channels: [C0PAYMENTS1] }
    email: { topics: [default] }
approvals:
  policies:
${policy.replace(/^/gm, '    ')}
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

/** CodePipeline's side of one approval: open until a result is put or it is decided "in the console". */
export function fakePipeline(now: () => Date, options: { trigger?: string; timeoutMinutes?: number; parallel?: boolean } = {}) {
  const puts: Array<{ status: string; summary: string; token: string; at: string }> = [];
  let console: { status: 'Succeeded' | 'Failed'; at: number; by: string } | undefined;
  const current = (): ApprovalStatusInfo => {
    if (puts[0]) return { status: puts[0].status === 'Approved' ? 'Succeeded' : 'Failed', summary: puts[0].summary };
    if (console && console.at <= now().getTime()) return { status: console.status, by: console.by };
    return { status: 'InProgress', token: 'token-1' };
  };
  const port: ApprovalPipelinePort = {
    async describe() {
      return { parallel: options.parallel ?? false, ...(options.trigger ? { trigger: options.trigger } : {}), ...(options.timeoutMinutes ? { timeoutMinutes: options.timeoutMinutes } : {}), revision: { id: 'abc1234567', summary: 'Add refunds' } };
    },
    async status() {
      return current();
    },
    async putResult(_ref, input) {
      if (current().status !== 'InProgress') return 'already-completed';
      puts.push({ ...input, at: now().toISOString() });
      return 'recorded';
    },
  };
  return { port, puts, decideInConsole: (status: 'Succeeded' | 'Failed', at: string, by = 'arn:aws:iam::123456789012:user/erin') => (console = { status, at: Date.parse(at), by }) };
}

export function approvalWorld(
  config: Config,
  options: Parameters<typeof fakePipeline>[1] & { users?: Record<string, string>; groups?: Record<string, string[]>; pipeline?: ApprovalPipelinePort } = {},
) {
  const clock = createScheduler(START);
  const recorder = createRecorder({}, undefined, { event: () => undefined, now: () => clock.now() });
  const machines = createLocalMachines({ clock, recorder, currentEvent: () => 'test' });
  const pipeline = fakePipeline(() => clock.now(), options);
  const approvals = createMemoryApprovalStore();
  const deps: ApprovalDeps = {
    config,
    glob: picomatchGlobs(),
    pipeline: options.pipeline ?? pipeline.port,
    approvals,
    cards: createMemoryCardStore(),
    slack: recorder.slack,
    email: recorder.email,
    directory: {
      groupsOf: async (user, groups) => groups.filter((g) => options.groups?.[g]?.includes(user)),
      userIdByEmail: async (email) => options.users?.[email],
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
