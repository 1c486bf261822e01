/**
 * Who started a run, as far as it can be trusted. CodePipeline's `triggerDetail` names the caller
 * of `StartPipelineExecution`; for an assumed role that is `…:assumed-role/<role>/<session name>`,
 * and the session name is chosen by whoever calls `AssumeRole`: anyone allowed to assume the role
 * can call themselves `bob@example.com`. So an email in a session name counts only where nobody
 * but an identity provider sets it: IAM Identity Center's roles (`AWSReservedSSO_…`, whose session
 * name is the user's Identity Center user name) and the roles the config names in
 * `approvals.trustedRoles`. Every other trigger leaves the starter unknown, with the reason.
 */
import type { GlobCompiler } from '../../kernel/glob';

/** IAM Identity Center creates these roles; only it can assume them, and it sets the session name. */
export const IDENTITY_CENTER_ROLE_PREFIX = 'AWSReservedSSO_';

const ASSUMED_ROLE = /^arn:aws[a-z-]*:sts::\d{12}:assumed-role\/([^/]+)\/(.+)$/;
const EMAIL = /^[^@\s/:]+@[^@\s/:]+\.[A-Za-z]{2,}$/;

export type Starter = { readonly email: string } | { readonly unknown: string };

/**
 * @example
 * starterOf('arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_Dev_1a2b/alice@example.com', [], glob)
 * // { email: 'alice@example.com' }
 * starterOf('arn:aws:sts::123456789012:assumed-role/Deployer/alice@example.com', [], glob)
 * // { unknown: 'the session name of role Deployer is chosen by whoever assumes it (not a trusted role)' }
 */
export function starterOf(trigger: { readonly detail?: string; readonly type?: string }, trustedRoles: readonly string[], glob: GlobCompiler): Starter {
  const detail = trigger.detail;
  if (!detail) return { unknown: `CodePipeline names no starter${trigger.type ? ` (trigger ${trigger.type})` : ''}` };
  const session = ASSUMED_ROLE.exec(detail);
  if (!session) return { unknown: `started by ${trigger.type ? `${trigger.type} ` : ''}${detail}, not by a person's session` };
  const [, role = '', name = ''] = session;
  if (!EMAIL.test(name)) return { unknown: `the session name "${name}" of role ${role} is not an email` };
  const trusted = role.startsWith(IDENTITY_CENTER_ROLE_PREFIX) || trustedRoles.some((pattern) => glob(pattern)(role));
  if (!trusted) return { unknown: `the session name of role ${role} is chosen by whoever assumes it (not a trusted role)` };
  return { email: name };
}
