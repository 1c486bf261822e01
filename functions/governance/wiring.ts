/** Wiring of the governance function: real adapters, the embedded config and policy, the custom rules. */
import type { Logger } from '@aws-lambda-powertools/logger';
import { CodeBuildClient } from '@aws-sdk/client-codebuild';
import { CodePipelineClient } from '@aws-sdk/client-codepipeline';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { SNSClient } from '@aws-sdk/client-sns';
import { SSMClient } from '@aws-sdk/client-ssm';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { customRules } from '../../config/custom-rules';
import type { Config } from '../kernel/config/schema';
import { ConfigError } from '../kernel/errors';
import { clientAt, placeClients } from '../platform/actor';
import { cardsTable } from '../platform/cards-table';
import { embeddedConfig } from '../platform/embedded-config';
import { env } from '../platform/env';
import { organizationPlaces } from '../platform/organizations';
import { createSlackPort } from '../platform/slack';
import { createSlackDirectory } from '../platform/slack-directory';
import { getSlackToken } from '../platform/slack-token';
import { createEmailPort } from '../platform/sns';
import type { GovernanceDeps, PlacedGovernancePorts } from './app/deps';
import { createDynamoBypasses } from './aws/break-glass-store';
import {
  createChangeCalendarsPort,
  createDynamoDoneRecords,
  createDynamoSweepResults,
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
    ...(config.organization ? organizationPorts(config.organization, { doc, tableName }) : {}),
    directory: createSlackDirectory({ token }),
    slack: createSlackPort({ token, logger }),
    email: createEmailPort(new SNSClient({})),
    defaultTopicArn: env('DEFAULT_TOPIC_ARN'),
    now: () => new Date(),
    logger,
  };
}

/**
 * Organization mode: each account's and region's pipelines, projects and calendars as the actor
 * role there, its records and bypasses under its own keys; the places of the organization; the
 * sweep's results store.
 */
function organizationPorts(
  organization: NonNullable<Config['organization']>,
  table: { readonly doc: DynamoDBDocumentClient; readonly tableName: string },
): Pick<GovernanceDeps, 'at' | 'places' | 'sweeps'> {
  const pipelines = placeClients(organization, (c) => new CodePipelineClient(c));
  const projects = placeClients(organization, (c) => new CodeBuildClient(c));
  const calendars = placeClients(organization, (c) => new SSMClient(c));
  const ports = new Map<string, PlacedGovernancePorts>();
  const client = table.doc;
  const { tableName } = table;
  return {
    at(place) {
      const key = `${place.account}/${place.region}`;
      let here = ports.get(key);
      if (!here) {
        here = {
          pipelines: createGovernancePipelinesPort(clientAt(pipelines, place)),
          projects: createGovernanceProjectsPort(clientAt(projects, place)),
          calendars: createChangeCalendarsPort(clientAt(calendars, place)),
          records: createDynamoTransitionRecords({ client, tableName, place }),
          bypasses: createDynamoBypasses({ client, tableName, place }),
        };
        ports.set(key, here);
      }
      return here;
    },
    places: { list: () => organizationPlaces(new OrganizationsClient({}), organization, env('AWS_REGION')) },
    sweeps: createDynamoSweepResults({ client, tableName }),
  };
}
