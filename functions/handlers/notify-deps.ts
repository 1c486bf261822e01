/** Wiring of the notify function: real adapters from the environment and the embedded config. */
import type { Logger } from '@aws-lambda-powertools/logger';
import { makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { CodePipelineClient } from '@aws-sdk/client-codepipeline';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createBuildLogsPort } from '../adapters/build-logs';
import { createPipelinesPort } from '../adapters/codepipeline';
import { createDeadLetterPort } from '../adapters/dead-letter';
import { createDynamoCardStore } from '../adapters/dynamo-store';
import { createIdempotencyConfig } from '../adapters/idempotency';
import { createEmailPort } from '../adapters/sns';
import { createSlackPort } from '../adapters/slack';
import { getSlackToken } from '../adapters/slack-token';
import { notifyEvent } from '../app/notify-event';
import type { RecordDeps } from '../app/process-record';
import { ConfigError } from '../core/errors';
import { validateConfig } from '../core/config/validate';
import type { Config } from '../core/config/schema';

// Replaced at bundle time by esbuild `define` with the config validated by `serverless package`.
declare const WARDEN_EMBEDDED_CONFIG: string | undefined;

/** The config the bundle was built with; validated again, so a hand-edited bundle fails loudly. */
export function embeddedConfig(source = typeof WARDEN_EMBEDDED_CONFIG === 'undefined' ? process.env['WARDEN_CONFIG_JSON'] : WARDEN_EMBEDDED_CONFIG): Config {
  if (!source) throw new ConfigError(['no configuration: package with `serverless package` (it embeds config/warden.yml)']);
  const result = validateConfig(JSON.parse(source));
  if (!result.ok) throw new ConfigError(result.problems);
  return result.config;
}

const SLACK_RETRIES = { retries: 3, factor: 2, minTimeout: 500, maxTimeout: 4_000, randomize: true };

function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new ConfigError([`environment variable ${name} is not set`]);
  return value;
}

export async function buildRecordDeps(logger: Logger): Promise<RecordDeps> {
  const config = embeddedConfig();
  const tableName = env('TABLE_NAME');
  const dynamo = new DynamoDBClient({});
  const notifyDeps = {
    config,
    store: createDynamoCardStore({ client: DynamoDBDocumentClient.from(dynamo, { marshallOptions: { removeUndefinedValues: true } }), tableName }),
    // Short retries: a Lambda has 60 s, and SQS retries the record later anyway (see README, Delivery).
    slack: createSlackPort({ token: await getSlackToken(config.slack.tokenParameter), retryConfig: SLACK_RETRIES, logger }),
    email: createEmailPort(new SNSClient({})),
    logs: createBuildLogsPort(new CloudWatchLogsClient({})),
    pipelines: createPipelinesPort(new CodePipelineClient({})),
    defaultTopicArn: env('DEFAULT_TOPIC_ARN'),
    now: () => new Date(),
  };
  const { persistenceStore, config: idempotency } = createIdempotencyConfig({ tableName, client: dynamo });
  return {
    deadLetter: createDeadLetterPort(new SQSClient({}), env('DEAD_LETTER_QUEUE_URL')),
    logger,
    // A duplicate delivery of the same EventBridge event id is answered from the idempotency record.
    notify: makeIdempotent((event: unknown) => notifyEvent(event, notifyDeps), { persistenceStore, config: idempotency }),
  };
}
