/** nextApprovalStep: what the timer does at a given time, as a table (the clock is a parameter). */
import { describe, expect, it } from 'vitest';
import { buildRequest } from '../../../functions/approvals/domain/request';
import { MAX_REMINDERS, nextApprovalStep, remindersCoveredBy } from '../../../functions/approvals/domain/steps';
import { type Approval, type ApprovalState, initialState } from '../../../functions/approvals/domain/types';
import { ApprovalPolicySchema } from '../../../functions/kernel/config/approvals';

const ref = { pipeline: 'p', executionId: 'e', stage: 'Prod', action: 'A', account: '1', region: 'eu-west-1' };
const at = (h: number) => new Date(Date.parse('2026-11-23T10:00:00Z') + h * 3_600_000);

function approval(state: Partial<ApprovalState> = {}, policy: Record<string, unknown> = {}, timeoutMinutes?: number): Approval {
  const p = ApprovalPolicySchema.parse({
    name: 'x',
    approvers: ['U0LEAD0001'],
    remindEvery: '4h',
    deadline: '24h',
    escalateAfter: '6h',
    escalateTo: ['S0BACKUP01'],
    ...policy,
  });
  return {
    request: buildRequest({
      ref,
      startedAt: at(0).toISOString(),
      policy: p,
      initiator: {},
      channels: [],
      topics: [],
      parallel: false,
      ...(timeoutMinutes ? { actionTimeoutMinutes: timeoutMinutes } : {}),
    }),
    state: { ...initialState(), ...state },
  };
}

describe('nextApprovalStep', () => {
  it.each([
    ['just started: sleep until the first reminder', approval(), 0, { kind: 'wait', until: at(4).toISOString() }],
    ['first reminder due', approval(), 4, { kind: 'remind', number: 1 }],
    ['reminded once: sleep until the escalation', approval({ reminders: 1 }), 5, { kind: 'wait', until: at(6).toISOString() }],
    ['escalation due', approval({ reminders: 1 }), 6, { kind: 'escalate' }],
    ['escalated: next reminder', approval({ reminders: 1, escalated: true }), 7, { kind: 'wait', until: at(8).toISOString() }],
    ['deadline due (before anything else)', approval({ reminders: 2, escalated: false }), 24, { kind: 'deadline' }],
    [
      'deadline handled (notify): reminders go on',
      approval({ reminders: 6, escalated: true, deadlineHandled: true }),
      26,
      { kind: 'wait', until: at(28).toISOString() },
    ],
    ['decided', approval({ status: 'approved' }), 1, { kind: 'done', why: 'decided' }],
    ['the action expired in CodePipeline', approval({ deadlineHandled: true }), 7 * 24, { kind: 'done', why: 'action-expired' }],
    [
      'no reminders past the cap',
      approval({ reminders: MAX_REMINDERS, escalated: true, deadlineHandled: true }),
      30,
      { kind: 'wait', until: at(7 * 24).toISOString() },
    ],
  ] as const)('%s', (_name, a, hour, expected) => {
    expect(nextApprovalStep(a, at(hour))).toEqual(expected);
  });

  it("caps the deadline 5 minutes before the action's own CodePipeline timeout", () => {
    const a = approval({}, { deadline: '3d' }, 24 * 60);
    expect(a.request).toMatchObject({
      deadline: new Date(at(24).getTime() - 300_000).toISOString(),
      deadlineCapped: true,
      actionExpiresAt: at(24).toISOString(),
    });
  });

  it('folds reminders that are due into the escalation or deadline message', () => {
    expect(remindersCoveredBy(approval({ reminders: 1 }), at(12.5))).toBe(3);
    expect(remindersCoveredBy(approval({ reminders: 5 }), at(12.5))).toBe(5);
  });
});
