/**
 * What a feature's Slack route is: the endpoint (functions/slack-actions) dispatches a signed,
 * parsed click to the route that owns its action id prefix, and shows the person the outcome.
 */
import type { FlowLogger } from '../logger';
import type { SlackInteraction } from './interaction';

export interface InteractionContext {
  /** Signed by Slack, never seen before, and parsed: `actionId` starts with the route's prefix. */
  readonly interaction: SlackInteraction;
  readonly now: Date;
  readonly logger: FlowLogger;
}

export type InteractionOutcome =
  /** Done; `text`, if any, is shown to the person who clicked only (e.g. "1 of 2 approvals"). */
  | { readonly kind: 'done'; readonly text?: string }
  /** Nothing changed; `ephemeral` tells the person why (only they see it). */
  | { readonly kind: 'refused'; readonly ephemeral: string }
  /** Not for this route (an element it does not act on); nothing is shown. */
  | { readonly kind: 'ignored' };

/**
 * A feature's handler. It throws for failures (they are logged, and the person is told to try
 * again); a refusal is an outcome, not an error. It must finish well within Slack's 3 seconds.
 */
export type InteractionRoute = (context: InteractionContext) => Promise<InteractionOutcome>;
