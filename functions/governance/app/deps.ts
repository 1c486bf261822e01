/**
 * What the governance function needs from the outside world (ports); wired in
 * functions/governance/wiring.ts, answered from a world file in replay.
 */

import type { Config } from '../../kernel/config/schema';
import type { EmailPort, SlackPort } from '../../kernel/ports';
import type { SlackDirectoryPort } from '../../shared/slack-directory';
import type { CustomRule } from '../domain/custom';
import type { BuildProject, PipelineDefinition } from '../domain/definitions';
import type { Bypass, TransitionRecord, TransitionState } from '../domain/enforcement';
import type { Policy } from '../domain/policy';

export type { Bypass, TransitionRecord, TransitionState } from '../domain/enforcement';

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

export interface GovernanceDeps {
  readonly config: Config;
  readonly policy: Policy;
  readonly customRules: readonly CustomRule[];
  readonly pipelines: GovernancePipelinesPort;
  readonly projects: GovernanceProjectsPort;
  readonly calendars: ChangeCalendarsPort;
  readonly records: TransitionRecordsPort;
  /** Reports, emails and pipeline starts already done for an event: duplicates repeat none. */
  readonly done: DoneRecordsPort;
  /** Break-glass during freezes; without it no bypass can be granted. */
  readonly bypasses?: BypassesPort;
  /** Slack user groups, for break-glass approvers given as groups. */
  readonly directory?: SlackDirectoryPort;
  readonly slack: SlackPort;
  readonly email: EmailPort;
  readonly defaultTopicArn: string;
  readonly now: () => Date;
  readonly logger: {
    info(message: string, ...extra: Array<Record<string, unknown>>): void;
    warn(message: string, ...extra: Array<Record<string, unknown>>): void;
  };
}
