/**
 * CodePipeline's side of manual approvals, in memory: the one fake `warden replay`, `npm run dev` and
 * the tests use (as functions/rollback/world/ is rollback's). Each approval action of an execution
 * runs as attempts (a retried stage adds one, `RetryStageExecution`); an attempt is open until a
 * result is put with its token, or it is decided elsewhere (the console, the CLI) at a time. Every
 * call is recorded under its API name with the SDK's input shape, as the real port sends it.
 */
import type { RecordedCall } from '../platform/recording';
import type { ApprovalRef } from './domain/types';
import type { ApprovalDescription, ApprovalPipelinePort, ApprovalStatusInfo, PutResultOutcome } from './ports';

/** What the world knows of one approval action's run: the facts `describe` answers, and a decision made elsewhere. */
export interface ApprovalActionFacts extends Omit<ApprovalDescription, 'parallel'> {
  readonly parallel?: boolean;
  /** Decided outside Slack at `at` (the console, the CLI); before then the attempt is open. */
  readonly decided?: ElsewhereDecision;
}

export interface ElsewhereDecision {
  readonly status: 'Approved' | 'Rejected';
  readonly at: string;
  /** Who CodePipeline names (`lastUpdatedBy`), e.g. an SSO session ARN. */
  readonly by?: string;
  readonly summary?: string;
}

export interface PutRecord {
  readonly status: 'Approved' | 'Rejected';
  readonly summary: string;
  readonly token: string;
  readonly at: string;
}

export interface ApprovalPipelineWorldOptions {
  readonly now: () => Date;
  /** The facts of an action's run (called once per action, when first seen). */
  readonly facts: (ref: ApprovalRef) => ApprovalActionFacts;
  /** Where calls are recorded (replay prints them); none recorded without it. */
  readonly calls?: RecordedCall[];
  /** Every call takes this long, as the API does, so concurrent workers interleave between reading and writing. */
  readonly latencyMs?: number;
  /** Attempt ids and tokens, the n-th attempt of an action (1-based); default `ae-<n>` and `token-<n>`. */
  readonly naming?: { readonly attempt: (ref: ApprovalRef, n: number) => string; readonly token: (ref: ApprovalRef, n: number) => string };
  /** Who CodePipeline records for a result put through this port (`lastUpdatedBy`). */
  readonly putBy?: string;
}

interface Attempt {
  readonly id: string;
  readonly token: string;
  put?: PutRecord;
  elsewhere?: ElsewhereDecision;
}

interface Action {
  readonly ref: ApprovalRef;
  readonly facts: ApprovalActionFacts;
  readonly attempts: Attempt[];
}

export interface ApprovalPipelineWorld extends ApprovalPipelinePort {
  /** Results CodePipeline accepted, in order, over every action and attempt. */
  readonly puts: () => PutRecord[];
  /** Every PutApprovalResult call, accepted or not. */
  readonly putCalls: PutRecord[];
  /** RetryStageExecution: the action runs again as a new attempt (the latest action seen, or `ref`'s). */
  retryStage(ref?: ApprovalRef): void;
  /** Decides the action's latest attempt outside Slack, from `decision.at` on. */
  decideElsewhere(decision: ElsewhereDecision, ref?: ApprovalRef): void;
}

const actionKey = (ref: ApprovalRef) => `${ref.pipeline}/${ref.executionId}/${ref.stage}/${ref.action}`;
const DEFAULT_NAMING = { attempt: (_ref: ApprovalRef, n: number) => `ae-${n}`, token: (_ref: ApprovalRef, n: number) => `token-${n}` };

