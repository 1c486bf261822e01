/**
 * Config that cannot work is refused, each problem with its path and reason: two approvals from
 * one person, durations past what CodePipeline, Date or the stored records allow, and freeze dates
 * in another century. Bounds: functions/kernel/config/duration-limits.ts.
 */
import { describe, expect, it } from 'vitest';
import { DURATION_LIMITS } from '../../../functions/kernel/config/duration-limits';
import { parseConfig } from '../../../functions/kernel/config/parse';

const ROUTES = 'version: 1\nroutes:\n  - slack: { channels: [C0PLATFORM1] }\n';
const indent = (text: string) => text.replace(/^/gm, '  ');
const problemsOf = (section: string, body: string) => {
  const parsed = parseConfig(`${ROUTES}${section}:\n${indent(body)}\n`);
  return parsed.ok ? [] : parsed.problems;
};
const policy = (extra: string) => problemsOf('approvals', `policies:\n  - name: a\n    ${extra.replace(/\n/g, '\n    ')}`);
const guard = (section: string, own = '') =>
  problemsOf('rollback', `${section}guards:\n  - name: web\n    alarms: [web-5xx]\n    pipeline: { name: web, stage: Deploy }${own ? `\n    ${own}` : ''}`);
const freeze = (window: string) => problemsOf('governance', `freezes:\n  - name: f\n    ${window.replace(/\n/g, '\n    ')}`);

const NO_APPROVAL_WAITS = "no manual approval waits longer: CodePipeline's longest approval timeout is 60d";

describe('approvals that cannot collect their votes', () => {
  it.each([
    ['one user', 'approvers: [U0LEAD0001]', 1],
    ['one user listed twice', 'approvers: [U0LEAD0001, U0LEAD0001]', 1],
    ['one Enterprise Grid user', 'approvers: [W0LEAD0001]', 1],
  ])('refuses required: 2 with %s', (_name, approvers, people) => {
    expect(policy(`${approvers}\nrequired: 2`)).toEqual([
      `approvals.policies[0].required: 2 but only ${people} approver can vote: add approvers or a user group`,
    ]);
  });

  it.each([
    ['two users', 'approvers: [U0LEAD0001, W0LEAD0002]'],
    ['one user group (it can hold many people)', 'approvers: [S0LEADS001]'],
    ['a user and a user group', 'approvers: [U0LEAD0001, S0LEADS001]'],
  ])('accepts required: 2 with %s', (_name, approvers) => {
    expect(policy(`${approvers}\nrequired: 2`)).toEqual([]);
  });

  const FAIL_CLOSED =
    'approvals.policies[0].whenStarterUnknown: two-approvers (the default) needs 2 distinct approvers when who started the run cannot be known, but only 1 approver can vote: add an approver or a user group, or set whenStarterUnknown: any-approver';
  it.each([
    ['one user, self-approval forbidden (the default)', 'approvers: [U0LEAD0001]', [FAIL_CLOSED]],
    ['one user listed twice', 'approvers: [U0LEAD0001, U0LEAD0001]', [FAIL_CLOSED]],
    ['one user, and the policy says one approver may decide an unknown starter', 'approvers: [U0LEAD0001]\nwhenStarterUnknown: any-approver', []],
    ['one user, self-approval allowed', 'approvers: [U0LEAD0001]\nallowSelfApproval: true', []],
    ['two users', 'approvers: [U0LEAD0001, U0OTHER001]', []],
    ['a user group', 'approvers: [S0LEADS001]', []],
  ])('four eyes when the starter is unknown (issue 10): %s', (_name, body, problems) => {
    expect(policy(body)).toEqual(problems);
  });

  it('escalateTo people do not count: they are called in, they do not vote', () => {
    expect(policy('approvers: [U0LEAD0001]\nrequired: 2\nescalateAfter: 8h\nescalateTo: [S0ONCALL01]')).toEqual([
      'approvals.policies[0].required: 2 but only 1 approver can vote: add approvers or a user group',
    ]);
  });
});

