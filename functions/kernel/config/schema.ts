/**
 * The routing configuration (`config/warden.yml`), documented in the README.
 *
 * Strict on purpose, unlike the event schemas: an unknown key in a config is a typo that would
 * silently route nothing, so it is an error with its path.
 */
import { parseDuration } from '../duration';
import * as z from '../zod';
import { ApprovalsSchema } from './approvals';
import { outsideLimit } from './duration-limits';
import { channelId, duration, globs, mention, snsTopic } from './fields';
import { CodeArtifactSchema, GovernanceSchema } from './governance';
import { InsightsSchema } from './insights';
import { OrganizationSchema } from './organization';
import { DEFAULT_PRODUCTION_STAGES, ProductionStagesSchema } from './production-stages';
import { RollbackSchema } from './rollback';
import { UNCLAIMED_BUILD_GRACE } from './unclaimed-build-grace';

/** How much of a run reaches a destination. */
export const Level = z.enum(['all', 'status-changes', 'failures']);
export type Level = z.infer<typeof Level>;

const nonEmpty = (message: string) => z.minLength(1, message);

const match = z.strictObject({
  pipelines: z.optional(globs),
  projects: z.optional(globs),
  applications: z.optional(globs),
  /** CodeArtifact repositories (package versions). */
  repositories: z.optional(globs),
  alarms: z.optional(globs),
  /**
   * CodeCommit repository names: their pull requests and branch/tag changes. Like alarms, these are
   * announced only by routes that use this key (a catch-all route does not post every push);
   * `repositories` stays CodeArtifact's.
   */
  codecommit: z.optional(globs),
  accounts: z.optional(z.array(z.string().check(z.regex(/^\d{12}$/, 'must be a 12-digit account id'))).check(z.minLength(1))),
  regions: z.optional(globs),
  /**
   * The pipeline's resource tags: every key must be there with one of its values (`team: payments`,
   * `env: [prod, staging]`). Pipelines are looked up once per run (codepipeline:ListTagsForResource).
   */
  tags: z.optional(
    z
      .record(z.string().check(z.minLength(1), z.maxLength(128)), z.union([z.string(), z.array(z.string()).check(z.minLength(1, 'at least one value'))]))
      .check(z.refine((t) => Object.keys(t).length > 0, { message: 'no tag: omit the key to match any' })),
  ),
});

export const RouteSchema = z
  .strictObject({
    name: z.optional(z.string().check(z.minLength(1))),
    match: z._default(match, {}),
    slack: z.optional(
      z.strictObject({
        channels: z.array(channelId).check(nonEmpty('at least one channel')),
        mentions: z._default(z.array(mention), []),
        level: z.optional(Level),
      }),
    ),
    email: z.optional(
      z.strictObject({
        topics: z._default(z.array(snsTopic).check(nonEmpty('at least one topic')), ['default']),
        level: z.optional(Level),
      }),
    ),
  })
  .check(z.refine((route) => route.slack !== undefined || route.email !== undefined, { message: 'has no destination: add slack.channels or email.topics' }));
export type Route = z.infer<typeof RouteSchema>;

const unclaimedBuildGrace = duration.check(
  z.superRefine((text, ctx) => {
    const ms = parseDuration(text);
    const problem = ms === undefined ? undefined : outsideLimit(ms, UNCLAIMED_BUILD_GRACE.limit);
    if (problem) ctx.addIssue({ code: 'custom', message: problem, input: text });
  }),
);

const DEFAULT_TOKEN_PARAMETER = '/pipeline-warden/slack-bot-token';
const DEFAULT_SIGNING_SECRET_PARAMETER = '/pipeline-warden/slack-signing-secret';

export const ConfigSchema = z.strictObject({
  version: z.literal(1, 'must be 1'),
  slack: z._default(
    z.strictObject({
      /** SSM parameter name, or a Secrets Manager secret ARN, holding the bot token. */
      tokenParameter: z._default(z.string().check(z.minLength(1)), DEFAULT_TOKEN_PARAMETER),
      /** SSM parameter name, or a Secrets Manager secret ARN, holding the app's signing secret (interactivity). */
      signingSecretParameter: z._default(z.string().check(z.minLength(1)), DEFAULT_SIGNING_SECRET_PARAMETER),
    }),
    { tokenParameter: DEFAULT_TOKEN_PARAMETER, signingSecretParameter: DEFAULT_SIGNING_SECRET_PARAMETER },
  ),
  defaults: z._default(
    z.strictObject({
      slackLevel: z._default(Level, 'status-changes'),
      emailLevel: z._default(Level, 'failures'),
      /** Lines of a failed CodeBuild log shown in the thread. */
      logLines: z._default(z.int().check(z.minimum(0), z.maximum(100)), 30),
      /** How long a failed build a pipeline started waits for its pipeline action before it gets a card of its own. */
      /** Absent: `UNCLAIMED_BUILD_GRACE.default`, applied where it is read ({@link unclaimedBuildGraceMs}). */
      unclaimedBuildGrace: z.optional(unclaimedBuildGrace),
    }),
    { slackLevel: 'status-changes', emailLevel: 'failures', logLines: 30 },
  ),
  routes: z.array(RouteSchema).check(nonEmpty('at least one route')),
  /** The stage names that are production, for approvals, governance and rollback alike (README, "Production stages"). */
  productionStages: z._default(ProductionStagesSchema, () => [...DEFAULT_PRODUCTION_STAGES]),
  approvals: z.optional(ApprovalsSchema),
  rollback: z.optional(RollbackSchema),
  governance: z.optional(GovernanceSchema),
  codeartifact: z.optional(CodeArtifactSchema),
  /** One stack for a whole AWS Organization (README, "Organization"). */
  organization: z.optional(OrganizationSchema),
  /** Delivery insights: the weekly digest and failure streaks (README, "Delivery insights"). */
  insights: InsightsSchema,
});

export type Config = z.infer<typeof ConfigSchema>;
