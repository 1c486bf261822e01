/**
 * Which feature handles a click: by the prefix of the clicked element's `action_id`. Features own
 * their prefixes (`approval:` for approval cards, `bypass:` for change-freeze break-glass) and know
 * nothing about HTTP, signatures or Slack's answer; the endpoint (handle-request.ts) turns their
 * outcome into what the person sees.
 */
import type { InteractionContext, InteractionOutcome, InteractionRoute } from '../../kernel/slack/route';

export type { InteractionContext, InteractionOutcome, InteractionRoute };

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
