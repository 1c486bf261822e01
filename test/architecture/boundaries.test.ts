/**
 * The layout's rules (.dependency-cruiser.cjs) catch what they name: each rule is run on a small
 * tree that breaks it, and on the project itself, which breaks none (`npm run lint:deps` in CI).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(__dirname, '../..');
const CONFIG = path.join(ROOT, '.dependency-cruiser.cjs');
const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

interface Violation {
  readonly rule: { readonly name: string };
  readonly from: string;
  readonly to: string;
}

function cruise(cwd: string, paths: readonly string[]): Violation[] {
  const out = spawnSync(path.join(ROOT, 'node_modules/.bin/depcruise'), ['--config', CONFIG, '--output-type', 'json', ...paths], {
    cwd,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (!out.stdout) throw new Error(`depcruise printed nothing: ${out.stderr}`);
  return (JSON.parse(out.stdout) as { summary: { violations: Violation[] } }).summary.violations;
}

/** A throwaway project: these files, this repository's node_modules and tsconfig. */
function tree(files: Readonly<Record<string, string>>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'warden-layout-'));
  dirs.push(dir);
  symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'));
  writeFileSync(
    path.join(dir, 'tsconfig.json'),
    JSON.stringify({ compilerOptions: { module: 'preserve', moduleResolution: 'bundler', strict: true, noEmit: true } }),
  );
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), text);
  }
  return dir;
}

describe('layout rules', () => {
  it('the project breaks none of them', () => {
    expect(cruise(ROOT, ['functions', 'tools', 'cli', 'infra', 'scripts', 'bench', 'test', 'config'])).toEqual([]);
  });

  it.each([
    [
      'kernel-is-pure',
      'the kernel imports the AWS SDK',
      { 'functions/kernel/a.ts': "import { SNSClient } from '@aws-sdk/client-sns';\nexport const c = SNSClient;\n" },
    ],
    [
      'kernel-is-pure',
      'the kernel imports a feature',
      { 'functions/kernel/a.ts': "export { x } from '../notify/app/x';\n", 'functions/notify/app/x.ts': 'export const x = 1;\n' },
    ],
    [
      'domain-is-pure',
      'a domain imports a shared adapter',
      { 'functions/notify/domain/p.ts': "export { s } from '../../platform/s';\n", 'functions/platform/s.ts': 'export const s = 1;\n' },
    ],
    [
      'domain-is-pure',
      "a domain imports its feature's AWS adapter",
      { 'functions/rollback/domain/p.ts': "export { s } from '../aws/s';\n", 'functions/rollback/aws/s.ts': 'export const s = 1;\n' },
    ],
    [
      'features-meet-through-the-kernel',
      "a feature imports another's internals",
      { 'functions/approvals/app/q.ts': "export { x } from '../../notify/app/x';\n", 'functions/notify/app/x.ts': 'export const x = 1;\n' },
    ],
    [
      'use-cases-see-ports',
      "a use case imports its feature's AWS adapter instead of the port",
      { 'functions/rollback/app/q.ts': "export type { P } from '../aws/p';\n", 'functions/rollback/aws/p.ts': 'export interface P { x: number }\n' },
    ],
    [
      'adapters-implement-ports',
      "an adapter calls its feature's use case",
      { 'functions/governance/aws/a.ts': "export { run } from '../app/run';\n", 'functions/governance/app/run.ts': 'export const run = 1;\n' },
    ],
    [
      'platform-serves-features',
      'a shared adapter imports a feature',
      { 'functions/platform/s.ts': "export { y } from '../rollback/app/y';\n", 'functions/rollback/app/y.ts': 'export const y = 1;\n' },
    ],
    [
      'no-circular',
      'two modules import each other through types only',
      {
        'functions/kernel/c1.ts': "import type { B } from './c2';\nexport interface A { b?: B }\n",
        'functions/kernel/c2.ts': "import type { A } from './c1';\nexport interface B { a?: A }\n",
      },
    ],
  ])('%s: %s', (rule, _what, files) => {
    const violations = cruise(tree(files), ['functions']);
    expect(violations.map((v) => v.rule.name)).toContain(rule);
  });

  it('the Slack endpoint may host the routes approvals and governance export, and nothing else of theirs', () => {
    const dir = tree({
      'functions/slack-actions/wiring.ts': "export { approvalRoute } from '../approvals/app/route';\nexport { prepare } from '../approvals/app/prepare';\n",
      'functions/approvals/app/route.ts': 'export const approvalRoute = 1;\n',
      'functions/approvals/app/prepare.ts': 'export const prepare = 1;\n',
    });
    expect(cruise(dir, ['functions']).map((v) => [v.rule.name, v.to])).toEqual([['endpoint-hosts-only-routes', 'functions/approvals/app/prepare.ts']]);
  });
});
