/** Wiring of the digest function: real adapters from the environment and the embedded config. */
import type { Logger } from '@aws-lambda-powertools/logger';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { cardsTable } from '../platform/cards-table';
import { dynamoFactsReader } from '../platform/delivery-facts-dynamo';
import { embeddedConfig } from '../platform/embedded-config';
import { embeddedGlobs } from '../platform/embedded-globs';
import { env } from '../platform/env';
import { createMetricChartsPort } from '../platform/metric-charts';
import { createDynamoOnce } from '../platform/once-dynamo';
import { createSlackPort } from '../platform/slack';
import { createSlackFilesPort } from '../platform/slack-files';
import { getSlackToken } from '../platform/slack-token';
import type { DigestDeps } from './app/digest';

export async function buildDigestDeps(logger: Logger): Promise<DigestDeps> {
  const config = embeddedConfig();
  const { tableName, doc } = cardsTable();
  const token = await getSlackToken(config.slack.tokenParameter);
  return {
    config,
    globs: embeddedGlobs(config),
    facts: dynamoFactsReader({ client: doc, tableName }),
    slack: createSlackPort({ token, logger }),
    files: createSlackFilesPort({ token }),
    charts: createMetricChartsPort(new CloudWatchClient({})),
    once: createDynamoOnce({ client: doc, tableName }),
    region: env('AWS_REGION'),
    now: () => new Date(),
    warn: (message, details) => logger.warn(message, details),
  };
}
