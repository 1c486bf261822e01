/** Wiring of the rollback functions (starter, steps): real adapters from the environment. */
import type { Logger } from '@aws-lambda-powertools/logger';
import { CodeDeployClient } from '@aws-sdk/client-codedeploy';
import { CodePipelineClient } from '@aws-sdk/client-codepipeline';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SNSClient } from '@aws-sdk/client-sns';
import type { Config } from '../kernel/config/schema';
import { picomatchGlobs } from '../kernel/glob-picomatch';
import { clientAt, placeClients } from '../platform/actor';
import { cardsTable } from '../platform/cards-table';
import { createDynamoCardStore } from '../platform/dynamo-store';
import { embeddedConfig } from '../platform/embedded-config';
import { env } from '../platform/env';
import { createExecutionsPort } from '../platform/executions';
import { createSlackPort } from '../platform/slack';
import { getSlackToken } from '../platform/slack-token';
import { createEmailPort } from '../platform/sns';
import type { RollbackDeps } from './app/deps';
import type { StarterDeps } from './app/start';
import { createRollbackDeployPort } from './aws/codedeploy';
import { createRollbackPipelinePort } from './aws/codepipeline';
import { createDynamoEpisodeStore } from './aws/episodes';

// A step is retried by Step Functions: Slack's own retries stay short.
const SLACK_RETRIES = { retries: 3, factor: 2, minTimeout: 500, maxTimeout: 4_000, randomize: true };

/** The starter needs only the config and Step Functions: no Slack token, no table. */
export function buildStarterDeps(): StarterDeps {
  return {
    config: embeddedConfig(),
    glob: picomatchGlobs(),
    executions: createExecutionsPort(new SFNClient({})),
    stateMachineArn: env('ROLLBACK_STATE_MACHINE_ARN'),
  };
}

/** CodeDeploy and CodePipeline in each account and region, as the actor role there (one pair per place). */
function placedPorts(organization: NonNullable<Config['organization']>): NonNullable<RollbackDeps['at']> {
  const deploy = placeClients(organization, (c) => new CodeDeployClient(c));
  const pipeline = placeClients(organization, (c) => new CodePipelineClient(c));
  const ports = new Map<string, Pick<RollbackDeps, 'deploy' | 'pipeline'>>();
  return (place) => {
    const key = `${place.account}/${place.region}`;
    let at = ports.get(key);
    if (!at) {
      at = { deploy: createRollbackDeployPort(clientAt(deploy, place)), pipeline: createRollbackPipelinePort(clientAt(pipeline, place)) };
      ports.set(key, at);
    }
    return at;
  };
}

/** The steps are not on a hot path: picomatch compiles the routes' globs at start. */
export async function buildRollbackDeps(logger: Logger): Promise<RollbackDeps> {
  const config = embeddedConfig();
  const { tableName, doc } = cardsTable();
  return {
    config,
    glob: picomatchGlobs(),
    deploy: createRollbackDeployPort(new CodeDeployClient({})),
    pipeline: createRollbackPipelinePort(new CodePipelineClient({})),
    ...(config.organization ? { at: placedPorts(config.organization) } : {}),
    episodes: createDynamoEpisodeStore({ client: doc, tableName }),
    cards: createDynamoCardStore({ client: doc, tableName }),
    slack: createSlackPort({ token: await getSlackToken(config.slack.tokenParameter), retryConfig: SLACK_RETRIES, logger }),
    email: createEmailPort(new SNSClient({})),
    defaultTopicArn: env('DEFAULT_TOPIC_ARN'),
    now: () => new Date(),
    logger,
  };
}
