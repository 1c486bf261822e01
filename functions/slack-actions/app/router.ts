/**
 * Which feature handles a click: by the prefix of the clicked element's `action_id`. Features own
 * their prefixes (`approval:` for approval cards, `bypass:` for change-freeze break-glass) and know
 * nothing about HTTP, signatures or Slack's answer; the endpoint (handle-request.ts) turns their
 * outcome into what the person sees.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { SlackInteraction } from '../../kernel/slack/interaction';

export interface InteractionContext {
  /** Signed by Slack, never seen before, and parsed: `actionId` starts with the route's prefix. */
  readonly interaction: SlackInteraction;
  readonly now: Date;
  readonly logger: Logger;
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

/**
 * Dispatches on the longest matching prefix, so `approval:` and `approval:admin:` can coexist.
 * An action id no route claims is ignored.
 *
 * @example
 * const route = createRouter({ 'approval:': approvalRoute, 'bypass:': bypassRoute });
 * await route({ interaction, now, logger }); // approvalRoute's outcome for 'approval:approve'
 * @throws Error at creation for an empty prefix (it would claim every action).
 */
export function createRouter(routes: Readonly<Record<string, InteractionRoute>>): (context: InteractionContext) => Promise<InteractionOutcome> {
  const prefixes = Object.keys(routes).sort((a, b) => b.length - a.length);
  if (prefixes.includes('')) throw new Error('createRouter: an empty action id prefix would claim every action');
  return async (context) => {
    const prefix = prefixes.find((p) => context.interaction.actionId.startsWith(p));
    const route = prefix === undefined ? undefined : routes[prefix];
    if (!route) {
      context.logger.info('slack action ignored: no route for its action id', { actionId: context.interaction.actionId });
      return { kind: 'ignored' };
    }
    return route(context);
  };
}
