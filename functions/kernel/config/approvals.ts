import * as z from '../zod';
import { channelId, duration, glob, globs, people } from './fields';
import { MOVED_APPROVALS_KEY } from './production-stages';

export const DeadlineOutcome = z.enum(['reject', 'notify', 'approve']);
export type DeadlineOutcome = z.infer<typeof DeadlineOutcome>;

export const StarterUnknown = z.enum(['two-approvers', 'any-approver']);

export const ApprovalPolicySchema = z.strictObject({
  name: z.string().check(z.minLength(1)),
  /** Which approval actions the policy governs; the first policy that matches wins. */
  match: z._default(z.strictObject({ pipelines: z.optional(globs), stages: z.optional(globs), actions: z.optional(globs) }), {}),
  approvers: people,
  /** Distinct approvals needed; one rejection by an approver is enough to reject. */
  required: z._default(z.union([z.literal(1), z.literal(2)], 'must be 1 or 2'), 1),
  /** Whether the person who started or committed the run may approve it (GitHub: "prevent self-review"). */
  allowSelfApproval: z._default(z.boolean(), false),
  /**
   * With `allowSelfApproval: false`, what a run whose starter cannot be known (a webhook, a source
   * change, a rule, an untrusted role session, nobody with that email in Slack) needs:
   * `two-approvers` (fail closed: two distinct approvers, so the starter can never decide alone)
   * or `any-approver` (one approval from anybody, the starter included).
   */
  whenStarterUnknown: z._default(StarterUnknown, 'two-approvers'),
  remindEvery: z._default(duration, '4h'),
  escalateAfter: z.optional(duration),
  escalateTo: z.optional(people),
  /** From the start of the action; capped by the action's own CodePipeline timeout. */
  deadline: z._default(duration, '24h'),
  onDeadline: z._default(DeadlineOutcome, 'reject'),
  /** Where the approval card goes when the run has no card (no route posts it). */
  channel: z.optional(channelId),
});
export type ApprovalPolicy = z.infer<typeof ApprovalPolicySchema>;

export const ApprovalsSchema = z.strictObject({
  /** Moved to the top-level `productionStages`: a problem with its path, never silently ignored. */
  productionStages: z.optional(z.never(MOVED_APPROVALS_KEY)),
  policies: z.array(ApprovalPolicySchema).check(z.minLength(1, 'at least one policy')),
  /**
   * IAM role names (globs) whose session name your identity provider sets to the person's email
   * (SAML or OIDC federation with RoleSessionName from the IdP), so the email can be trusted as who
   * started a run. IAM Identity Center's roles (AWSReservedSSO_*) are always trusted; any other
   * role's session name is chosen by whoever assumes it.
   */
  trustedRoles: z._default(z.array(glob), []),
});
export type ApprovalsConfig = z.infer<typeof ApprovalsSchema>;
