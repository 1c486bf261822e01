/**
 * Which production-stage transitions to close or reopen, from what should be closed (enforced rule
 * violations, change freezes) and what is: the stages' inbound transitions and our own records.
 * Pure and idempotent: applied to its own result it decides nothing more.
 *
 * The line it never crosses: it reopens only a transition it closed itself (a record, and the
 * console still shows our reason). A person's disable is never undone, and a person who reopens
 * one of ours is not fought over it while the same reason holds.
 */
import * as z from '../../kernel/zod';

/** A stage's inbound transition, as GetPipelineState reports it (`inboundTransitionState`). */
export interface TransitionState {
  readonly stage: string;
  readonly enabled: boolean;
  readonly disabledReason?: string;
  readonly lastChangedBy?: string;
  readonly lastChangedAt?: string;
  /** The pipeline execution that last entered the stage (`stageStates[].latestExecution`): a bypass ends when it changes. */
  readonly latestExecutionId?: string;
}

/** Break-glass: a freeze lifted for one stage until one execution has gone into it (the schema checks it when read back). */
export const BypassSchema = z.strictObject({
  pipeline: z.string(),
  stage: z.string(),
  freeze: z.string(),
  by: z.string(),
  at: z.string(),
  /** The stage's latest execution when the bypass was granted: another one there means it was used. */
  latestExecutionId: z.optional(z.string()),
});

export type Bypass = Readonly<z.infer<typeof BypassSchema>>;

/** How long a bypass waits for an execution to use it. */
export const BYPASS_MAX_MS = 60 * 60_000;

/** Whether a bypass still holds: not used by an execution yet, and not older than an hour. */
export function bypassHolds(bypass: Bypass, state: TransitionState | undefined, now: Date): boolean {
  if (now.getTime() - Date.parse(bypass.at) > BYPASS_MAX_MS) return false;
  return state?.latestExecutionId === bypass.latestExecutionId;
}

/** A stage transition this tool disabled, remembered so it is the only kind it ever re-enables (the schema checks it when read back). */
export const TransitionRecordSchema = z.strictObject({
  pipeline: z.string(),
  stage: z.string(),
  /** The reason we gave DisableStageTransition (what the console shows). */
  reason: z.string(),
  disabledAt: z.string(),
  /** `released`: a person enabled it while our reason still held; we do not fight them over it. */
  state: z.enum(['disabled', 'released']),
});

export type TransitionRecord = Readonly<z.infer<typeof TransitionRecordSchema>>;

export type TransitionAction =
  | { readonly action: 'disable'; readonly pipeline: string; readonly stage: string; readonly reason: string }
  | { readonly action: 'enable'; readonly pipeline: string; readonly stage: string; readonly was: string }
  /** A person reopened our transition while our reason holds: remember it, do not close it again. */
  | { readonly action: 'release'; readonly pipeline: string; readonly stage: string; readonly reason: string }
  /** Our record no longer matches anything of ours (a person took the transition over, the stage is gone). */
  | { readonly action: 'forget'; readonly pipeline: string; readonly stage: string; readonly why: string };

export interface TransitionInputs {
  /** `<pipeline>/<stage>` → why it must be closed (rule ids, freezes); absent: it may be open. */
  readonly wanted: ReadonlyMap<string, readonly string[]>;
  /** The pipelines this run looked at, with their stages' inbound transitions. */
  readonly current: ReadonlyMap<string, readonly TransitionState[]>;
  readonly records: readonly TransitionRecord[];
}

export const stageKey = (pipeline: string, stage: string) => `${pipeline}/${stage}`;

/** DisableStageTransition's `reason`: 1–300 characters of `[a-zA-Z0-9!@ ().*?-]`. */
const REASON_ALLOWED = /[^a-zA-Z0-9!@ ().*?-]+/g;

/**
 * The reason shown in the console, naming every cause; the same causes always give the same text,
 * which is how a later run recognizes the transition as ours.
 *
 * @example closeReason(['rule production-approval', 'freeze year-end until 2027-01-04 08:00 Europe/Berlin'])
 * // 'pipeline-warden - rule production-approval - freeze year-end until 2027-01-04 08.00 Europe-Berlin'
 */
export function closeReason(causes: readonly string[]): string {
  const text = ['pipeline-warden', ...[...causes].sort()].join(' - ').replace(/:/g, '.').replace(REASON_ALLOWED, '-');
  return text.length <= 300 ? text : `${text.slice(0, 297)}...`;
}

/**
 * @example decideTransitions({ wanted: new Map([['p/Prod', ['rule production-approval']]]), current, records: [] })
 * // [{ action: 'disable', pipeline: 'p', stage: 'Prod', reason: 'pipeline-warden - rule production-approval' }]
 */
export function decideTransitions(inputs: TransitionInputs): TransitionAction[] {
  const actions: TransitionAction[] = [];
  const records = new Map(inputs.records.map((r) => [stageKey(r.pipeline, r.stage), r]));
  for (const [pipeline, states] of inputs.current) {
    for (const state of states) {
      const key = stageKey(pipeline, state.stage);
      const causes = inputs.wanted.get(key);
      const action = decideOne(pipeline, state, causes ? closeReason(causes) : undefined, records.get(key));
      if (action) actions.push(action);
      records.delete(key);
    }
  }
  // Records of stages that are gone, in pipelines this run looked at.
  for (const record of records.values()) {
    if (inputs.current.has(record.pipeline))
      actions.push({ action: 'forget', pipeline: record.pipeline, stage: record.stage, why: 'the stage no longer exists' });
  }
  return actions;
}

function decideOne(pipeline: string, state: TransitionState, reason: string | undefined, record: TransitionRecord | undefined): TransitionAction | undefined {
  const { stage } = state;
  const ours = record !== undefined && !state.enabled && state.disabledReason === record.reason;
  if (reason !== undefined) {
    if (!state.enabled)
      return record && !ours && record.state === 'disabled'
        ? { action: 'forget', pipeline, stage, why: 'a person disabled it with a reason of their own' }
        : undefined;
    // Open, and it should be closed. Our record is written before the call: a transition changed
    // after it was written was reopened by a person; one not changed since, our call never landed.
    if (record?.state === 'disabled' && record.reason === reason) {
      const reopenedSince = state.lastChangedAt !== undefined && Date.parse(state.lastChangedAt) >= Date.parse(record.disabledAt);
      return reopenedSince ? { action: 'release', pipeline, stage, reason } : { action: 'disable', pipeline, stage, reason };
    }
    if (record?.state === 'released' && record.reason === reason) return undefined;
    return { action: 'disable', pipeline, stage, reason };
  }
  if (!record) return undefined;
  if (ours) return { action: 'enable', pipeline, stage, was: record.reason };
  return { action: 'forget', pipeline, stage, why: state.enabled ? 'it is open again' : 'a person disabled it with a reason of their own' };
}
