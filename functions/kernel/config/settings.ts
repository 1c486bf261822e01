/**
 * What the handlers read off a parsed config, apart from its schema: the notify bundle imports these
 * without the config schemas (its config was validated at package time, see
 * functions/platform/embedded-config.ts), which keeps them out of its bundle.
 */
import { parseDuration } from '../duration';
import type { GlobCompiler } from '../glob';
import type { ApprovalPolicy, ApprovalsConfig } from './approvals';
import type { Config } from './schema';
import { UNCLAIMED_BUILD_GRACE } from './unclaimed-build-grace';

/** Whether a config routes on pipeline tags: only then are tags looked up. */
export const routesOnTags = (config: { readonly routes: readonly { readonly match: { readonly tags?: unknown } }[] }): boolean =>
  config.routes.some((route) => route.match.tags !== undefined);

/** `defaults.unclaimedBuildGrace` in milliseconds. */
export const unclaimedBuildGraceMs = (config: Config): number => parseDuration(config.defaults.unclaimedBuildGrace ?? UNCLAIMED_BUILD_GRACE.default) ?? 0;

/** The first approval policy whose globs match the action; undefined when none governs it. */
export function policyFor(
  approvals: ApprovalsConfig | undefined,
  ref: { readonly pipeline: string; readonly stage: string; readonly action: string },
  glob: GlobCompiler,
): ApprovalPolicy | undefined {
  const matches = (patterns: readonly string[] | undefined, name: string) => patterns === undefined || patterns.some((p) => glob(p)(name));
  return approvals?.policies.find(
    (p) => matches(p.match.pipelines, ref.pipeline) && matches(p.match.stages, ref.stage) && matches(p.match.actions, ref.action),
  );
}
