/**
 * Rollback episodes: the last rollback of each target. A target rolled back less than a cooldown
 * ago is not rolled back again, whichever alarm (or the same alarm flapping ALARM → OK → ALARM) asks.
 */
import type { Episode } from './types';

/**
 * The episode that holds the target back, or undefined when a rollback may go ahead. An episode
 * of this very execution never holds it back: a retried step must be able to carry on.
 */
export function inCooldown(
  episode: Episode | undefined,
  options: { readonly now: Date; readonly cooldownMs: number; readonly executionName: string },
): Episode | undefined {
  if (!episode || episode.execution === options.executionName) return undefined;
  return options.now.getTime() - Date.parse(episode.at) < options.cooldownMs ? episode : undefined;
}

/** The oldest episode start that no longer holds a target back (the claim's condition). */
export function cooldownCutoff(now: Date, cooldownMs: number): string {
  return new Date(now.getTime() - cooldownMs).toISOString();
}
