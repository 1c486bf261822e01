/**
 * The config's recurring fields, each defined once: every section that takes a glob list, a Slack
 * channel, Slack people, a duration or an SNS topic uses these, so one value is accepted (or refused,
 * with one message) wherever it is written. Section-specific rules build on them (`glob.check(…)`,
 * `z.array(glob).check(…)`) rather than redefining them.
 */
import { DURATION_PATTERN } from '../duration';
import * as z from '../zod';

/** One glob (`web-*`); matched with picomatch where it is used. Empty is refused: it would match nothing. */
export const glob = z.string().check(z.minLength(1, 'empty pattern'));

/**
 * An optional filter's globs (`match.pipelines`, `freezes[].pipelines`, …): absent matches any, so
 * an empty list is refused rather than read as "match nothing".
 */
export const globs = z.array(glob).check(z.minLength(1, 'list is empty; omit the key to match any'));

/**
 * A Slack conversation ID: public (C…), private (G…) or direct-message (D…) channel. chat.update
 * only accepts channel IDs, so names like #deploys are refused here rather than at 3 a.m.
 */
export const channelId = z
  .string()
  .check(z.regex(/^[CGD][A-Z0-9]{6,}$/, 'must be a Slack channel ID such as C0123ABCD (not a #name: chat.update needs the ID)'));

/** A Slack user ID (U…, W… on Enterprise Grid) or user group ID (S…), as `<@…>` and `<!subteam^…>` take them. */
const SLACK_PERSON = '[UWS][A-Z0-9]{6,}';

/** The people who may decide, or who are called in: Slack user IDs and user group IDs, at least one. */
export const people = z
  .array(z.string().check(z.regex(new RegExp(`^${SLACK_PERSON}$`), 'must be a Slack user ID (U…/W…) or user group ID (S…)')))
  .check(z.minLength(1, 'at least one user or user group'));

/** Whom a route's message mentions: a person (as in `people`), or `here` / `channel`. */
export const mention = z
  .string()
  .check(z.regex(new RegExp(`^(${SLACK_PERSON}|here|channel)$`), 'must be a user ID (U…/W…), a user group ID (S…), "here" or "channel"'));

/** A duration as people write it (functions/kernel/duration.ts); its bounds are checked per setting (duration-limits.ts). */
export const duration = z.string().check(z.regex(DURATION_PATTERN, 'must be a duration such as 30m, 4h, 2d or 1d12h'));

/** An SNS topic ARN, or `default` for the topic the stack creates. */
export const snsTopic = z
  .string()
  .check(z.regex(/^(default|arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256})$/, 'must be an SNS topic ARN or "default"'));

/** A CodePipeline pipeline or stage name as the APIs take it (no glob): 1-100 of letters, digits, `.`, `@`, `-`, `_`. */
export const PIPELINE_NAME = /^[A-Za-z0-9.@_-]{1,100}$/;

/** An IANA time zone (`Europe/Berlin`), as Intl and EventBridge Scheduler read them. */
export const timezone = z.string().check(
  z.refine((tz) => {
    try {
      new Intl.DateTimeFormat('en', { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  }, 'must be an IANA time zone such as Europe/Berlin or America/New_York'),
);
