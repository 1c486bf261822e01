/**
 * `organization`: one pipeline-warden for a whole AWS Organization (README, "Organization"). The
 * stack then owns a central event bus every member account forwards to, deploys the member stack
 * (infra/member.yml) to the listed OUs and regions as a service-managed StackSet, and acts in the
 * account where a pipeline lives through the actor role the member stack creates there.
 */
import * as z from '../zod';

export const ACCOUNT_ID = /^\d{12}$/;
const ORG_ID = /^o-[a-z0-9]{10,32}$/;
/** An OU (`ou-…`) or the organization's root (`r-…`): StackSet deployment targets. */
const OU_ID = /^(ou-[a-z0-9]{4,32}-[a-z0-9]{8,32}|r-[a-z0-9]{4,32})$/;
const REGION = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/;
/** IAM role names: 64 characters of `\w+=,.@-`. */
const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;

export const DEFAULT_ACTOR_ROLE_NAME = 'pipeline-warden-actor';

const accountId = z.string().check(z.regex(ACCOUNT_ID, 'must be a 12-digit account ID'));

export const OrganizationSchema = z
  .strictObject({
    /** The organization's ID: every principal of it may put events on the central bus (`aws:PrincipalOrgID`). */
    id: z.optional(z.string().check(z.regex(ORG_ID, 'must be an organization ID such as o-a1b2c3d4e5'))),
    /** Accounts outside the organization that may put events too (they deploy the member stack by hand). */
    accounts: z._default(z.array(accountId), []),
    /** Where the StackSet deploys the member stack, and keeps deploying it to accounts that join these OUs. */
    deployTo: z.optional(
      z.strictObject({
        organizationalUnits: z.array(z.string().check(z.regex(OU_ID, 'must be an OU ID (ou-…) or the root ID (r-…)'))).check(z.minLength(1, 'at least one OU')),
        regions: z.array(z.string().check(z.regex(REGION, 'must be an AWS region such as eu-west-1'))).check(z.minLength(1, 'at least one region')),
      }),
    ),
    /** The role the member stack creates in each account, which the central functions assume to act there. */
    actorRoleName: z._default(z.string().check(z.regex(ROLE_NAME, 'must be an IAM role name')), DEFAULT_ACTOR_ROLE_NAME),
    /**
     * The stack is deployed from a delegated administrator of StackSets (the recommended place), not
     * from the management account: the StackSet is created with `CallAs: DELEGATED_ADMIN`.
     */
    delegatedAdmin: z._default(z.boolean(), true),
  })
  .check(
    z.refine((o) => o.id !== undefined || o.accounts.length > 0, { message: 'names no account: give the organization id, accounts, or both' }),
    z.refine((o) => o.deployTo === undefined || o.id !== undefined, {
      message: 'deployTo needs the organization id: a service-managed StackSet deploys to OUs of an organization',
      path: ['deployTo'],
    }),
  );

export type Organization = z.infer<typeof OrganizationSchema>;
