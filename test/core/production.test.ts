/** One answer to "is this a production stage?": the default list, custom lists with exclusions, and the setting's validation. */
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../functions/kernel/config/parse';
import { DEFAULT_PRODUCTION_STAGES } from '../../functions/kernel/config/production-stages';
import { isProductionStage, productionStageTest } from '../../functions/kernel/production';

const config = (extra: string) => parseConfig(`version: 1\nroutes:\n  - slack: { channels: [C0PAYMENTS1] }\n${extra}`);

describe('isProductionStage with the default list', () => {
  it.each<[string, boolean]>([
    ['prod', true],
    ['Prod', true],
    ['PROD', true],
    ['production', true],
    ['Production', true],
    ['prod-eu-west-1', true],
    ['Prod-eu-west-1', true],
    ['deploy-prod', true],
    ['EU_Prod', true],
    ['eu-production', true],
    ['DeployProd', true],
    ['live', true],
    ['Live', true],
    ['LIVE', true],
    ['GoLive', true],
    ['Live-EU', true],
    ['eu-live-1', true],
    ['PreProd', false],
    ['pre-prod', false],
    ['Pre_Production', false],
    ['NonProd', false],
    ['non-prod', false],
    ['Delivery', false],
    ['Deliver', false],
    ['Staging', false],
    ['Beta', false],
    ['Deploy', false],
    ['Source', false],
    ['', false],
  ])('%s → %s', (stage, expected) => {
    expect(isProductionStage(stage)).toBe(expected);
    expect(isProductionStage(stage, DEFAULT_PRODUCTION_STAGES)).toBe(expected);
  });
});

describe('isProductionStage with a list of its own', () => {
  it.each<[string, readonly string[], string, boolean]>([
    ['an exact name', ['Release'], 'Release', true],
    ['an exact name, another case', ['Release'], 'RELEASE', true],
    ['an exact name does not match more', ['Release'], 'Release-2', false],
    ['a glob', ['prod-*'], 'Prod-eu-west-1', true],
    ['an exclusion wins over a match', ['*prod*', '!*-canary'], 'prod-canary', false],
    ['an exclusion leaves the rest', ['*prod*', '!*-canary'], 'prod-eu', true],
    ['braces', ['{live,prod}'], 'Live', true],
    ['a list without live', ['*prod*'], 'Live', false],
  ])('%s: %s', (_name, patterns, stage, expected) => {
    expect(isProductionStage(stage, patterns)).toBe(expected);
  });

  it('compiles a list once', () => {
    expect(productionStageTest(['a*'])).toBe(productionStageTest(['a*']));
  });
});

describe('productionStages in the config', () => {
  it('defaults to the documented list', () => {
    const result = config('');
    expect(result.ok && result.config.productionStages).toEqual(DEFAULT_PRODUCTION_STAGES);
  });

  it('takes a list of its own', () => {
    const result = config('productionStages: ["prod-*", "live"]');
    expect(result.ok && result.config.productionStages).toEqual(['prod-*', 'live']);
  });

  it.each([
    ['an empty list', 'productionStages: []', ['productionStages: list is empty; omit the key for the default']],
    ['an empty pattern', 'productionStages: ["prod*", ""]', ['productionStages[1]: empty pattern']],
    ['a lone !', 'productionStages: ["prod*", "!"]', ['productionStages[1]: empty pattern after !']],
    ['only exclusions', 'productionStages: ["!*preprod*"]', ['productionStages: only exclusions (!…): no stage would be production; list the stages that are']],
    [
      'the old key under approvals, at its path',
      'approvals:\n  productionStages: ["*prod*"]\n  policies: [{ name: p, approvers: [U0LEAD0001] }]',
      ['approvals.productionStages: moved to the top-level productionStages, the one list approvals, governance and rollback share: move it there'],
    ],
  ])('refuses %s', (_name, extra, problems) => {
    const result = config(extra);
    expect(!result.ok && result.problems).toEqual(problems);
  });
});