describe('approval durations within what CodePipeline allows', () => {
  it.each([
    ['a deadline past 60 days', 'deadline: 61d', `approvals.policies[0].deadline: at most 60d (${NO_APPROVAL_WAITS})`],
    [
      'a deadline that overflows a Date (every approval failed with no card)',
      'deadline: 99999999999999d',
      `approvals.policies[0].deadline: at most 60d (${NO_APPROVAL_WAITS})`,
    ],
    ['a deadline of a 400-digit number of days', `deadline: ${'9'.repeat(400)}d`, `approvals.policies[0].deadline: at most 60d (${NO_APPROVAL_WAITS})`],
    [
      'reminders rarer than any approval lives',
      'remindEvery: 61d\ndeadline: 1d',
      `approvals.policies[0].remindEvery: at most 60d (${NO_APPROVAL_WAITS}, so no reminder would go out)`,
    ],
    [
      'an escalation at the start',
      'escalateAfter: 0m\nescalateTo: [S0ONCALL01]',
      'approvals.policies[0].escalateAfter: at least 1m (calling them in at the start is not an escalation: list them as approvers instead)',
    ],
  ])('refuses %s', (_name, extra, problem) => {
    expect(policy(`approvers: [S0LEADS001]\n${extra}`)).toEqual([problem]);
  });

  it('accepts the longest deadline CodePipeline allows, and reminders as rare as it', () => {
    expect(policy('approvers: [S0LEADS001]\ndeadline: 60d\nremindEvery: 60d\nescalateAfter: 59d\nescalateTo: [S0ONCALL01]')).toEqual([]);
  });

  it('refuses an escalation past 60 days however the deadline is set', () => {
    expect(policy('approvers: [S0LEADS001]\ndeadline: 90d\nescalateAfter: 70d\nescalateTo: [S0ONCALL01]')).toEqual([
      `approvals.policies[0].escalateAfter: at most 60d (${NO_APPROVAL_WAITS}, so nobody would be called in)`,
      `approvals.policies[0].deadline: at most 60d (${NO_APPROVAL_WAITS})`,
    ]);
  });
});

describe('rollback durations', () => {
  const BAKE_TOO_LONG =
    'at most 7d (an alarm days after a deployment is no evidence against it, and rolling back a week of changes is a decision for a person)';
  const COOLDOWN_TOO_LONG = 'at most 30d (a rollback is remembered for 30 days, so a longer cooldown could not be kept)';
  it.each([
    ["the section's bake window past 7 days", 'bakeWindow: 8d\n', '', `rollback.bakeWindow: ${BAKE_TOO_LONG}`],
    ["a guard's bake window that overflows a Date", '', 'bakeWindow: 99999999999999d', `rollback.guards[0].bakeWindow: ${BAKE_TOO_LONG}`],
    [
      "the section's bake window under a minute",
      'bakeWindow: 0m\n',
      '',
      'rollback.bakeWindow: at least 1m (alarms need a datapoint or two after a deployment)',
    ],
    ["the section's cooldown past 30 days", 'cooldown: 31d\n', '', `rollback.cooldown: ${COOLDOWN_TOO_LONG}`],
    ["a guard's cooldown of 2.4e9 hours", '', 'cooldown: 2400000000h', `rollback.guards[0].cooldown: ${COOLDOWN_TOO_LONG}`],
  ])('refuses %s', (_name, section, own, problem) => {
    expect(guard(section, own)).toEqual([problem]);
  });

  it('accepts the bounds themselves, and no cooldown at all', () => {
    expect(guard('bakeWindow: 7d\ncooldown: 30d\n', 'cooldown: 0m')).toEqual([]);
  });
});

describe('freeze windows', () => {
  const TOO_LONG = 'at most 366d (a freeze longer than a year is a typo; use a Change Calendar for standing closures)';
  it.each([
    ['a recurring freeze that never starts (Date overflow)', 'cron: "0 18 * * 5"\nduration: 2400000000h', `governance.freezes[0].duration: ${TOO_LONG}`],
    ['a recurring freeze longer than a year', 'cron: "0 18 * * 5"\nduration: 367d', `governance.freezes[0].duration: ${TOO_LONG}`],
    [
      'a one-off window longer than a year',
      'from: "2026-01-01T00:00"\nto: "2027-06-01T00:00"',
      `governance.freezes[0].to: the window from 2026-01-01T00:00 lasts 516d: ${TOO_LONG}`,
    ],
    [
      'a one-off window shorter than a tick',
      'from: "2026-12-20T18:00"\nto: "2026-12-20T18:03"',
      'governance.freezes[0].to: the window from 2026-12-20T18:00 lasts 3m: at least 5m (the freeze tick runs every 5 minutes: a shorter window could fall between two ticks)',
    ],
    [
      'a window of no length, written two ways',
      'from: "2026-12-20T18:00"\nto: "2026-12-20T18:00:00"',
      'governance.freezes[0].to: 2026-12-20T18:00:00 is not after from (2026-12-20T18:00)',
    ],
    ['a year before 2000', 'from: "1999-12-20T18:00"\nto: "2026-01-02T08:00"', 'governance.freezes[0].from: year 1999 is outside 2000-2100'],
    ['a year after 2100', 'from: "2026-12-20T18:00"\nto: "9999-01-02T08:00"', 'governance.freezes[0].to: year 9999 is outside 2000-2100'],
  ])('refuses %s', (_name, window, problem) => {
    expect(freeze(window)).toEqual([problem]);
  });

  it('accepts a one-off window of exactly a year, in the years allowed', () => {
    expect(freeze('from: "2099-01-01T00:00"\nto: "2100-01-02T00:00"')).toEqual([]);
  });
});

describe('the bounds', () => {
  it('every duration field has a finite upper bound above its lower one', () => {
    for (const limit of Object.values(DURATION_LIMITS)) {
      expect(Number.isFinite(limit.max)).toBe(true);
      expect(limit.max).toBeGreaterThan(limit.min);
    }
  });
});
