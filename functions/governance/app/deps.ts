/**
 * What the governance function needs from the outside world (ports); wired in
 * functions/governance/wiring.ts, answered from a world file in replay.
 */

import type { Config } from '../../kernel/config/schema';
import type { EmailPort, Place, SlackDirectoryPort, SlackPort } from '../../kernel/ports';
import type { CustomRule } from '../domain/custom';
import type { Policy } from '../domain/policy';

export type { Bypass, TransitionRecord, TransitionState } from '../domain/enforcement';

import type { FlowLogger } from '../../kernel/logger';
import type {
  BypassesPort,
  ChangeCalendarsPort,
  DoneRecordsPort,
  GovernancePipelinesPort,
  GovernanceProjectsPort,
  OrganizationPlacesPort,
  SweepResultsPort,
  TransitionRecordsPort,
} from '../ports';

export type {
  BypassesPort,
  ChangeCalendarsPort,
  DoneRecordsPort,
  GovernancePipelinesPort,
  GovernanceProjectsPort,
  OrganizationPlacesPort,
  SweepResultsPort,
  TransitionRecordsPort,
};

/** The ports that read and act in one account and region (organization mode: as the actor role there). */
export type PlacedGovernancePorts = Pick<GovernanceDeps, 'pipelines' | 'projects' | 'calendars' | 'records' | 'bypasses'>;

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
  /**
   * Organization mode: the ports of a place (its pipelines, projects and calendars through the actor
   * role there; its records and bypasses kept apart from every other place's). Absent: one account.
   */
  readonly at?: (place: Place) => PlacedGovernancePorts;
  /** Organization mode: the accounts and regions the daily audit and the freeze tick sweep. */
  readonly places?: OrganizationPlacesPort;
  /** Organization mode: each place's result of a sweep, for its one report. */
  readonly sweeps?: SweepResultsPort;
}

/** `deps` with the ports of `place` when there is one and the deps know places (organization mode); else `deps`. */
export function placed(deps: GovernanceDeps, place: Place | undefined): GovernanceDeps {
  return place && deps.at ? { ...deps, ...deps.at(place) } : deps;
}