export function createApprovalPipelineWorld(options: ApprovalPipelineWorldOptions): ApprovalPipelineWorld {
  const naming = options.naming ?? DEFAULT_NAMING;
  const actions = new Map<string, Action>();
  const order: Action[] = [];
  const putCalls: PutRecord[] = [];
  // Each call is made where the approval's pipeline lives (its account and region).
  const record = (call: RecordedCall['call'], input: RecordedCall['input'], ref?: ApprovalRef) =>
    void options.calls?.push({ call, input, ...(ref ? { account: ref.account, region: ref.region } : {}) });
  const wait = () => (options.latencyMs ? new Promise((resolve) => setTimeout(resolve, options.latencyMs)) : Promise.resolve());
  const newAttempt = (ref: ApprovalRef, n: number): Attempt => ({ id: naming.attempt(ref, n), token: naming.token(ref, n) });

  const actionOf = (ref: ApprovalRef): Action => {
    const key = actionKey(ref);
    let action = actions.get(key);
    if (!action) {
      const facts = options.facts(ref);
      const first = newAttempt(ref, 1);
      if (facts.decided) first.elsewhere = facts.decided;
      action = { ref, facts, attempts: [first] };
      actions.set(key, action);
      order.push(action);
    }
    return action;
  };
  const info = (a: Attempt): ApprovalStatusInfo => {
    if (a.put) return { status: a.put.status === 'Approved' ? 'Succeeded' : 'Failed', summary: a.put.summary, ...(options.putBy ? { by: options.putBy } : {}) };
    const elsewhere = a.elsewhere;
    if (elsewhere && Date.parse(elsewhere.at) <= options.now().getTime()) {
      return {
        status: elsewhere.status === 'Approved' ? 'Succeeded' : 'Failed',
        ...(elsewhere.summary ? { summary: elsewhere.summary } : {}),
        ...(elsewhere.by ? { by: elsewhere.by } : {}),
      };
    }
    return { status: 'InProgress', token: a.token };
  };
  const attemptOf = (ref: ApprovalRef): Attempt | undefined => {
    const { attempts } = actionOf(ref);
    return ref.actionExecutionId ? attempts.find((a) => a.id === ref.actionExecutionId) : attempts.at(-1);
  };
  const listed = (ref: ApprovalRef) =>
    record('codepipeline.listActionExecutions', { pipelineName: ref.pipeline, filter: { pipelineExecutionId: ref.executionId } }, ref);

  return {
    async describe(ref) {
      record('codepipeline.getPipeline', { name: ref.pipeline }, ref);
      record('codepipeline.getPipelineExecution', { pipelineName: ref.pipeline, pipelineExecutionId: ref.executionId }, ref);
      const { decided: _decided, parallel, ...facts } = actionOf(ref).facts;
      return { ...facts, parallel: parallel ?? false };
    },
    async status(ref, parallel) {
      if (parallel) listed(ref);
      else record('codepipeline.getPipelineState', { name: ref.pipeline }, ref);
      await wait();
      const attempt = attemptOf(ref);
      return attempt ? info(attempt) : { status: 'unknown' };
    },
    async attempts(ref) {
      listed(ref);
      await wait();
      return [...actionOf(ref).attempts].reverse().map((a) => {
        const { token: _token, ...rest } = info(a);
        return { actionExecutionId: a.id, ...rest };
      });
    },
    async putResult(ref, { token, status, summary }): Promise<PutResultOutcome> {
      record(
        'codepipeline.putApprovalResult',
        {
          pipelineName: ref.pipeline,
          stageName: ref.stage,
          actionName: ref.action,
          result: { status, summary },
          token,
        },
        ref,
      );
      await wait();
      const put: PutRecord = { status, summary, token, at: options.now().toISOString() };
      putCalls.push(put);
      const attempt = actionOf(ref).attempts.find((a) => a.token === token);
      if (!attempt) return 'invalid-token';
      if (info(attempt).status !== 'InProgress') return 'already-completed';
      attempt.put = put;
      return 'recorded';
    },
    puts: () => order.flatMap((action) => action.attempts.flatMap((a) => (a.put ? [a.put] : []))),
    putCalls,
    retryStage(ref) {
      const action = ref ? actionOf(ref) : order.at(-1);
      if (!action) throw new Error('retryStage: no approval action has run yet');
      action.attempts.push(newAttempt(action.ref, action.attempts.length + 1));
    },
    decideElsewhere(decision, ref) {
      const action = ref ? actionOf(ref) : order.at(-1);
      const latest = action?.attempts.at(-1);
      if (!latest) throw new Error('decideElsewhere: no approval action has run yet');
      latest.elsewhere = decision;
    },
  };
}
