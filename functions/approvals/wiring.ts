/** Wiring of the approval functions (events, steps, Slack clicks): real adapters from the environment. */
import type { Logger } from '@aws-lambda-powertools/logger';
import { CodeCommitClient } from '@aws-sdk/client-codecommit';
import { CodePipelineClient } from '@aws-sdk/client-codepipeline';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SNSClient } from '@aws-sdk/client-sns';
import { picomatchGlobs } from '../kernel/glob-picomatch';
import { placeClients } from '../platform/actor';
import { cardsTable } from '../platform/cards-table';
import { createDynamoCardStore } from '../platform/dynamo-store';
import { embeddedConfig } from '../platform/embedded-config';
import { env } from '../platform/env';
import { createExecutionsPort } from '../platform/executions';
import { createSlackPort } from '../platform/slack';
import { createSlackDirectory } from '../platform/slack-directory';
import { getSlackToken } from '../platform/slack-token';
import { createEmailPort } from '../platform/sns';
import type { ApprovalDeps } from './app/deps';
import { createCommitsPort } from './aws/codecommit';
import { createApprovalPipelinePort } from './aws/pipeline';
import { createDynamoApprovalStore } from './aws/store';

// Short Slack retries: a click must be answered within Slack's 3 seconds; a timer step is retried by Step Functions.
const SLACK_RETRIES = { retries: 2, factor: 2, minTimeout: 300, maxTimeout: 1_000, randomize: true };

/** Approval functions are not on the notify hot path: picomatch compiles the policies' globs at start. */
export async function buildApprovalDeps(logger: Logger): Promise<ApprovalDeps> {
  const config = embeddedConfig();
  const { tableName, doc } = cardsTable();
  const token = await getSlackToken(config.slack.tokenParameter);
  return {
    config,
    glob: picomatchGlobs(),
    // The pipeline's own account and region: as the actor role there in organization mode.
    pipeline: createApprovalPipelinePort(placeClients(config.organization, (c) => new CodePipelineClient(c))),
    approvals: createDynamoApprovalStore({ client: doc, tableName }),
    cards: createDynamoCardStore({ client: doc, tableName }),
    slack: createSlackPort({ token, retryConfig: SLACK_RETRIES, logger }),
    email: createEmailPort(new SNSClient({})),
    directory: createSlackDirectory({ token }),
    commits: createCommitsPort(new CodeCommitClient({})),
    executions: createExecutionsPort(new SFNClient({})),
    stateMachineArn: process.env['APPROVAL_STATE_MACHINE_ARN'] ?? '',
    defaultTopicArn: env('DEFAULT_TOPIC_ARN'),
    now: () => new Date(),
    logger,
  };
}
