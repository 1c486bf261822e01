/**
 * Wiring of the slackActions function: real adapters from the environment and the embedded config,
 * and the routes features plug in by action id prefix (`buildRoutes`).
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { approvalRoute } from '../approvals/app/route';
import { bypassRoute } from '../governance/app/bypass';
import type { Config } from '../kernel/config/schema';
import { cardsTable } from '../platform/cards-table';
import { embeddedConfig } from '../platform/embedded-config';
import { onFirstUse } from '../platform/on-first-use';
import { getSlackToken } from '../platform/slack-token';
import type { SlackActionsDeps } from './app/handle-request';
import { createRouter, type InteractionRoute } from './app/router';
import { createEphemeralPort } from './aws/ephemeral';
import { createDynamoSlackRequests } from './aws/requests';
import { verifySlackSignature } from './aws/signature';
import { getSlackSigningSecret } from './aws/signing-secret';

/** What a feature's routes may build on; everything else they create themselves. */
export interface RouteShared {
  readonly config: Config;
  readonly logger: Logger;
  /** The run-cards table (env TABLE_NAME). */
  readonly tableName: string;
  /** Document client (`removeUndefinedValues`) on the function's one DynamoDB client. */
  readonly dynamo: DynamoDBDocumentClient;
  /** The bot token, read on first use (and reused for five minutes, secret-value.ts). */
  readonly slackToken: () => Promise<string>;
}

/** Action id prefix → route, e.g. `{ 'approval:': approvalRoute(shared) }`. */
export type RoutesBuilder = (shared: RouteShared) => Readonly<Record<string, InteractionRoute>> | Promise<Readonly<Record<string, InteractionRoute>>>;

/** How each hosted feature's dependencies are built: real clients in Lambda, dry-run ones in `npm run dev`. */
export interface HostedFeatures {
  readonly approvals: Parameters<typeof approvalRoute>[0];
  readonly governance: Parameters<typeof bypassRoute>[0];
}

/**
 * The routes the endpoint dispatches to, one per feature: approvals own `approval:` (Approve/Reject
 * on the approval card), governance owns `bypass:` (break-glass during a freeze). An action id no
 * route claims is answered 200 and ignored. The deployed endpoint and the dev server both use this table.
 */
export const endpointRoutes = (features: HostedFeatures): Readonly<Record<string, InteractionRoute>> => ({
  'approval:': approvalRoute(features.approvals),
  'bypass:': bypassRoute(features.governance),
});

export const buildRoutes: RoutesBuilder = ({ logger }) =>
  endpointRoutes({
    // Each feature's clients (CodePipeline, Step Functions, SNS…) load on its first click.
    approvals: onFirstUse(async () => (await import('../approvals/wiring')).buildApprovalDeps(logger)),
    governance: onFirstUse(async () => (await import('../governance/wiring')).buildGovernanceDeps(logger)),
  });

export interface SlackActionsDepsOptions {
  readonly routes?: RoutesBuilder;
  /** Web API base URL (tests point it at a local server); default Slack's. */
  readonly slackApiUrl?: string;
  /** The embedded config as JSON; default the bundle's, or env WARDEN_CONFIG_JSON outside a bundle. */
  readonly configJson?: string;
}

/**
 * Nothing here calls AWS: the signing secret is read on the first request (and cached), the bot
 * token on the first message to a person, the table on the first valid request.
 */
export async function buildSlackActionsDeps(logger: Logger, options: SlackActionsDepsOptions = {}): Promise<SlackActionsDeps> {
  const config = embeddedConfig(options.configJson);
  const { tableName, doc: dynamo } = cardsTable();
  const slackToken = () => getSlackToken(config.slack.tokenParameter);
  const routes = await (options.routes ?? buildRoutes)({ config, logger, tableName, dynamo, slackToken });
  return {
    verify: async (request, now) => verifySlackSignature({ ...request, secret: await getSlackSigningSecret(config.slack.signingSecretParameter), now }),
    requests: createDynamoSlackRequests({ client: dynamo, tableName }),
    route: createRouter(routes),
    ephemeral: createEphemeralPort({ token: slackToken, ...(options.slackApiUrl ? { slackApiUrl: options.slackApiUrl } : {}) }),
    now: () => new Date(),
    logger,
  };
}
