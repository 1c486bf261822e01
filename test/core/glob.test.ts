import { describe, expect, it } from 'vitest';
import { missingGlobs, precompiled } from '../../functions/kernel/glob';
import { compileGlobs, picomatchGlobs } from '../../functions/kernel/glob-picomatch';
import { productionStageTest, productionStageTestWith } from '../../functions/kernel/production';
import { config } from '../support/scenarios';

const CFG = config(`
version: 1
routes:
  - match: { pipelines: ["payments-*", "web-{api,worker}", "!legacy-*"], regions: ["eu-*"], alarms: ["High?Errors", "[0-9]*"], accounts: ["123456789012"] }
    slack: { channels: [C0TEAM0001] }
  - match: { repositories: ["*"], projects: [".github-*"] }
    slack: { channels: [C0TEAM0001] }
`);
const NAMES = [
  'payments-api',
  'payments-',
  'web-api',
  'web-ui',
  'legacy-billing',
  'billing',
  'eu-west-1',
  'us-east-1',
  'High5Errors',
  'HighErrors',
  '9lives',
  '',
  'a/b',
  '.github-sync',
  'PAYMENTS-API',
  'Production',
  'PreProd',
  'eu-LIVE-1',
  'Delivery',
];

describe('route globs compiled at package time', () => {
  it('match exactly the names picomatch matches, after the JSON round trip the bundle makes', () => {
    const shipped = precompiled(JSON.parse(JSON.stringify(compileGlobs(CFG))));
    const reference = picomatchGlobs();
    const globs = Object.keys(compileGlobs(CFG));
    // The production stage patterns (the default list) come along, matched case-insensitively.
    const stages = ['*prod*', 'live*', '*live', '*[-_.]live[-_.]*', '*{pre,non}{,-,_}prod*'].map((p) => `nocase:${p}`);
    expect(globs).toEqual(['payments-*', 'web-{api,worker}', '!legacy-*', 'High?Errors', '[0-9]*', 'eu-*', '.github-*', '*', ...stages]);
    for (const glob of globs) {
      for (const name of NAMES) expect(shipped(glob)(name), `${glob} ~ ${JSON.stringify(name)}`).toBe(reference(glob)(name));
    }
  });

  it('tell production stages apart as productionStageTest does, without picomatch', () => {
    const shipped = precompiled(JSON.parse(JSON.stringify(compileGlobs(CFG))));
    const withShipped = productionStageTestWith(CFG.productionStages, shipped);
    const reference = productionStageTest(CFG.productionStages);
    for (const stage of ['Production', 'prod', 'PROD-eu', 'PreProd', 'non-prod', 'Live', 'GoLive', 'eu-live-1', 'Delivery', 'Deploy', ''])
      expect(withShipped(stage), stage).toBe(reference(stage));
    expect(withShipped('Production')).toBe(true);
    expect(withShipped('PreProd')).toBe(false);
  });

  it('are all there, or the start-up says which one is missing', () => {
    const compiled = compileGlobs(CFG);
    expect(missingGlobs(CFG, compiled)).toEqual([]);
    const { ['eu-*']: _dropped, ...partial } = compiled;
    expect(missingGlobs(CFG, partial)).toEqual(['eu-*']);
    expect(() => precompiled(partial)('eu-*')).toThrow(/not compiled at package time/);
  });
});
