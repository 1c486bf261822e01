/** The SNS topics functions publish to. */
import type { Config } from '../../functions/kernel/config/schema';

/**
 * The SNS topics routes name explicitly, once each (`default` is the stack's own topic, granted separately).
 *
 * @example topicArnsOf(config) // ['arn:aws:sns:eu-west-1:123456789012:team-a']
 */
export function topicArnsOf(config: Pick<Config, 'routes'>): string[] {
  return [...new Set(config.routes.flatMap((route) => route.email?.topics ?? []).filter((topic) => topic !== 'default'))].sort();
}
