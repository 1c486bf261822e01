/** The approvals section: every problem with its path, and no config that would auto-approve production. */
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../functions/kernel/config/parse';

const config = (approvals: string) =>
  parseConfig(`version: 1
routes:
  - slack: { channels: [C0PAYMENTS1] }
approvals:
${approvals.replace(/^/gm, '  ')}
`);

describe('approvals config', () => {
  it('accepts a full policy and fills in the defaults', () => {
    const result = config(`policies:
  - name: prod
    match: { pipelines: ["payments-*"], stages: [Production] }
    approvers: [U0LEAD0001, S0LEADS001]
    required: 2
    escalateAfter: 8h
    escalateTo: [S0ONCALL01]`);
    expect(result.ok && result.config.approvals?.policies[0]).toEqual({
      name: 'prod',
      match: { pipelines: ['payments-*'], stages: ['Production'] },
      approvers: ['U0LEAD0001', 'S0LEADS001'],
      required: 2,
      allowSelfApproval: false,
      whenStarterUnknown: 'two-approvers',
      remindEvery: '4h',
      escalateAfter: '8h',
      escalateTo: ['S0ONCALL01'],
      deadline: '24h',
      onDeadline: 'reject',
    });
  });

  it('lists every problem with its path', () => {
    const result = config(`policies:
  - name: a
    approvers: ["#leads", U0LEAD0001]
    required: 3
    remindEvery: soon
    onDeadline: maybe
  - name: b
    approvers: [U0LEAD0001]
    escalateAfter: 2h`);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.problems).toEqual([
      'approvals.policies[0].approvers[0]: must be a Slack user ID (U…/W…) or user group ID (S…)',
      'approvals.policies[0].required: must be 1 or 2',
      'approvals.policies[0].remindEvery: must be a duration such as 30m, 4h, 2d or 1d12h',
      expect.stringMatching(/^approvals\.policies\[0\]\.onDeadline: /),
    ]);
  });

  it.each([
    [
      'escalateAfter without escalateTo',
      'escalateAfter: 2h',
      'approvals.policies[0]: escalateAfter and escalateTo go together (after how long, and whom to call in)',
    ],
    [
      'escalation after the deadline',
      'escalateAfter: 2d\n    escalateTo: [S0ONCALL01]',
      'approvals.policies[0].escalateAfter: 2d is not before the deadline (24h): nobody would be called in',
    ],
    ['reminders every minute', 'remindEvery: 1m', 'approvals.policies[0].remindEvery: at least 15m (reminders more often than that are noise)'],
  ])('refuses %s', (_name, extra, problem) => {
    const result = config(`policies:\n  - name: a\n    approvers: [U0LEAD0001]\n    whenStarterUnknown: any-approver\n    ${extra}`);
    expect(!result.ok && result.problems).toEqual([problem]);
  });

  it.each([
    ['every stage', '', /approve is refused: it matches every stage, production stages included/],
    ['a stage glob', 'match: { stages: ["Stag*"] }', /stage pattern "Stag\*" could match a production stage/],
    ['a production stage by name', 'match: { stages: [Production] }', /stage "Production" is a production stage \(productionStages\)/],
    ['a stage the config calls production', 'match: { stages: [Live] }', /stage "Live" is a production stage/],
  ])('refuses a deadline that would auto-approve: %s', (_name, match, problem) => {
    const result = config(`policies:\n  - name: a\n    approvers: [U0LEAD0001]\n    whenStarterUnknown: any-approver\n    onDeadline: approve\n    ${match}`);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.problems[0]).toMatch(problem);
  });

  it('allows auto-approval only for stages named exactly, none of them production', () => {
    expect(
      config(
        `policies:\n  - name: a\n    approvers: [U0LEAD0001]\n    whenStarterUnknown: any-approver\n    onDeadline: approve\n    match: { stages: [Staging, QA] }`,
      ).ok,
    ).toBe(true);
  });
});
