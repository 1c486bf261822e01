/**
 * Bookkeeping of what was delivered for a run, kept on its card. Keys are only added and a channel's
 * ts only changes when this worker posted the card (anew, if someone deleted it), so it can be
 * re-applied to a card that someone else changed in the meantime.
 */
import type { RunCard, SlackPlacement } from '../../kernel/card/types';

/** How long a claim to post a run's first message holds before another worker may take it over. */
export const CLAIM_TTL_MS = 120_000;

export interface Delivered {
  readonly placements: Readonly<Record<string, SlackPlacement>>;
  readonly threads: readonly string[];
  readonly emails: readonly string[];
  /** Part of the plan waits for Slack's budget until then (ISO time); a redelivery is scheduled. */
  readonly deferred?: string;
}

/** Applies what was delivered to a card (the one we read, or a newer one after a conflict). */
export function recordDelivery(card: RunCard, delivered: Delivered): RunCard {
  const slack = { ...card.slack };
  for (const [channel, placement] of Object.entries(delivered.placements)) {
    // The ts just delivered wins: it is the card's current message (a deleted card is posted anew).
    slack[channel] = { ...slack[channel], ...placement, ts: placement.ts ?? slack[channel]?.ts };
    if (slack[channel]?.ts) delete (slack[channel] as { claimedAt?: string }).claimedAt;
  }
  const deferred = later(card.deferred, delivered.deferred);
  return {
    ...card,
    slack,
    threads: union(card.threads, delivered.threads),
    emails: union(card.emails, delivered.emails),
    ...(deferred ? { deferred } : {}),
  };
}

/** Whether a redelivery of the card is still to come at `now`: its updates wait for it. */
export function awaitingRedelivery(card: RunCard, now: Date): boolean {
  return card.deferred !== undefined && Date.parse(card.deferred) > now.getTime();
}

function later(a: string | undefined, b: string | undefined): string | undefined {
  if (a === undefined || b === undefined) return a ?? b;
  return Date.parse(a) >= Date.parse(b) ? a : b;
}

function union(a: readonly string[], b: readonly string[]): readonly string[] {
  const extra = b.filter((x) => !a.includes(x));
  return extra.length ? [...a, ...extra] : a;
}

export type ClaimResult = { readonly ok: true; readonly card: RunCard } | { readonly ok: false; readonly heldBy: string };

/**
 * Claims the right to post the first message in `channels`. Refused while another worker's claim
 * is fresh: posting now could put two cards in the channel.
 *
 * @example claimChannels(card, ['C0123ABCD'], new Date()) // { ok: true, card: { ...slack: { C0123ABCD: { claimedAt } } } }
 */
export function claimChannels(card: RunCard, channels: readonly string[], now: Date): ClaimResult {
  const slack = { ...card.slack };
  for (const channel of channels) {
    const claimedAt = slack[channel]?.claimedAt;
    if (claimedAt && now.getTime() - Date.parse(claimedAt) < CLAIM_TTL_MS) return { ok: false, heldBy: claimedAt };
    slack[channel] = { ...slack[channel], claimedAt: now.toISOString() };
  }
  return { ok: true, card: { ...card, slack } };
}

/** Drops our claims on channels we did not manage to post in, so the retry need not wait them out. */
export function releaseClaims(card: RunCard, channels: readonly string[]): RunCard {
  const slack = { ...card.slack };
  for (const channel of channels) {
    const placement = slack[channel];
    if (placement && !placement.ts) {
      const { claimedAt: _released, ...rest } = placement;
      slack[channel] = rest;
    }
  }
  return { ...card, slack };
}
