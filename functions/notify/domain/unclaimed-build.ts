/**
 * A build a pipeline started waits, parked, for the pipeline action that names it (it belongs on
 * the pipeline's card). If it fails and no action claims it within `defaults.unclaimedBuildGrace`,
 * it is announced on a card of its own, so no failure goes unannounced; if the action comes later,
 * that card says which pipeline run it belongs to.
 */
import { outcomeOf } from '../../kernel/card/outcome';
import type { RunCard } from '../../kernel/card/types';

/** The pipeline that started a build card's build (`initiator: codepipeline/<name>`), if any. */
export function startingPipeline(card: RunCard): string | undefined {
  if (card.run.kind !== 'build') return undefined;
  for (const record of Object.values(card.facts)) {
    const f = record.fact;
    if (f.type === 'build' && f.initiator?.startsWith('codepipeline/')) return f.initiator.slice('codepipeline/'.length) || undefined;
  }
  return undefined;
}

/** When the card's build failed (the failed build state's event time), or undefined while it has not. */
export function buildFailedAt(card: RunCard): string | undefined {
  const build = Object.values(card.facts).find((r) => r.fact.type === 'build');
  return build && outcomeOf(build.fact) === 'failed' ? build.time : undefined;
}

/** `build/<account>/<region>/<project:uuid>` → `project:uuid`: the id a pipeline action's `build` link is written under. */
export function buildLinkId(card: RunCard): string {
  return card.run.key.split('/').slice(3).join('/');
}

/** Whether the card's own message is in some channel. */
export function isPosted(card: RunCard): boolean {
  return Object.values(card.slack).some((p) => p.ts !== undefined);
}

/**
 * When a parked build card that just changed is to be announced on its own unless claimed first:
 * its failure time plus the grace. Undefined when there is nothing to schedule: not a failed build
 * a pipeline started, or already scheduled (`deferred` set; a duplicate must not schedule twice).
 *
 * @example unclaimedAnnouncementAt(failedParkedBuild, 600_000) // new Date('2026-11-23T09:25:58Z')
 */
export function unclaimedAnnouncementAt(card: RunCard, graceMs: number): Date | undefined {
  if (card.deferred !== undefined || startingPipeline(card) === undefined) return undefined;
  const failed = buildFailedAt(card);
  return failed === undefined ? undefined : new Date(Date.parse(failed) + graceMs);
}
