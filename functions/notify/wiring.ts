/** Wiring of the notify function: real adapters from the environment and the embedded config. */

import type { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { BuildLogsPort, CommitsPort, DeadLetterPort, DeployDiagnosticsPort, EmailPort, PipelinesPort, RedeliveryPort, TagsPort } from '../kernel/ports';
import { placeClients } from '../platform/actor';
import { cardsTable } from '../platform/cards-table';
import { dynamoFactsRecorder } from '../platform/delivery-facts-dynamo';
import { createDynamoCardStore } from '../platform/dynamo-store';
import { embeddedConfig } from '../platform/embedded-config';
import { embeddedGlobs } from '../platform/embedded-globs';
import { env } from '../platform/env';
import { lazyPort, onFirstUse } from '../platform/on-first-use';
import { createSlackPort } from '../platform/slack';
import { createDynamoSlackBudget } from '../platform/slack-budget-dynamo';
import { getSlackToken } from '../platform/slack-token';
import { createDynamoStreaks } from '../platform/streaks-dynamo';
import type { BatchDeps } from './app/process-batch';
import { sendOnce } from './aws/dead-letter-once';

export { embeddedConfig, embeddedGlobs };

// Adapters, and their SDK clients, load on first use: most invocations never fail a build, email,
// dead-letter an event or meet a CodeDeploy action, and each SDK client costs tens of milliseconds of cold start.
const email = onFirstUse(async () => {
  const [{ SNSClient }, { createEmailPort }] = await Promise.all([import('@aws-sdk/client-sns'), import('../platform/sns')]);
  return createEmailPort(new SNSClient({}));
});
const logs = onFirstUse(async () => {
  const [{ CloudWatchLogsClient }, { createBuildLogsPort }] = await Promise.all([import('@aws-sdk/client-cloudwatch-logs'), import('./aws/build-logs')]);
  // The build's own account and region: as the actor role there in organization mode.
  return createBuildLogsPort(placeClients(embeddedConfig().organization, (c) => new CloudWatchLogsClient(c)));
});
const codePipeline = onFirstUse(async () => {
  const { CodePipelineClient } = await import('@aws-sdk/client-codepipeline');
  return placeClients(embeddedConfig().organization, (c) => new CodePipelineClient(c));
});
// Why a deploy failed: read only when a deployment or a CloudFormation action fails.
const diagnostics = onFirstUse(async () => {
  const [{ CodeDeployClient }, { CloudFormationClient }, { ECSClient }, { createDeployDiagnosticsPort }] = await Promise.all([
    import('@aws-sdk/client-codedeploy'),
    import('@aws-sdk/client-cloudformation'),
    import('@aws-sdk/client-ecs'),
    import('./aws/deploy-diagnostics'),
  ]);
  const organization = embeddedConfig().organization;
  return createDeployDiagnosticsPort({
    codedeploy: placeClients(organization, (c) => new CodeDeployClient(c)),
    cloudformation: placeClients(organization, (c) => new CloudFormationClient(c)),
    ecs: placeClients(organization, (c) => new ECSClient(c)),
    codepipeline: await codePipeline(),
  });
});
const pipelines = onFirstUse(async () => (await import('../platform/codepipeline')).createPipelinesPort(await codePipeline()));
const tags = onFirstUse(async () => (await import('../platform/pipeline-tags')).createPipelineTagsPort(await codePipeline()));
// A CodeCommit commit's message and author, and a pull request comment's text, read once each per card (in its account and region).
const commits = onFirstUse(async () => {
  const [{ CodeCommitClient }, { createCommitsPort }] = await Promise.all([import('@aws-sdk/client-codecommit'), import('../platform/codecommit')]);
  return createCommitsPort(placeClients(embeddedConfig().organization, (c) => new CodeCommitClient(c)));
});
const sqs = onFirstUse(async () => new (await import('@aws-sdk/client-sqs')).SQSClient({}));
const deadLetter = onFirstUse(async () => (await import('../platform/dead-letter')).createDeadLetterPort(await sqs(), env('DEAD_LETTER_QUEUE_URL')));
const redelivery = onFirstUse(async () => (await import('./aws/redelivery')).createRedeliveryPort(await sqs(), env('EVENTS_QUEUE_URL')));

const lazyEmail = lazyPort<EmailPort>(email, { publish: true });
const lazyLogs = lazyPort<BuildLogsPort>(logs, { tail: true });
const lazyDiagnostics = lazyPort<DeployDiagnosticsPort>(diagnostics, {
  deployment: true,
  actionStack: true,
  stackEvents: true,
  actionService: true,
  serviceEvents: true,
  actionStackSet: true,
  stackSetOperation: true,
});
const lazyPipelines = lazyPort<PipelinesPort>(pipelines, { deployTarget: true, actionConfiguration: true });
const lazyCommits = lazyPort<CommitsPort>(commits, { commit: true, comment: true });
const lazyTags = lazyPort<TagsPort>(tags, { pipelineTags: true });
const lazyDeadLetter = lazyPort<DeadLetterPort>(deadLetter, { send: true });
const lazyRedelivery = lazyPort<RedeliveryPort>(redelivery, { schedule: true });

const SLACK_RETRIES = { retries: 3, factor: 2, minTimeout: 500, maxTimeout: 4_000, randomize: true };

export async function buildBatchDeps(logger: Logger): Promise<BatchDeps> {
  const config = embeddedConfig();
  // Checked at start, used on the first dead letter and the first redelivery.
  env('DEAD_LETTER_QUEUE_URL');
  env('EVENTS_QUEUE_URL');
  // One DynamoDB client for the card store, Slack's budget and the dead letters sent.
  const dynamo = new DynamoDBClient({});
  const { tableName, doc } = cardsTable(dynamo);
  const notifyDeps = {
    config,
    globs: embeddedGlobs(config),
    store: createDynamoCardStore({ client: doc, tableName }),
    // Short retries: the function has 60 s, and SQS retries the record later anyway (README, Delivery).
    // A 429 is not waited out here: the budget holds every worker back until its Retry-After.
    slack: createSlackPort({ token: await getSlackToken(config.slack.tokenParameter), retryConfig: SLACK_RETRIES, logger, onRateLimit: 'throw' }),
    email: lazyEmail,
    logs: lazyLogs,
    pipelines: lazyPipelines,
    diagnostics: lazyDiagnostics,
    tags: lazyTags,
    commits: lazyCommits,
    defaultTopicArn: env('DEFAULT_TOPIC_ARN'),
    now: () => new Date(),
    pacing: { budget: createDynamoSlackBudget({ client: doc, tableName }), redelivery: lazyRedelivery },
    // Delivery facts and failure streaks: written only when a run's facts change (a production
    // stage ends, an approval is decided, the run ends), never on the common path.
    insights: { facts: dynamoFactsRecorder({ client: doc, tableName }), streaks: createDynamoStreaks({ client: doc, tableName }) },
  };
  // A duplicate event changes nothing on its card and so sends nothing: the card is its own
  // idempotency record. The one side effect a card does not hold is a dead letter: sent once per body.
  return {
    deadLetter: sendOnce(lazyDeadLetter, { client: doc, tableName }),
    logger,
    notify: notifyDeps,
  };
}
