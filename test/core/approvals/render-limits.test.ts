/**
 * Approval messages Slack accepts however many people a policy names (issue 14, item 5): whole
 * mentions within the section and field limits, the rest counted.
 */
import { describe, expect, it } from 'vitest';
import { renderApprovalCard, renderTimerMessage } from '../../../functions/approvals/domain/render';
import { buildRequest } from '../../../functions/approvals/domain/request';
import { type Approval, initialState } from '../../../functions/approvals/domain/types';
import { ApprovalPolicySchema } from '../../../functions/kernel/config/approvals';
import { validateMessage } from '../../../tools/block-kit/validate';

const people = (n: number, prefix: string) => Array.from({ length: n }, (_, i) => `${prefix}${String(i).padStart(8, '0')}`);

function approval(approvers: readonly string[], escalateTo: readonly string[]): Approval {
  return {
    request: buildRequest({
      ref: { pipeline: 'payments-api', executionId: 'e-1', stage: 'Production', action: 'Approve', account: '123456789012', region: 'eu-west-1' },
      startedAt: '2026-11-23T10:00:00Z',
      policy: ApprovalPolicySchema.parse({ name: 'crowd', approvers, deadline: '8h', ...(escalateTo.length ? { escalateTo, escalateAfter: '1h' } : {}) }),
      initiator: {},
      channels: ['C0PAY00001'],
      topics: [],
      parallel: false,
    }),
    state: initialState(),
  };
}

describe('approval messages for a policy of 200 approvers and 100 escalation contacts', () => {
  const a = approval(people(200, 'U'), people(100, 'S'));

  it('the card: Slack accepts it; whole mentions, the rest counted', () => {
    const card = renderApprovalCard(a);
    expect(validateMessage(card)).toEqual({ ok: true });
    const text = JSON.stringify(card.blocks);
    expect(text).toMatch(/and \d+ more/);
    expect(text).not.toMatch(/<@U\d*(?!\d|>)/);
  });

  it.each([{ kind: 'remind', number: 1 } as const, { kind: 'escalate' } as const, { kind: 'deadline' } as const])(
    'the %o reply: Slack accepts it',
    (message) => {
      expect(validateMessage(renderTimerMessage(a, message, new Date('2026-11-23T12:00:00Z')))).toEqual({ ok: true });
    },
  );

  it('a few approvers are all named, with nothing counted', () => {
    const card = JSON.stringify(renderApprovalCard(approval(people(3, 'U'), [])).blocks);
    for (const id of people(3, 'U')) expect(card).toContain(`<@${id}>`);
    expect(card).not.toMatch(/ more/);
  });
});
