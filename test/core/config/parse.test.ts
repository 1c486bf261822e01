import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../functions/kernel/config/parse';

describe('parseConfig', () => {
  it('accepts the shipped config and fills in defaults', () => {
    const result = parseConfig(readFileSync(path.resolve(__dirname, '../../../config/warden.yml'), 'utf8'));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.config.defaults).toEqual({ slackLevel: 'status-changes', emailLevel: 'failures', logLines: 30 });
    expect(result.config.routes.map((r) => r.name)).toEqual(['payments', 'platform', 'packages']);
  });

  it('reports every problem of an invalid config, each with its path', () => {
    const result = parseConfig(`
version: 2
defaults: { slackLevel: loud, logLines: 500 }
routes:
  - name: payments
    match: { pipelinez: ["payments-*"], accounts: ["12345"] }
    slack: { channels: ["#deploys"], mentions: ["@alice"] }
  - name: empty
  - slack: { channels: [] }
    email: { topics: ["arn:aws:sqs:eu-west-1:123456789012:not-a-topic"], level: sometimes }
extra: true
`);
    expect(result).toEqual({
      ok: false,
      problems: [
        'version: must be 1',
        'defaults.slackLevel: Invalid option: expected one of "all"|"status-changes"|"failures"',
        'defaults.logLines: Too big: expected number to be <=100',
        'routes[0].match.accounts[0]: must be a 12-digit account id',
        'routes[0].match.pipelinez: unknown key',
        'routes[0].slack.channels[0]: must be a Slack channel ID such as C0123ABCD (not a #name: chat.update needs the ID)',
        'routes[0].slack.mentions[0]: must be a user ID (U…/W…), a user group ID (S…), "here" or "channel"',
        'routes[1]: has no destination: add slack.channels or email.topics',
        'routes[2].slack.channels: at least one channel',
        'routes[2].email.topics[0]: must be an SNS topic ARN or "default"',
        'routes[2].email.level: Invalid option: expected one of "all"|"status-changes"|"failures"',
        'extra: unknown key',
      ],
    });
  });

  it('reports a missing required key as required, and YAML syntax errors with their position', () => {
    expect(parseConfig('version: 1\n')).toEqual({ ok: false, problems: ['routes: required'] });
    const broken = parseConfig('version: 1\nroutes: [\n');
    expect(broken.ok).toBe(false);
    if (!broken.ok) expect(broken.problems[0]).toMatch(/^yaml: .*line 3/);
  });

  it('tells a value of the wrong type from a missing one', () => {
    expect(parseConfig('version: 1\ndefaults: { logLines: "x" }\nroutes:\n  - slack: { channels: [C0PAYMENTS1], mentions: 5 }\n')).toEqual({
      ok: false,
      problems: [
        'defaults.logLines: Invalid input: expected number, received string',
        'routes[0].slack.mentions: Invalid input: expected array, received number',
      ],
    });
  });
});
