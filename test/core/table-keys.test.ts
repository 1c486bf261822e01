/**
 * The cards table's key prefixes, one list for the adapters and the IAM policies (issue 11): no
 * prefix is another's prefix (a role granted `RUN#*` must not reach another kind of item), and
 * every prefix an adapter writes is granted to some role.
 */
import { describe, expect, it } from 'vitest';
import { KEY_PREFIX, leadingKeysOf, ROLE_KEYS } from '../../functions/kernel/table-keys';
import { leadingKeys } from '../../infra/packaging/resolvers';

describe('table key prefixes', () => {
  it('no prefix starts another: a LeadingKeys grant reaches exactly one kind of item', () => {
    const prefixes = Object.values(KEY_PREFIX);
    for (const a of prefixes) for (const b of prefixes) if (a !== b) expect(b.startsWith(a), `${b} starts with ${a}`).toBe(false);
  });

  it("every kind of item is some role's, and the packaged grants are the roles' kinds", () => {
    const granted = new Set(Object.values(ROLE_KEYS).flat());
    expect([...granted].sort()).toEqual(Object.keys(KEY_PREFIX).sort());
    expect(leadingKeys.notify).toEqual(['RUN#*', 'LINK#*', 'IDEMPOTENCY#*', 'PACE#*', 'DELIVERY#*', 'STREAK#*']);
    expect(leadingKeys.insights).toEqual(['DELIVERY#*', 'ONCE#*']);
    expect(leadingKeys.slackRequests).toEqual(['SLACK-REQUEST#*']);
    for (const [role, kinds] of Object.entries(ROLE_KEYS)) expect(leadingKeys[role as keyof typeof ROLE_KEYS]).toEqual(leadingKeysOf(kinds));
  });
});
