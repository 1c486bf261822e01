/**
 * Slack's directory as a world file describes it (`slack`: emails → user ids, user groups → members),
 * for every replay target and `warden replay --world`; played by createMemoryDirectory.
 */

import * as z from '../../functions/kernel/zod';

export const SlackWorld = z._default(
  z.strictObject({ users: z._default(z.record(z.string(), z.string()), {}), groups: z._default(z.record(z.string(), z.array(z.string())), {}) }),
  { users: {}, groups: {} },
);
export type SlackWorld = z.infer<typeof SlackWorld>;
