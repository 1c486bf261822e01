/**
 * Replay targets: what each EventBridge rule of the stack hands its events to (the notify queue, a
 * state machine starter, the governance function), run in dry-run with recording adapters.
 */

import type { Config } from '../../functions/kernel/config/schema';
import type { CardStorePort, DeliveryFactsPort, StreakStorePort } from '../../functions/kernel/ports';
import type { Recorder, World } from '../../functions/platform/recording';
import type { Scheduler } from '../../tools/step-functions/clock';
import type { LocalMachines } from '../local-machines';
import type { ReplayQueue } from '../replay-queue';

export interface ReplayShared {
  readonly config: Config;
  /** The raw `--world` JSON: each target validates the sections it reads. */
  readonly world: World;
  readonly recorder: Recorder;
  /** The run-card store notify uses, in memory: other targets find a run's Slack thread in it. */
  readonly store: CardStorePort;
  /** Delivery facts and failure streaks, in memory: notify records them, the digest reads them. */
  readonly insights?: { readonly facts: DeliveryFactsPort; readonly streaks: StreakStorePort };
  /** The virtual clock every target and execution shares; `now()` is the current event's time. */
  readonly clock: Scheduler;
  /** State machines executed locally: start/stop executions by name, as Step Functions would. */
  readonly machines: LocalMachines;
  /** notify's own queue on the clock: its delayed redeliveries come back as the clock passes them. Absent, none are scheduled. */
  readonly queue?: ReplayQueue;
  readonly defaultTopicArn: string;
}

export interface ReplayTarget {
  /** The rule's pattern file under events/ (`codepipeline.pattern.json`). */
  readonly pattern: string;
  /** Handles one event the rule matched; an `error` is printed as the event's error line. */
  // biome-ignore lint/suspicious/noConfusingVoidType: a target that has nothing to report returns nothing
  run(event: unknown, name: string): Promise<{ readonly error?: string } | void>;
}

export type ReplayTargetFactory = (shared: ReplayShared) => ReplayTarget | readonly ReplayTarget[];
