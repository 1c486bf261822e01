/**
 * The config's recurring fields (functions/kernel/config/fields.ts) read the same in every section:
 * a channel, a duration, people and a glob list are accepted, or refused with one message, wherever
 * they are written.
 */
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../functions/kernel/config/parse';

const ROUTES = 'version: 1\nroutes:\n  - slack: { channels: [C0PLATFORM1] }\n';
const POLICY = '    - name: p\n      approvers: [U0LEAD0001]\n      whenStarterUnknown: any-approver';
const GUARD = '    - name: g\n      alarms: [a]\n      pipeline: { name: web, stage: Prod }';
const FREEZE = '    - name: f\n      cron: "0 18 * * 5"';

/** Each place a field is written: the config with `value` there, and the problem's path. */
const CHANNELS: Array<[string, (v: string) => string, string]> = [
  ['a route', (v) => `version: 1\nroutes:\n  - slack: { channels: ["${v}"] }\n`, 'routes[0].slack.channels[0]'],
  ['an approval policy', (v) => `${ROUTES}approvals:\n  policies:\n${POLICY}\n      channel: "${v}"\n`, 'approvals.policies[0].channel'],
  ['a rollback guard', (v) => `${ROUTES}rollback:\n  guards:\n${GUARD}\n      channel: "${v}"\n`, 'rollback.guards[0].channel'],
  ['the governance report', (v) => `${ROUTES}governance:\n  report:\n    slack: { channel: "${v}" }\n`, 'governance.report.slack.channel'],
];
const DURATIONS: Array<[string, (v: string) => string, string]> = [
  ['an approval reminder', (v) => `${ROUTES}approvals:\n  policies:\n${POLICY}\n      remindEvery: "${v}"\n`, 'approvals.policies[0].remindEvery'],
  ['a bake window', (v) => `${ROUTES}rollback:\n  bakeWindow: "${v}"\n  guards:\n${GUARD}\n`, 'rollback.bakeWindow'],
  ['a freeze window', (v) => `${ROUTES}governance:\n  freezes:\n${FREEZE}\n      duration: "${v}"\n`, 'governance.freezes[0].duration'],
];
const PEOPLE: Array<[string, (v: string) => string, string]> = [
  ['approvers', (v) => `${ROUTES}approvals:\n  policies:\n    - name: p\n      approvers: [${v}]\n`, 'approvals.policies[0].approvers'],
  [
    'break-glass approvers',
    (v) => `${ROUTES}governance:\n  freezes:\n${FREEZE}\n      duration: 62h\n      breakGlass: { approvers: [${v}] }\n`,
    'governance.freezes[0].breakGlass.approvers',
  ],
];
const GLOBS: Array<[string, (v: string) => string, string]> = [
  ['a route match', (v) => `version: 1\nroutes:\n  - match: { pipelines: ${v} }\n    slack: { channels: [C0PLATFORM1] }\n`, 'routes[0].match.pipelines'],
  ['an approval match', (v) => `${ROUTES}approvals:\n  policies:\n${POLICY}\n      match: { stages: ${v} }\n`, 'approvals.policies[0].match.stages'],
  ['a freeze', (v) => `${ROUTES}governance:\n  freezes:\n${FREEZE}\n      duration: 62h\n      pipelines: ${v}\n`, 'governance.freezes[0].pipelines'],
  [
    'a package trigger',
    (v) => `${ROUTES}codeartifact:\n  triggers:\n    - { domain: d, pipelines: [web], packages: ${v} }\n`,
    'codeartifact.triggers[0].packages',
  ],
];

const problemsOf = (text: string) => {
  const parsed = parseConfig(text);
  return parsed.ok ? [] : parsed.problems;
};

describe('one rule for each recurring field', () => {
  it.each(CHANNELS)('a channel in %s: C…, G… and D… IDs accepted, a #name refused with the one message', (_where, config, path) => {
    for (const id of ['C0123ABCD', 'G0123ABCD', 'D0123ABCD']) expect(problemsOf(config(id)), id).toEqual([]);
    expect(problemsOf(config('#deploys'))).toEqual([`${path}: must be a Slack channel ID such as C0123ABCD (not a #name: chat.update needs the ID)`]);
  });

  it.each(DURATIONS)('a duration in %s: refused with the one message', (_where, config, path) => {
    expect(problemsOf(config('2h'))).toEqual([]);
    expect(problemsOf(config('soon'))).toEqual([`${path}: must be a duration such as 30m, 4h, 2d or 1d12h`]);
  });

  it.each(PEOPLE)('%s: Slack users and groups, at least one', (_where, config, path) => {
    expect(problemsOf(config('U0LEAD0001, S0GROUP001'))).toEqual([]);
    expect(problemsOf(config('"@lead"'))).toEqual([`${path}[0]: must be a Slack user ID (U…/W…) or user group ID (S…)`]);
    expect(problemsOf(config(''))).toEqual([`${path}: at least one user or user group`]);
  });

  it.each(GLOBS)('globs in %s: an empty list or pattern refused with the one message', (_where, config, path) => {
    expect(problemsOf(config('["web-*"]'))).toEqual([]);
    expect(problemsOf(config('[]'))).toEqual([`${path}: list is empty; omit the key to match any`]);
    expect(problemsOf(config('["web-*", ""]'))).toEqual([`${path}[1]: empty pattern`]);
  });
});
