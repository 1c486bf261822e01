/**
 * What governance needs from the outside world, as its use cases (app/) see it: pipelines and their
 * transitions, CodeBuild projects, change calendars, and its records in the cards table. The AWS
 * adapters (aws/) and the world fake (world.ts) implement these.
 */
import type { BuildProject, PipelineDefinition } from './domain/definitions';
import type { Bypass, TransitionRecord, TransitionState } from './domain/enforcement';
import type { PlaceSummary } from './domain/sweep-report';

export type { PlaceSummary };

export interface GovernancePipelinesPort {
  /** Every pipeline name of the account and region (ListPipelines, all pages). */
  list(): Promise<string[]>;
  /** GetPipeline's `pipeline`; undefined when the pipeline no longer exists. */
  get(name: string): Promise<PipelineDefinition | undefined>;
  /** GetPipelineState: each stage's inbound transition. */
  transitions(name: string): Promise<TransitionState[]>;
  /** DisableStageTransition, transitionType Inbound. */
  disable(name: string, stage: string, reason: string): Promise<void>;
  /** EnableStageTransition, transitionType Inbound. */
  enable(name: string, stage: string): Promise<void>;
  /** StartPipelineExecution with a client request token: the same token starts one execution only. */
  start(name: string, clientRequestToken: string): Promise<{ readonly executionId: string }>;
}

export interface GovernanceProjectsPort {
  /** Every CodeBuild project name (ListProjects, all pages). */
  list(): Promise<string[]>;
  /** BatchGetProjects, in chunks of 100; names that do not exist are left out. */
  get(names: readonly string[]): Promise<BuildProject[]>;
}

export interface ChangeCalendarsPort {
  /** ssm:GetCalendarState: OPEN or CLOSED now. */
  state(calendar: string): Promise<'OPEN' | 'CLOSED'>;
}

export interface TransitionRecordsPort {
  list(): Promise<TransitionRecord[]>;
  put(record: TransitionRecord): Promise<void>;
  /**
   * Writes the record of a disable unless another run changed this stage's record since `seen`
   * was read (undefined: there was none then). false: another run got there first and makes the
   * call itself, so concurrent runs close a stage once.
   */
  claim(record: TransitionRecord, seen: TransitionRecord | undefined): Promise<boolean>;
  remove(pipeline: string, stage: string): Promise<void>;
}

/**
 * Side effects already done, by key: each is recorded (a conditional write) before it is done, so a
 * duplicate delivery of an event finds the record and does nothing again. Records expire after
 * EventBridge's and Lambda's retry windows.
 */
export interface DoneRecordsPort {
  /** Records `key`: true when this call recorded it (do the side effect now), false when it was done before (a duplicate). */
  claim(key: string): Promise<boolean>;
  /** Forgets `key` after its side effect failed, so the retry of the event does it. */
  release(key: string): Promise<void>;
}

/** Break-glass bypasses, and the audit trail of granting and using them. */
export interface BypassesPort {
  list(): Promise<Bypass[]>;
  put(bypass: Bypass): Promise<void>;
  remove(pipeline: string, stage: string): Promise<void>;
  /** `used` names the execution that went in, when it is known. */
  audit(entry: {
    readonly pipeline: string;
    readonly stage: string;
    readonly freeze: string;
    readonly event: 'granted' | 'used' | 'expired';
    readonly by?: string;
    readonly executionId?: string;
    readonly at: string;
  }): Promise<void>;
}

/**
 * How long a side effect is remembered: longer than EventBridge retries a delivery (24 hours) and
 * Lambda retries an asynchronous invocation (6 hours), so every duplicate meets its record.
 */
export const DONE_TTL_SECONDS = 2 * 86_400;

/** The results of one organization sweep (`key`: the schedule event's id, else the execution's name). */
export interface SweepResultsPort {
  put(key: string, summary: PlaceSummary): Promise<void>;
  list(key: string): Promise<PlaceSummary[]>;
}

/** The accounts and regions an organization sweep covers. */
export interface OrganizationPlacesPort {
  list(): Promise<{ readonly account: string; readonly region: string }[]>;
}
