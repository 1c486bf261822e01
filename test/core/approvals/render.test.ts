/** The approval card's fallback text: escaped like the blocks (issue 10, finding 11) and short. */
import { describe, expect, it } from 'vitest';
import { renderApprovalCard } from '../../../functions/approvals/domain/render';
import { buildRequest } from '../../../functions/approvals/domain/request';
import { initialState } from '../../../functions/approvals/domain/types';
import { ApprovalPolicySchema } from '../../../functions/kernel/config/approvals';

const policy = ApprovalPolicySchema.parse({ name: 'prod', approvers: ['S0LEADS001'] });
const card = (pipeline: string, stage = 'Production') =>
  renderApprovalCard({
    request: buildRequest({
      ref: { pipeline, executionId: 'e-1', stage, action: 'Approve', account: '123456789012', region: 'eu-west-1' },
      startedAt: '2026-11-23T10:00:00Z',
      policy,
      initiator: {},
      channels: [],
      topics: [],
      parallel: false,
    }),
    state: initialState(),
  });

describe('approval card fallback text', () => {
  it('escapes names from the event: no <!channel> reaches a notification', () => {
    const { text } = card('<!channel>', 'Prod<@U0EVIL0001>');
    expect(text).toBe('Approval needed: &lt;!channel&gt; › Prod&lt;@U0EVIL0001&gt; › Approve');
    expect(text).not.toMatch(/<[!@]/);
  });

  it('stays short whatever the names', () => {
    expect(card('p'.repeat(5_000)).text.length).toBeLessThanOrEqual(300);
  });
});
