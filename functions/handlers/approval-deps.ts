/** Wiring of the approval functions (events, steps, Slack clicks): real adapters from the environment. */
import type { Logger } from '@aws-lambda-powertools/logger';
import { CodeCommitClient } from '@aws-sdk/client-codecommit';
import { CodePipelineClient } from '@aws-sdk/client-codepipeline';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SNSClient } from '@aws-sdk/client-sns';
import { createApprovalPipelinePort } from '../adapters/approvals-pipeline';
import { createDynamoApprovalStore } from '../adapters/approvals-store';
import { createCommitsPort } from '../adapters/codecommit';
import { createDynamoCardStore } from '../adapters/dynamo-store';
import { createExecutionsPort } from '../adapters/executions';
import { createSlackPort } from '../adapters/slack';
import { createSlackDirectory } from '../adapters/slack-directory';
import { getSlackToken } from '../adapters/slack-token';
import { createEmailPort } from '../adapters/sns';
import type { ApprovalDeps } from '../app/approvals/deps';
import { picomatchGlobs } from '../core/glob-picomatch';
import { cardsTable } from './cards-table';
import { embeddedConfig } from './embedded-config';
import { env } from './env';


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
    pipeline: createApprovalPipelinePort(new CodePipelineClient({})),
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
