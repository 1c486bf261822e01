/**
 * Who is who in Slack, for approval policies: the members of a user group (`usergroups.users.list`,
 * scope usergroups:read) and the user with an email (`users.lookupByEmail`, scope users:read.email).
 * Answers are cached for a few minutes per container: a click must be answered within 3 seconds.
 */
import { WebClient } from '@slack/web-api';
import type { SlackDirectoryPort } from '../kernel/ports';

const CACHE_MS = 5 * 60_000;

export function createSlackDirectory(options: { readonly token: string; readonly slackApiUrl?: string; readonly now?: () => number }): SlackDirectoryPort {
  const client = new WebClient(options.token, { slackApiUrl: options.slackApiUrl ?? 'https://slack.com/api/', timeout: 2_500, retryConfig: { retries: 1 } });
  const now = options.now ?? Date.now;
  const members = new Map<string, { at: number; users: Promise<ReadonlySet<string>> }>();
  const membersOf = (group: string) => {
    const cached = members.get(group);
    if (cached && now() - cached.at < CACHE_MS) return cached.users;
    const users = client.usergroups.users.list({ usergroup: group }).then((r) => new Set(r.users ?? []) as ReadonlySet<string>);
    members.set(group, { at: now(), users });
    // A failed lookup is not cached: the next click asks again.
    users.catch(() => members.delete(group));
    return users;
  };
  return {
    async groupsOf(userId, groups) {
      const found = await Promise.all(groups.filter((g) => g.startsWith('S')).map(async (g) => ((await membersOf(g)).has(userId) ? g : undefined)));
      return found.filter((g): g is string => g !== undefined);
    },
    async userIdByEmail(email) {
      try {
        const out = await client.users.lookupByEmail({ email });
        return out.user?.id;
      } catch (error) {
        // users_not_found and a missing users:read.email scope both mean "cannot be known": the
        // self-approval check then relies on the trigger alone (README, "Approvals").
        const code = (error as { data?: { error?: string } }).data?.error;
        if (code === 'users_not_found' || code === 'missing_scope') return undefined;
        throw error;
      }
    },
  };
}
