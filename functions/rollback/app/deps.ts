/** What the rollback flow needs from the outside world; wired in functions/rollback/wiring.ts. */

import type { Config } from '../../kernel/config/schema';
import type { GlobCompiler } from '../../kernel/glob';
import type { FlowLogger } from '../../kernel/logger';
import type { CardStorePort, EmailPort, Place, SlackPort } from '../../kernel/ports';
import type { EpisodeStorePort, RollbackDeployPort, RollbackPipelinePort } from '../ports';

export interface RollbackDeps {
  readonly config: Config;
  readonly glob: GlobCompiler;
  readonly deploy: RollbackDeployPort;
  readonly pipeline: RollbackPipelinePort;
  /**
   * CodeDeploy and CodePipeline in another account and region (organization mode: the alarm's, as the
   * actor role there). Absent, `deploy` and `pipeline` serve every alarm (a single-account stack).
   */
  readonly at?: (place: Place) => Pick<RollbackDeps, 'deploy' | 'pipeline'>;
  readonly episodes: EpisodeStorePort;
  /** The run cards: the explanation goes into the affected run's thread. */
  readonly cards: CardStorePort;
  readonly slack: SlackPort;
  readonly email: EmailPort;
  readonly defaultTopicArn: string;
  readonly now: () => Date;
  readonly logger: FlowLogger;
}
