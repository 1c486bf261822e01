/** The delivery metrics' `Team`: every route a pipeline takes, so a route's digest chart counts what its text counts. */
import { describe, expect, it } from 'vitest';
import { emptyCard } from '../../functions/kernel/card/merge';
import { picomatchGlobs } from '../../functions/kernel/glob-picomatch';
import { teamsOf } from '../../functions/notify/app/insights';
import { config } from '../support/scenarios';

const CONFIG = config(`
version: 1
routes:
  - name: payments
    match: { pipelines: ["payments-*"] }
    slack: { channels: [C0PAYMENTS1] }
  - match: { pipelines: ["*"] }
    slack: { channels: [C0PLATFORM1] }
  - name: alarms
    match: { alarms: ["*"] }
    slack: { channels: [C0ALARMS01] }
`);
const card = (pipeline: string) =>
  emptyCard({ kind: 'pipeline', key: `pipeline/123456789012/eu-west-1/${pipeline}/e1` }, { account: '123456789012', region: 'eu-west-1', pipeline });

describe('teamsOf', () => {
  it.each([
    ['payments-checkout', ['payments', 'routes[1]']],
    ['web-frontend', ['routes[1]']],
  ])('%s → %j (a route without a name is its place, as the digest names it)', (pipeline, teams) => {
    expect(teamsOf(CONFIG, card(pipeline), picomatchGlobs())).toEqual(teams);
  });

  it('a pipeline no route takes is `unrouted`', () => {
    const only = config(`
version: 1
routes:
  - name: payments
    match: { pipelines: ["payments-*"] }
    slack: { channels: [C0PAYMENTS1] }
`);
    expect(teamsOf(only, card('web-frontend'), picomatchGlobs())).toEqual(['unrouted']);
  });
});
