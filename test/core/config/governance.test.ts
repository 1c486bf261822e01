/**
 * The `governance:` and `codeartifact:` sections: defaults, every problem with its path (schema,
 * cross-checks, and the croner check of freeze cron expressions), and the shipped example.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { governanceCronProblems } from '../../../functions/kernel/config/governance-checks';
import { parseConfig } from '../../../functions/kernel/config/parse';

const ROUTES = 'version: 1\nroutes:\n  - slack: { channels: [C0PLATFORM1] }\n';
const indent = (text: string) => text.replace(/^/gm, '  ');
const parse = (governance: string, codeartifact?: string) =>
  parseConfig(`${ROUTES}governance:\n${indent(governance)}\n${codeartifact === undefined ? '' : `codeartifact:\n${indent(codeartifact)}\n`}`);
const problemsOf = (governance: string, codeartifact?: string) => {
  const parsed = parse(governance, codeartifact);
  return parsed.ok ? [] : parsed.problems;
};
const ONE_OFF = 'from: "2026-12-20T00:00"\n    to: "2027-01-04T08:00"';

describe('governance config', () => {
  it('applies the defaults: enforcement on, no freezes or calendars, email to the default topic, UTC windows', () => {
    const parsed = parse(`report:\n  email: {}\nfreezes:\n  - name: year-end\n    ${ONE_OFF}`);
    if (!parsed.ok) throw new Error(parsed.problems.join('\n'));
    expect(parsed.config.governance).toEqual({
      report: { email: { topics: ['default'] } },
      enforce: true,
      freezes: [{ name: 'year-end', timezone: 'UTC', from: '2026-12-20T00:00', to: '2027-01-04T08:00' }],
      changeCalendars: [],
    });
  });

  it.each([
    [
      'a channel that is not a channel id',
      'report:\n  slack: { channel: "#platform" }',
      'governance.report.slack.channel: must be a Slack channel ID such as C0123ABCD (not a #name: chat.update needs the ID)',
    ],
    [
      'a topic that is not an SNS ARN',
      'report:\n  email: { topics: [arn:aws:sqs:eu-west-1:123456789012:q] }',
      'governance.report.email.topics[0]: must be an SNS topic ARN or "default"',
    ],
    ['enforcement that is not a boolean', 'enforce: sometimes', 'governance.enforce: Invalid input: expected boolean, received string'],
    [
      'a time zone that does not exist',
      `freezes:\n  - name: f\n    timezone: Mars/Olympus\n    ${ONE_OFF}`,
      'governance.freezes[0].timezone: must be an IANA time zone such as Europe/Berlin or America/New_York',
    ],
    [
      'a local time with an offset',
      'freezes:\n  - name: f\n    from: "2026-12-20T00:00+01:00"\n    to: "2027-01-04T08:00"',
      'governance.freezes[0].from: must be a local date and time such as 2026-12-20T18:00 (no offset: `timezone` says where)',
    ],
    [
      '30 February',
      'freezes:\n  - name: f\n    from: "2026-02-30T00:00"\n    to: "2026-03-04T08:00"',
      'governance.freezes[0].from: is not a date and time that exists (month 01-12, a day the month has, hour 00-23, minute 00-59)',
    ],
    [
      "25 o'clock",
      'freezes:\n  - name: f\n    from: "2026-03-01T00:00"\n    to: "2026-03-04T25:00"',
      'governance.freezes[0].to: is not a date and time that exists (month 01-12, a day the month has, hour 00-23, minute 00-59)',
    ],
    [
      'a window that ends before it starts',
      'freezes:\n  - name: f\n    from: "2027-01-04T08:00"\n    to: "2026-12-20T00:00"',
      'governance.freezes[0].to: 2026-12-20T00:00 is not after from (2027-01-04T08:00)',
    ],
    [
      'cron without duration',
      'freezes:\n  - name: f\n    cron: "0 18 * * 5"',
      'governance.freezes[0]: cron and duration go together (when it starts, and for how long)',
    ],
    [
      'both kinds of window',
      `freezes:\n  - name: f\n    cron: "0 18 * * 5"\n    duration: 62h\n    ${ONE_OFF}`,
      'governance.freezes[0]: give either cron + duration (recurring) or from + to (one-off)',
    ],
    ['neither kind of window', 'freezes:\n  - name: f', 'governance.freezes[0]: give either cron + duration (recurring) or from + to (one-off)'],
    [
      'a cron with four fields',
      'freezes:\n  - name: f\n    cron: "0 18 * *"\n    duration: 62h',
      'governance.freezes[0].cron: must be a cron expression with 5 or 6 fields, e.g. "0 18 * * 5" (Fridays at 18:00)',
    ],
    [
      'a duration that is not one',
      'freezes:\n  - name: f\n    cron: "0 18 * * 5"\n    duration: a weekend',
      'governance.freezes[0].duration: must be a duration such as 30m, 4h, 2d or 1d12h',
    ],
    [
      'a window shorter than the tick',
      'freezes:\n  - name: f\n    cron: "0 18 * * 5"\n    duration: 2m',
      'governance.freezes[0].duration: at least 5m (the freeze tick runs every 5 minutes: a shorter window could fall between two ticks)',
    ],
    [
      'two freezes of one name',
      `freezes:\n  - name: f\n    ${ONE_OFF}\n  - name: f\n    ${ONE_OFF}`,
      'governance.freezes[1].name: "f" is already the name of another freeze',
    ],
    [
      'a name the console reason could not show',
      `freezes:\n  - name: "year/end"\n    ${ONE_OFF}`,
      'governance.freezes[0].name: letters, digits, spaces, dots, dashes and underscores, at most 60',
    ],
    [
      'an empty pipeline list',
      `freezes:\n  - name: f\n    ${ONE_OFF}\n    pipelines: []`,
      'governance.freezes[0].pipelines: list is empty; omit the key to match any',
    ],
    [
      'a break-glass approver that is not a Slack user or group',
      `freezes:\n  - name: f\n    ${ONE_OFF}\n    breakGlass: { approvers: ["@release-managers"] }`,
      'governance.freezes[0].breakGlass.approvers[0]: must be a Slack user ID (U…/W…) or user group ID (S…)',
    ],
    [
      'break-glass with nobody',
      `freezes:\n  - name: f\n    ${ONE_OFF}\n    breakGlass: { approvers: [] }`,
      'governance.freezes[0].breakGlass.approvers: at least one user or user group',
    ],
    ['an unknown key', `freezes:\n  - name: f\n    ${ONE_OFF}\n    timeZone: Europe/Berlin`, 'governance.freezes[0].timeZone: unknown key'],
    [
      'a change calendar name SSM would refuse',
      'changeCalendars: ["release calendar"]',
      'governance.changeCalendars[0]: must be a Change Calendar name (3-128 letters, digits, _ . -) or its ARN',
    ],
  ])('refuses %s, with its path', (_what, section, problem) => {
    expect(problemsOf(section)).toContain(problem);
  });

  it('lists every problem at once, each with its path', () => {
    const problems = problemsOf(
      'report:\n  slack: { channel: platform }\nfreezes:\n  - name: f\n    timezone: Nowhere/Land\n    from: "2026-13-01T00:00"\n    to: "2026-12-01T00:00"\nchangeCalendars: [x]',
    );
    expect(problems.map((p) => p.split(':')[0])).toEqual(
      expect.arrayContaining([
        'governance.report.slack.channel',
        'governance.freezes[0].timezone',
        'governance.freezes[0].from',
        'governance.changeCalendars[0]',
      ]),
    );
    expect(problems.length).toBeGreaterThanOrEqual(4);
  });

  it('accepts a calendar by name or by ARN (shared from another account)', () => {
    expect(problemsOf('changeCalendars: [release-calendar, "arn:aws:ssm:eu-west-1:111122223333:document/org-freeze"]')).toEqual([]);
  });
});

describe('freeze cron expressions (croner)', () => {
  // parseConfig (warden validate, serverless package) runs governanceCronProblems among its cross-checks.
  const cronProblems = (cron: string) =>
    problemsOf(`freezes:\n  - name: ok\n    ${ONE_OFF}\n  - name: f\n    timezone: Europe/Berlin\n    cron: "${cron}"\n    duration: 62h`);

  it.each([
    ['0 18 * * 5', []],
    ['0 18 * * FRI', []],
    ['0 0 18 * * 5', []], // six fields: seconds first
    ['0 18 * * 5L', []], // the last Friday of the month
    ['61 18 * * 5', ['governance.freezes[1].cron: CronPattern: Invalid value for minute: 61']],
    ['0 0 30 2 *', ['governance.freezes[1].cron: "0 0 30 2 *" never matches a date, so the freeze would never start']],
  ] as const)('%s → %j', (cron, expected) => {
    expect(cronProblems(cron)).toEqual(expected);
  });
});

describe('codeartifact config', () => {
  const TRIGGER = 'triggers:\n  - domain: acme\n    pipelines: [web-frontend]';

  it('a trigger needs a domain and at least one pipeline; the filters are optional', () => {
    const parsed = parse('enforce: true', TRIGGER);
    if (!parsed.ok) throw new Error(parsed.problems.join('\n'));
    expect(parsed.config.codeartifact).toEqual({ triggers: [{ domain: 'acme', pipelines: ['web-frontend'] }] });
  });

  it.each([
    ['no pipeline', 'triggers:\n  - domain: acme\n    pipelines: []', 'codeartifact.triggers[0].pipelines: at least one pipeline'],
    [
      'a pipeline glob (StartPipelineExecution needs a name)',
      'triggers:\n  - domain: acme\n    pipelines: ["web-*"]',
      'codeartifact.triggers[0].pipelines[0]: must be a pipeline name',
    ],
    [
      'an unknown package format',
      `${TRIGGER}\n    formats: [docker]`,
      'codeartifact.triggers[0].formats[0]: Invalid option: expected one of "npm"|"pypi"|"maven"|"nuget"|"generic"|"swift"|"ruby"|"cargo"',
    ],
    ['no domain', 'triggers:\n  - pipelines: [web]', 'codeartifact.triggers[0].domain: required'],
    ['an empty glob list', `${TRIGGER}\n    packages: []`, 'codeartifact.triggers[0].packages: list is empty; omit the key to match any'],
  ])('refuses %s, with its path', (_what, section, problem) => {
    expect(problemsOf('enforce: true', section)).toContain(problem);
  });
});

describe('the shipped config/warden.yml', () => {
  it('has a governance and a codeartifact example that validate, crons included', () => {
    const parsed = parseConfig(readFileSync('config/warden.yml', 'utf8'));
    if (!parsed.ok) throw new Error(parsed.problems.join('\n'));
    expect(parsed.config.governance?.freezes.map((f) => f.name)).toEqual(['year-end', 'payments-weekend']);
    expect(parsed.config.codeartifact?.triggers).toHaveLength(1);
    expect(governanceCronProblems(parsed.config)).toEqual([]);
  });
});
