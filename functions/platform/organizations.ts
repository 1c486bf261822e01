/**
 * The places of an organization (organization mode, README "Organization"): the ACTIVE accounts of
 * the OUs the member stack is deployed to (child OUs included, as the StackSet deploys to them),
 * plus the accounts listed outside the organization, each in every configured region. Called from
 * the central account (the StackSets delegated administrator) with the function's own role:
 * organizations:ListAccountsForParent and organizations:ListOrganizationalUnitsForParent.
 */
import { ListAccountsForParentCommand, ListOrganizationalUnitsForParentCommand, type OrganizationsClient } from '@aws-sdk/client-organizations';
import type { Place } from '../kernel/ports';
import { callAws } from './aws-errors';

export interface OrganizationScope {
  readonly accounts: readonly string[];
  readonly deployTo?: { readonly organizationalUnits: readonly string[]; readonly regions: readonly string[] } | undefined;
}

/** The accounts of an OU and of every OU below it, ACTIVE ones only (suspended and closing accounts have no pipelines to check). */
export async function accountsUnder(client: Pick<OrganizationsClient, 'send'>, parents: readonly string[]): Promise<string[]> {
  const accounts = new Set<string>();
  const seen = new Set<string>();
  const queue = [...parents];
  while (queue.length) {
    const parent = queue.shift() as string;
    if (seen.has(parent)) continue;
    seen.add(parent);
    // Every page (NextToken): the SDK's paginators would refuse a client that is not an OrganizationsClient.
    let token: string | undefined;
    do {
      const page = await callAws(`Organizations ListAccountsForParent ${parent}`, () =>
        client.send(new ListAccountsForParentCommand({ ParentId: parent, ...(token ? { NextToken: token } : {}) })),
      );
      for (const a of page.Accounts ?? []) if (a.Id && (a.State ?? a.Status) === 'ACTIVE') accounts.add(a.Id);
      token = page.NextToken;
    } while (token);
    do {
      const page = await callAws(`Organizations ListOrganizationalUnitsForParent ${parent}`, () =>
        client.send(new ListOrganizationalUnitsForParentCommand({ ParentId: parent, ...(token ? { NextToken: token } : {}) })),
      );
      for (const ou of page.OrganizationalUnits ?? []) if (ou.Id) queue.push(ou.Id);
      token = page.NextToken;
    } while (token);
  }
  return [...accounts];
}

/**
 * Every account × region, sorted by account then region. Without `deployTo` the listed accounts
 * are covered in `homeRegion` only (no region is configured for them).
 *
 * @example await organizationPlaces(new OrganizationsClient({}), config.organization, 'eu-west-1')
 * // [{ account: '111122223333', region: 'eu-west-1' }, { account: '111122223333', region: 'us-east-1' }, …]
 */
export async function organizationPlaces(client: Pick<OrganizationsClient, 'send'>, scope: OrganizationScope, homeRegion: string): Promise<Place[]> {
  const found = scope.deployTo ? await accountsUnder(client, scope.deployTo.organizationalUnits) : [];
  const accounts = [...new Set([...found, ...scope.accounts])].sort();
  const regions = scope.deployTo?.regions.length ? [...new Set(scope.deployTo.regions)] : [homeRegion];
  return accounts.flatMap((account) => regions.map((region) => ({ account, region })));
}
