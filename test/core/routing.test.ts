import { describe, expect, it } from 'vitest';
import type { Subject } from '../../functions/kernel/events/observation';
import { picomatchGlobs } from '../../functions/kernel/glob-picomatch';
import { destinationsFor, routeMatches, routerFor } from '../../functions/kernel/routing';
import { config } from '../support/scenarios';

const where = { account: '123456789012', region: 'eu-west-1' };

describe('routeMatches', () => {
  const route = (match: object) => config(`version: 1\nroutes:\n  - match: ${JSON.stringify(match)}\n    slack: { channels: [C0TEAM0001] }`).routes[0]!;
  it.each([
    ['glob on the pipeline', { pipelines: ['payments-*'] }, 'pipeline', { pipeline: 'payments-api' }, true],
    ['glob that does not fit', { pipelines: ['payments-*'] }, 'pipeline', { pipeline: 'web' }, false],
    ['alternatives within a key', { pipelines: ['web', 'payments-{api,worker}'] }, 'pipeline', { pipeline: 'payments-worker' }, true],
    ['keys are ANDed', { pipelines: ['payments-*'], regions: ['us-*'] }, 'pipeline', { pipeline: 'payments-api' }, false],
    ['a key the run has no value for', { projects: ['app-*'] }, 'pipeline', { pipeline: 'app-pipeline' }, false],
    ['an empty match takes everything but alarms', {}, 'build', { project: 'x' }, true],
    ['alarms only by a route that names them', {}, 'alarm', { alarm: 'HighErrors' }, false],
    ['an alarm named by glob', { alarms: ['High*'] }, 'alarm', { alarm: 'HighErrors' }, true],
    ['account filter', { accounts: ['210987654321'] }, 'pipeline', { pipeline: 'p' }, false],
  ] as const)('%s', (_name, match, kind, subject, expected) => {
    expect(routeMatches(route(match), kind, { ...where, ...subject } as Subject, picomatchGlobs())).toBe(expected);
  });
});

describe('destinationsFor', () => {
  const cfg = config(`
version: 1
defaults: { slackLevel: failures, emailLevel: failures }
routes:
  - match: { pipelines: ["payments-*"] }
    slack: { channels: [C0TEAM0001], mentions: [S0ONCALL01], level: all }
    email: { topics: [default], level: all }
  - slack: { channels: [C0TEAM0001, C0AUDIT001], mentions: [U0LEAD0001] }
    email: { topics: [default] }
`);
  it('merges channels named twice: the more detailed level, both mention lists', () => {
    const d = destinationsFor(cfg, 'pipeline', { ...where, pipeline: 'payments-api' }, picomatchGlobs());
    expect(d.slack).toEqual([
      { channel: 'C0TEAM0001', level: 'all', mentions: ['S0ONCALL01', 'U0LEAD0001'] },
      { channel: 'C0AUDIT001', level: 'failures', mentions: ['U0LEAD0001'] },
    ]);
    expect(d.email).toEqual([{ topic: 'default', level: 'all' }]);
  });
  it('uses the defaults where a route sets no level', () => {
    const d = destinationsFor(cfg, 'pipeline', { ...where, pipeline: 'web' }, picomatchGlobs());
    expect(d.slack.map((s) => s.level)).toEqual(['failures', 'failures']);
  });
});

describe('routerFor (routing remembered per subject)', () => {
  const org = config(`
version: 1
routes:
  - match: { pipelines: ["team-01-*"] }
    slack: { channels: [C0TEAM0001], level: all }
  - match: { accounts: ['111122223333'] }
    slack: { channels: [C0PAYMENTS1], level: status-changes }
`);
  const subject = (account: string, pipeline: string) => ({ account, region: 'eu-west-1', pipeline });

  it('routes every subject as destinationsFor does, by account and pipeline', () => {
    const glob = picomatchGlobs();
    const route = routerFor(org, glob);
    for (const s of [subject('111122223333', 'team-01-api'), subject('222233334444', 'team-01-api'), subject('111122223333', 'team-02-web')]) {
      expect(route('pipeline', s)).toEqual(destinationsFor(org, 'pipeline', s, glob));
    }
    expect(route('pipeline', subject('222233334444', 'team-02-web')).slack).toEqual([]);
  });

  it('routes a subject once: its runs share the answer, another account gets its own', () => {
    const glob = picomatchGlobs();
    const route = routerFor(org, glob);
    expect(route('pipeline', subject('111122223333', 'team-01-api'))).toBe(route('pipeline', subject('111122223333', 'team-01-api')));
    expect(route('pipeline', subject('111122223333', 'team-01-api'))).not.toBe(route('pipeline', subject('222233334444', 'team-01-api')));
    expect(routerFor(org, glob)).toBe(route);
  });

  it('matches on pipeline tags: every key, one of its values; a run without the tag does not match', () => {
    const tagged = config(`
version: 1
routes:
  - match: { tags: { team: payments, env: [prod, staging] } }
    slack: { channels: [C0PAYMENTS1], level: all }
`);
    const route = routerFor(tagged, picomatchGlobs());
    const at = (tags?: Record<string, string>) =>
      route('pipeline', { account: '111122223333', region: 'eu-west-1', pipeline: 'api', ...(tags ? { tags } : {}) }).slack.length;
    expect(at({ team: 'payments', env: 'prod' })).toBe(1);
    expect(at({ team: 'payments', env: 'staging', extra: 'x' })).toBe(1);
    expect(at({ team: 'payments', env: 'dev' })).toBe(0);
    expect(at({ team: 'web', env: 'prod' })).toBe(0);
    expect(at({ team: 'payments' })).toBe(0);
    expect(at()).toBe(0);
  });
});
