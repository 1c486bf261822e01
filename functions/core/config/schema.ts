/**
 * The routing configuration (`config/warden.yml`), documented in the README.
 *
 * Strict on purpose, unlike the event schemas: an unknown key in a config is a typo that would
 * silently route nothing, so it is an error with its path.
 */
import { z } from 'zod';

/** How much of a run reaches a destination. */
export const Level = z.enum(['all', 'status-changes', 'failures']);
export type Level = z.infer<typeof Level>;

const globs = z.array(z.string().min(1, 'empty pattern')).min(1, 'list is empty; omit the key to match any');

// chat.update only accepts channel IDs, so names like #deploys are refused here rather than at 3 a.m.
const channelId = z
  .string()
  .regex(/^[CGD][A-Z0-9]{6,}$/, 'must be a Slack channel ID such as C0123ABCD (not a #name: chat.update needs the ID)');

const mention = z
  .string()
  .regex(/^([UWS][A-Z0-9]{6,}|here|channel)$/, 'must be a user ID (U…/W…), a user group ID (S…), "here" or "channel"');

const topic = z
  .string()
  .regex(/^(default|arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256})$/, 'must be an SNS topic ARN or "default"');

export const RouteSchema = z
  .object({
    name: z.string().min(1).optional(),
    match: z
      .object({
        pipelines: globs.optional(),
        projects: globs.optional(),
        applications: globs.optional(),
        repositories: globs.optional(),
        alarms: globs.optional(),
        accounts: z.array(z.string().regex(/^\d{12}$/, 'must be a 12-digit account id')).min(1).optional(),
        regions: globs.optional(),
      })
      .strict()
      .default({}),
    slack: z
      .object({
        channels: z.array(channelId).min(1, 'at least one channel'),
        mentions: z.array(mention).default([]),
        level: Level.optional(),
      })
      .strict()
      .optional(),
    email: z
      .object({
        topics: z.array(topic).min(1, 'at least one topic').default(['default']),
        level: Level.optional(),
      })
      .strict()
      .optional(),
  })
  .strict()
  .refine((route) => route.slack !== undefined || route.email !== undefined, {
    message: 'has no destination: add slack.channels or email.topics',
  });
export type Route = z.infer<typeof RouteSchema>;

export const ConfigSchema = z
  .object({
    version: z.literal(1, 'must be 1'),
    slack: z
      .object({
        /** SSM parameter name, or a Secrets Manager secret ARN, holding the bot token. */
        tokenParameter: z.string().min(1).default('/pipeline-warden/slack-bot-token'),
      })
      .strict()
      .default({ tokenParameter: '/pipeline-warden/slack-bot-token' }),
    defaults: z
      .object({
        slackLevel: Level.default('status-changes'),
        emailLevel: Level.default('failures'),
        /** Lines of a failed CodeBuild log shown in the thread. */
        logLines: z.number().int().min(0).max(100).default(30),
      })
      .strict()
      .default({ slackLevel: 'status-changes', emailLevel: 'failures', logLines: 30 }),
    routes: z.array(RouteSchema).min(1, 'at least one route'),
  })
  .strict();

export type Config = z.infer<typeof ConfigSchema>;
