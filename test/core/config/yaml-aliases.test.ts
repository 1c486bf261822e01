/**
 * YAML alias errors and alias bombs are problems with their path (security review, issue 10
 * finding 13), in the config and in the policy file: an alias with no anchor before it, an alias
 * inside the node it refers to, and more aliases than the `yaml` package resolves
 * (`maxAliasCount`, "Excessive alias count"). Before, `yaml` threw and `warden validate` exited 2.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parsePolicy } from '../../../functions/governance/domain/policy-schema';
import { parseConfig } from '../../../functions/kernel/config/parse';

const ROUTE = 'version: 1\nroutes:\n  - slack: { channels: [C0PLATFORM1] }\n';
/** A billion laughs: each level refers nine times to the one before. */
const BOMB = [
  'a: &a ["x","x","x","x","x","x","x","x","x"]',
  ...'bcdefgh'.split('').map((l, i) => `${l}: &${l} [${Array(9).fill(`*${'abcdefg'[i]}`).join(',')}]`),
].join('\n');

describe('parseConfig: YAML aliases', () => {
  it.each([
    ['an alias with no anchor', `${ROUTE}    name: *missing\n`, ['routes[0].name: yaml: alias *missing has no anchor &missing before it']],
    ['an alias used before its anchor', 'version: 1\nroutes: *r\nx: &r []\n', ['routes: yaml: alias *r has no anchor &r before it']],
    [
      'an alias inside the node it refers to',
      'version: 1\nroutes: &r\n  - slack: { channels: [C0PLATFORM1] }\n    x: *r\n',
      ['routes[0].x: yaml: alias *r is inside the node it refers to (a cycle)'],
    ],
    ['an alias bomb', `${ROUTE}${BOMB}\n`, ['b[0]: yaml: Excessive alias count indicates a resource exhaustion attack (at most 100 aliases may be resolved)']],
  ])('%s is a problem with its path', (_what, text, problems) => {
    expect(parseConfig(text)).toEqual({ ok: false, problems });
  });

  it('a few aliases are still fine', () => {
    const result = parseConfig('version: 1\nroutes:\n  - &r\n    slack: { channels: [C0PLATFORM1] }\n  - *r\n');
    expect(result.ok && result.config.routes).toHaveLength(2);
  });
});

describe('parsePolicy: YAML aliases', () => {
  it.each([
    [
      'an alias with no anchor',
      'version: 1\nrules:\n  - id: production-approval\n    scope: *nope\n',
      ['rules[0].scope: yaml: alias *nope has no anchor &nope before it'],
    ],
    [
      'an alias bomb',
      `version: 1\nrules: []\n${BOMB}\n`,
      ['b[0]: yaml: Excessive alias count indicates a resource exhaustion attack (at most 100 aliases may be resolved)'],
    ],
  ])('%s is a problem with its path', (_what, text, problems) => {
    expect(parsePolicy(text)).toEqual({ ok: false, problems });
  });
});

describe('warden validate --policy (a child process)', () => {
  it('prints the alias problem and exits 1', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'warden-alias-'));
    const policy = path.join(dir, 'policy.yml');
    writeFileSync(policy, `version: 1\nrules: []\n${BOMB}\n`);
    const root = path.resolve(__dirname, '../../..');
    const out = spawnSync(process.execPath, [path.join(root, 'bin/warden.cjs'), 'validate', 'config/warden.yml', '--policy', policy], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    });
    expect(out.stderr).toBe('');
    expect(out.stdout).toContain(`${policy}: 1 problem\n  b[0]: yaml: Excessive alias count`);
    expect(out.status).toBe(1);
  });
});
