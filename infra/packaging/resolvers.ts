/**
 * Each `${file(./scripts/serverless-config.cjs):<name>}` of serverless.yml and infra/*.yml. osls
 * calls the export with its context, so the config and policy paths can come from stack
 * parameters: `serverless package --param="config=path/to/warden.yml"` (default
 * `config/warden.yml`) and `--param="policy=…"` (default `config/policy.yml`). A `--config` option
 * cannot be used: osls already owns `--config`/`-c` (the path of serverless.yml itself).
 */

import type { Policy } from '../../functions/governance/domain/policy-schema';
import type { Config } from '../../functions/kernel/config/schema';
import { leadingKeysOf, ROLE_KEYS } from '../../functions/kernel/table-keys';
import { approvalResourcesOf } from './approvals';
import { embeddedLiteral, esbuildDefineOf } from './define';
import { digestScheduleOf } from './digest';
import { breakGlassResourcesOf, changeCalendarResourcesOf, NO_BREAK_GLASS } from './governance';
import { loadConfig, loadPolicy } from './load';
import { eventBusOf, organizationResourcesOf } from './organization';
import { type ResolverContext, resolver } from './osls';
import { rollbackResourcesOf } from './rollback';
import { secretIamStatement } from './secrets';
import { topicArnsOf } from './topics';

const DEFAULT_CONFIG = 'config/warden.yml';
const DEFAULT_POLICY = 'config/policy.yml';

async function configFromParams({ resolveVariable }: ResolverContext): Promise<Config> {
  return loadConfig(String(await resolveVariable(`param:config, '${DEFAULT_CONFIG}'`)));
}

async function policyFromParams({ resolveVariable }: ResolverContext): Promise<Policy> {
  return loadPolicy(String(await resolveVariable(`param:policy, '${DEFAULT_POLICY}'`)));
}

/**
 * The governance policy rides along in every bundle's `define`: one esbuild setting serves all
 * functions, and only the governance function reads WARDEN_EMBEDDED_POLICY (esbuild drops it elsewhere).
 */
export const esbuildDefine = resolver(async (ctx) => ({
  ...esbuildDefineOf(await configFromParams(ctx)),
  WARDEN_EMBEDDED_POLICY: embeddedLiteral(await policyFromParams(ctx)),
}));
/** The bus every rule listens on: the stack's central bus in organization mode, else the `eventBusName` param. */
export const eventBusName = resolver(async (ctx) => eventBusOf(await configFromParams(ctx), await ctx.resolveVariable("param:eventBusName, 'default'")));
/** Organization mode's resources (infra/packaging/organization.ts); none otherwise. */
export const organizationResources = resolver(async (ctx) => organizationResourcesOf(await configFromParams(ctx)));
/** ssm:GetParameter or secretsmanager:GetSecretValue on the bot token (slack.tokenParameter). */
export const tokenIamStatement = resolver(async (ctx) => secretIamStatement('ReadSlackToken', (await configFromParams(ctx)).slack.tokenParameter));
/** The same for the Slack app's signing secret (slack.signingSecretParameter). */
export const signingSecretIamStatement = resolver(async (ctx) =>
  secretIamStatement('ReadSlackSigningSecret', (await configFromParams(ctx)).slack.signingSecretParameter),
);
export const topicArns = resolver(async (ctx) => topicArnsOf(await configFromParams(ctx)));
/** sns:Publish resources: the stack's topic plus every topic the routes name. */
export const publishTopicResources = resolver(async (ctx) => [{ Ref: 'NotificationsTopic' }, ...topicArnsOf(await configFromParams(ctx))]);
/** codepipeline read resources of the approval policies (see approvalResourcesOf). */
export const approvalPipelineResources = resolver(async (ctx) => approvalResourcesOf(await configFromParams(ctx)).pipelines);
/** codepipeline:PutApprovalResult resources of the approval policies. */
export const approvalActionResources = resolver(async (ctx) => approvalResourcesOf(await configFromParams(ctx)).actions);
/** codedeploy resources of the rollback guards (deployment groups, their applications). */
export const rollbackDeploymentGroupResources = resolver(async (ctx) => rollbackResourcesOf(await configFromParams(ctx)).deploymentGroups);
export const rollbackApplicationResources = resolver(async (ctx) => rollbackResourcesOf(await configFromParams(ctx)).applications);
/** codepipeline resources of the rollback guards: each pipeline and its guarded stage. */
export const rollbackPipelineResources = resolver(async (ctx) => rollbackResourcesOf(await configFromParams(ctx)).pipelines);
/** ssm:GetCalendarState resources: the change calendars governance reads (see changeCalendarResourcesOf). */
export const changeCalendarResources = resolver(async (ctx) => changeCalendarResourcesOf(await configFromParams(ctx)));
/** 'true' when some freeze has break-glass approvers: the condition of the Slack endpoint's break-glass policy. */
export const breakGlassEnabled = resolver(async (ctx) => String(breakGlassResourcesOf(await configFromParams(ctx)) !== undefined));
/** The pipelines and production stages break-glass may re-open (see breakGlassResourcesOf). */
export const breakGlassPipelineResources = resolver(async (ctx) => (breakGlassResourcesOf(await configFromParams(ctx)) ?? NO_BREAK_GLASS).pipelines);
export const breakGlassStageResources = resolver(async (ctx) => (breakGlassResourcesOf(await configFromParams(ctx)) ?? NO_BREAK_GLASS).stages);

/**
 * `dynamodb:LeadingKeys` per role (`${file(./scripts/serverless-config.cjs):leadingKeys.notify}`), from
 * the one list the adapters build their keys from (functions/kernel/table-keys.ts).
 */
export const leadingKeys = Object.fromEntries(Object.entries(ROLE_KEYS).map(([role, kinds]) => [role, leadingKeysOf(kinds)])) as Readonly<
  Record<keyof typeof ROLE_KEYS, string[]>
>;
/** The weekly digest's schedule: `${file(./scripts/serverless-config.cjs):digestSchedule.expression}` (and `.timezone`, `.state`). */
export const digestSchedule = {
  expression: resolver(async (ctx) => digestScheduleOf(await configFromParams(ctx)).expression),
  timezone: resolver(async (ctx) => digestScheduleOf(await configFromParams(ctx)).timezone),
  state: resolver(async (ctx) => digestScheduleOf(await configFromParams(ctx)).state),
};
