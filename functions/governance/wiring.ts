/** Wiring of the governance function: real adapters, the embedded config and policy, the custom rules. */
import type { Logger } from '@aws-lambda-powertools/logger';
import { CodeBuildClient } from '@aws-sdk/client-codebuild';
import { CodePipelineClient } from '@aws-sdk/client-codepipeline';
import { SNSClient } from '@aws-sdk/client-sns';
import { SSMClient } from '@aws-sdk/client-ssm';
import { customRules } from '../../config/custom-rules';
import { ConfigError } from '../kernel/errors';
import { cardsTable } from '../platform/cards-table';
import { embeddedConfig } from '../platform/embedded-config';
import { env } from '../platform/env';
import { createSlackPort } from '../platform/slack';
import { createSlackDirectory } from '../platform/slack-directory';
import { getSlackToken } from '../platform/slack-token';
import { createEmailPort } from '../platform/sns';
import type { GovernanceDeps } from './app/deps';
import { createDynamoBypasses } from './aws/break-glass-store';
import {
  createChangeCalendarsPort,
  createDynamoDoneRecords,
  createDynamoTransitionRecords,
  createGovernancePipelinesPort,
  createGovernanceProjectsPort,
} from './aws/governance';
import { type Policy, validatePolicy } from './domain/policy';

// Replaced at bundle time by esbuild `define`: config/policy.yml as `serverless package` validated it.
declare const WARDEN_EMBEDDED_POLICY: string | undefined;

/** The policy the bundle was built with, validated again (without a YAML parser in the bundle). */
export function embeddedPolicy(source = typeof WARDEN_EMBEDDED_POLICY === 'undefined' ? process.env['WARDEN_POLICY_JSON'] : WARDEN_EMBEDDED_POLICY): Policy {
  if (!source) throw new ConfigError(['no governance policy: package with `serverless package` (it embeds config/policy.yml)']);
  const result = validatePolicy(JSON.parse(source), { customRules });
  if (!result.ok) throw new ConfigError(result.problems);
  return result.policy;
}

export async function buildGovernanceDeps(logger: Logger): Promise<GovernanceDeps> {
  const config = embeddedConfig();
  const { tableName, doc } = cardsTable();
  const token = await getSlackToken(config.slack.tokenParameter);
  return {
    config,
    policy: embeddedPolicy(),
    customRules,
    pipelines: createGovernancePipelinesPort(new CodePipelineClient({})),
    projects: createGovernanceProjectsPort(new CodeBuildClient({})),
    calendars: createChangeCalendarsPort(new SSMClient({})),
    records: createDynamoTransitionRecords({ client: doc, tableName }),
    done: createDynamoDoneRecords({ client: doc, tableName }),
    bypasses: createDynamoBypasses({ client: doc, tableName }),
    directory: createSlackDirectory({ token }),
    slack: createSlackPort({ token, logger }),
    email: createEmailPort(new SNSClient({})),
    defaultTopicArn: env('DEFAULT_TOPIC_ARN'),
    now: () => new Date(),
    logger,
  };
}
