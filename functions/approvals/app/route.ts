/** The approval card's buttons as a route of the Slack interactivity endpoint (`approval:` action ids). */

import { stateText } from '../../kernel/slack/interaction';
import type { InteractionRoute } from '../../kernel/slack/route';
import { APPROVAL_ACTIONS, COMMENT_BLOCK_ID } from '../domain/render';
import { handleApprovalClick } from './click';
import type { ApprovalDeps } from './deps';

/**
 * @example createRouter({ 'approval:': approvalRoute(() => deps) })
 */
export function approvalRoute(deps: () => Promise<ApprovalDeps>): InteractionRoute {
  return async ({ interaction }) => {
    const name = interaction.user.name ?? interaction.user.username;
    const comment = stateText(interaction, COMMENT_BLOCK_ID, APPROVAL_ACTIONS.comment);
    return handleApprovalClick(
      {
        actionId: interaction.actionId,
        value: interaction.value,
        user: { id: interaction.user.id, ...(name ? { name } : {}) },
        ...(comment ? { comment } : {}),
      },
      await deps(),
    );
  };
}
