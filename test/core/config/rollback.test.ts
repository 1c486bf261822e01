/** The `rollback:` section: defaults, every problem with its path, and what other features read from it. */
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../functions/kernel/config/parse';
import { effectiveGuard, guardedDeploymentGroups, guardedStages } from '../../../functions/kernel/config/rollback';

const ROUTES = 'version: 1\nroutes:\n  - slack: { channels: [C0PLATFORM1] }\n';
const parse = (section: string) => parseConfig(`${ROUTES}rollback:\n${section.replace(/^/gm, '  ')}\n`);
const GUARD =
  'guards:\n  - name: web\n    alarms: ["web-*"]\n    codedeploy: { application: web, deploymentGroup: prod }\n    pipeline: { name: web, stage: Deploy }';

describe('rollback config', () => {
  it('applies the defaults: 1h bake window, rollback mode, 1h cooldown; a guard overrides them', () => {
    const parsed = parse(`${GUARD}\n    bakeWindow: 15m\n    mode: notify-only`);
    if (!parsed.ok) throw new Error(parsed.problems.join('\n'));
    expect(parsed.config.rollback).toMatchObject({ bakeWindow: '1h', mode: 'rollback', cooldown: '1h' });
    expect(effectiveGuard(parsed.config, 'web')).toEqual({
      name: 'web',
      alarms: ['web-*'],
      codedeploy: { application: 'web', deploymentGroup: 'prod' },
      pipeline: { name: 'web', stage: 'Deploy' },
      bakeWindowMs: 15 * 60_000,
      cooldownMs: 3_600_000,
      mode: 'notify-only',
    });
    expect(effectiveGuard(parsed.config, 'other')).toBeUndefined();
    expect(guardedStages(parsed.config)).toEqual([{ pipeline: 'web', stage: 'Deploy' }]);
    expect(guardedDeploymentGroups(parsed.config)).toEqual([{ application: 'web', deploymentGroup: 'prod' }]);
  });

  it.each([
    ['a guard that guards nothing', 'guards:\n  - name: a\n    alarms: [x]', 'rollback.guards[0]: guards nothing: add codedeploy and/or pipeline'],
    [
      'a glob where a name is needed',
      'guards:\n  - name: a\n    alarms: [x]\n    pipeline: { name: "web-*", stage: Deploy }',
      'rollback.guards[0].pipeline.name: must be a pipeline or stage name (letters, digits, . @ - _), not a glob',
    ],
    [
      'no alarms',
      'guards:\n  - name: a\n    alarms: []\n    pipeline: { name: web, stage: Deploy }',
      'rollback.guards[0].alarms: at least one alarm name or glob',
    ],
    ['a duration that is not one', `bakeWindow: soon\n${GUARD}`, 'rollback.bakeWindow: must be a duration such as 30m, 4h, 2d or 1d12h'],
    ['an unknown mode', `mode: yolo\n${GUARD}`, 'rollback.mode: Invalid option: expected one of "rollback"|"notify-only"'],
    ['an unknown key', `${GUARD}\n    cooldwn: 1h`, 'rollback.guards[0].cooldwn: unknown key'],
    ['no guards', 'guards: []', 'rollback.guards: at least one guard'],
    [
      'a bake window too short to see a datapoint',
      `${GUARD}\n    bakeWindow: 30s`,
      'rollback.guards[0].bakeWindow: at least 1m (alarms need a datapoint or two after a deployment)',
    ],
    [
      'the same target in two guards',
      `${GUARD}\n  - name: web-2\n    alarms: [y]\n    pipeline: { name: web, stage: Deploy }`,
      'rollback.guards[1].pipeline: pipeline web/Deploy is already guarded by rollback.guards[0]: list all its alarms in one guard',
    ],
    [
      'two guards of one name',
      `${GUARD}\n  - name: web\n    alarms: [y]\n    pipeline: { name: api, stage: Deploy }`,
      'rollback.guards[1].name: "web" is used by an earlier guard',
    ],
  ])('refuses %s, with its path', (_what, section, problem) => {
    const parsed = parse(section);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.problems).toContain(problem);
  });

  it('the shipped config/warden.yml guards the sample web-frontend group and stage', async () => {
    const { readFileSync } = await import('node:fs');
    const parsed = parseConfig(readFileSync('config/warden.yml', 'utf8'));
    if (!parsed.ok) throw new Error(parsed.problems.join('\n'));
    expect(guardedStages(parsed.config)).toEqual([{ pipeline: 'web-frontend', stage: 'Deploy' }]);
    expect(guardedDeploymentGroups(parsed.config)).toEqual([{ application: 'web-frontend', deploymentGroup: 'web-frontend-prod' }]);
  });
});
