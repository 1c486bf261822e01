/**
 * The organization's places (functions/platform/organizations.ts): the ACTIVE accounts of the
 * configured OUs and every OU below them, paginated, plus the listed accounts, × the regions.
 */
import { ListAccountsForParentCommand, ListOrganizationalUnitsForParentCommand } from '@aws-sdk/client-organizations';
import { describe, expect, it } from 'vitest';
import { organizationPlaces } from '../../functions/platform/organizations';

type Page = { accounts?: { Id: string; State: string }[]; ous?: string[]; next?: string };

/** An organization tree: parent → pages. */
function client(tree: Record<string, Page[]>) {
  const calls: string[] = [];
  return {
    calls,
    async send(command: unknown) {
      const input = (command as { input: { ParentId: string; NextToken?: string } }).input;
      const pages = tree[input.ParentId] ?? [{}];
      const page = pages[input.NextToken ? Number(input.NextToken) : 0] ?? {};
      const next = page.next ? { NextToken: page.next } : {};
      if (command instanceof ListAccountsForParentCommand) {
        calls.push(`accounts ${input.ParentId} ${input.NextToken ?? ''}`.trim());
        return { Accounts: page.accounts ?? [], ...next };
      }
      if (command instanceof ListOrganizationalUnitsForParentCommand) {
        calls.push(`ous ${input.ParentId}`);
        return { OrganizationalUnits: (page.ous ?? []).map((Id) => ({ Id })), ...(page.ous ? {} : {}) };
      }
      throw new Error('unexpected command');
    },
  };
}

describe('organizationPlaces', () => {
  it('covers ACTIVE accounts of the OUs and their child OUs (every page), the listed accounts, in every region', async () => {
    const c = client({
      'ou-a1b2-workloads1': [
        {
          accounts: [
            { Id: '111111111111', State: 'ACTIVE' },
            { Id: '111111111112', State: 'SUSPENDED' },
          ],
          ous: ['ou-a1b2-child0001'],
          next: '1',
        },
        { accounts: [{ Id: '111111111113', State: 'ACTIVE' }] },
      ],
      'ou-a1b2-child0001': [{ accounts: [{ Id: '111111111114', State: 'ACTIVE' }] }],
    });
    const places = await organizationPlaces(
      c as never,
      { accounts: ['444455556666'], deployTo: { organizationalUnits: ['ou-a1b2-workloads1'], regions: ['eu-west-1', 'us-east-1'] } },
      'eu-west-1',
    );
    expect(places.map((p) => `${p.account}/${p.region}`)).toEqual([
      '111111111111/eu-west-1',
      '111111111111/us-east-1',
      '111111111113/eu-west-1',
      '111111111113/us-east-1',
      '111111111114/eu-west-1',
      '111111111114/us-east-1',
      '444455556666/eu-west-1',
      '444455556666/us-east-1',
    ]);
    expect(c.calls).toContain('accounts ou-a1b2-workloads1 1');
  });

  it('without deployTo: the listed accounts in the home region, and no Organizations call', async () => {
    const c = client({});
    expect(await organizationPlaces(c as never, { accounts: ['444455556666'] }, 'eu-central-1')).toEqual([{ account: '444455556666', region: 'eu-central-1' }]);
    expect(c.calls).toEqual([]);
  });
});
