/** What the approval flow needs from the outside world; wired in functions/approvals/wiring.ts. */

import type { Config } from '../../kernel/config/schema';
import type { GlobCompiler } from '../../kernel/glob';
import type { FlowLogger } from '../../kernel/logger';
import type { CardStorePort, EmailPort, ExecutionsPort, SlackDirectoryPort, SlackPort } from '../../kernel/ports';
import type { ApprovalPipelinePort, ApprovalStorePort, CommitsPort } from '../ports';

export interface ApprovalDeps {
  readonly config: Config;
  readonly glob: GlobCompiler;
  readonly pipeline: ApprovalPipelinePort;
  readonly approvals: ApprovalStorePort;
  /** The run cards: the approval card goes into the run's thread. */
  readonly cards: CardStorePort;
  readonly slack: SlackPort;
  readonly email: EmailPort;
  readonly directory: SlackDirectoryPort;
  /** CodeCommit: the author of the commit a run builds, a starter too. */
  readonly commits: CommitsPort;
  readonly executions: ExecutionsPort;
  readonly stateMachineArn: string;
  readonly defaultTopicArn: string;
  readonly now: () => Date;
  readonly logger: FlowLogger;
}
