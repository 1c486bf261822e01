/**
 * Slack's directory in memory: emails → user ids and user groups → members, as a world file or a
 * test describes them. The one fake of SlackDirectoryPort that replay, `npm run dev` and the tests use.
 */
import type { SlackDirectoryPort } from '../kernel/ports';

export interface DirectoryWorld {
  /** Email → Slack user id (`users.lookupByEmail`). */
  readonly users?: Readonly<Record<string, string>>;
  /** User group id → member user ids (`usergroups.users.list`). */
  readonly groups?: Readonly<Record<string, readonly string[]>>;
}

export function createMemoryDirectory(world: DirectoryWorld): SlackDirectoryPort {
  return {
    async groupsOf(userId, groups) {
      return groups.filter((group) => world.groups?.[group]?.includes(userId));
    },
    async userIdByEmail(email) {
      return world.users?.[email];
    },
  };
}
