/** What notify needs from the outside world; wired in functions/notify/wiring.ts, recorded in replay. */
import type { Config } from '../../kernel/config/schema';
import type { GlobCompiler } from '../../kernel/glob';
import type {
  BuildLogsPort,
  CardStorePort,
  CommitsPort,
  DeliveryFactsPort,
  DeployDiagnosticsPort,
  EmailPort,
  MetricsPort,
  PipelinesPort,
  RedeliveryPort,
  SlackBudgetPort,
  SlackPort,
  StreakStorePort,
  TagsPort,
} from '../../kernel/ports';

export interface NotifyDeps {
  readonly config: Config;
  /** Compiles the routes' globs (picomatch in the CLI, precompiled in Lambda). */
  readonly globs: GlobCompiler;
  readonly store: CardStorePort;
  readonly slack: SlackPort;
  readonly email: EmailPort;
  readonly logs: BuildLogsPort;
  readonly pipelines: PipelinesPort;
  /**
   * Why a deploy failed (CodeDeploy deployment targets, CloudFormation stack events), read for its
   * thread reply. Absent, replies say what the event said.
   */
  readonly diagnostics?: DeployDiagnosticsPort;
  /** Pipelines' tags, read when a card is created if some route matches on tags. */
  readonly tags?: TagsPort;
  /**
   * CodeCommit commits' message and author (GetCommit), read once per commit a card names. Absent,
   * cards show what the events said.
   */
  readonly commits?: CommitsPort;
  /** The stack's own SNS topic, for routes whose email topic is `default`. */
  readonly defaultTopicArn: string;
  readonly now: () => Date;
  /**
   * Slack's budget, shared by every worker, and the redelivery of what it held back. Absent, every
   * call goes at once and nothing is redelivered (`warden replay` gives a budget that never holds
   * back and its virtual queue, cli/replay-queue.ts).
   */
  readonly pacing?: { readonly budget: SlackBudgetPort; readonly redelivery: RedeliveryPort };
  /**
   * Delivery insights (functions/notify/app/insights.ts): delivery facts, failure streaks, and the
   * delivery metrics. Absent, none are kept.
   */
  readonly insights?: { readonly facts: Pick<DeliveryFactsPort, 'record'>; readonly streaks: StreakStorePort; readonly metrics?: MetricsPort };
  /** How a worker waits in-process before trying a contended card again (default: a timer). */
  readonly sleep?: (ms: number) => Promise<void>;
}
