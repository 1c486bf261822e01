/**
 * What the governance function needs from the outside world (ports); wired in
 * functions/governance/wiring.ts, answered from a world file in replay.
 */

import type { Config } from '../../kernel/config/schema';
import type { EmailPort, SlackDirectoryPort, SlackPort } from '../../kernel/ports';
import type { CustomRule } from '../domain/custom';
import type { Policy } from '../domain/policy';

export type { Bypass, TransitionRecord, TransitionState } from '../domain/enforcement';

import type { FlowLogger } from '../../kernel/logger';
import type { BypassesPort, ChangeCalendarsPort, DoneRecordsPort, GovernancePipelinesPort, GovernanceProjectsPort, TransitionRecordsPort } from '../ports';

export type { BypassesPort, ChangeCalendarsPort, DoneRecordsPort, GovernancePipelinesPort, GovernanceProjectsPort, TransitionRecordsPort };

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
  readonly logger: FlowLogger;
}
