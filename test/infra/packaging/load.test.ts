/** Loading the config and the policy, the error packaging prints, and the wrapper osls calls. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { PermanentError } from '../../../functions/kernel/errors';
import { embeddedLiteral } from '../../../infra/packaging/define';
import { InvalidConfigError } from '../../../infra/packaging/errors';
import { loadConfig, loadPolicy, PROJECT_DIR } from '../../../infra/packaging/load';
import { resolver } from '../../../infra/packaging/osls';

const dir = mkdtempSync(path.join(tmpdir(), 'warden-packaging-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());

const file = (name: string, text: string) => {
  const at = path.join(dir, name);
  writeFileSync(at, text);
  return at;
};
const thrown = (run: () => unknown): unknown => {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('did not throw');
};

describe('InvalidConfigError', () => {
  it('lists every problem under its title, and a stack of the message alone (osls prints it)', () => {
    const error = new InvalidConfigError('Invalid pipeline-warden config a.yml', ['version: must be 1', 'routes: required']);
    expect(error.message).toBe('Invalid pipeline-warden config a.yml: 2 problems\n  - version: must be 1\n  - routes: required');
    expect(error.stack).toBe(`InvalidConfigError: ${error.message}`);
    expect(error.problems).toEqual(['version: must be 1', 'routes: required']);
    expect(error).toBeInstanceOf(PermanentError);
    expect(new InvalidConfigError('t', ['one']).message).toBe('t: 1 problem\n  - one');
  });
});

describe('loadConfig / loadPolicy', () => {
  it('reads a path relative to the project, once: later calls get the same object', () => {
    expect(PROJECT_DIR).toBe(path.resolve(__dirname, '../../..'));
    const config = loadConfig('config/warden.yml');
    expect(loadConfig(path.join(PROJECT_DIR, 'config/warden.yml'))).toBe(config);
  });

  it('reports every problem of an invalid config, titled with the file', () => {
    const at = file('bad.yml', 'version: 2\nroutes: []\n');
    const error = thrown(() => loadConfig(at)) as InvalidConfigError;
    expect(error).toBeInstanceOf(InvalidConfigError);
    expect(error.message).toMatch(/^Invalid pipeline-warden config .*bad\.yml: 2 problems\n/);
    expect(error.problems).toEqual(expect.arrayContaining([expect.stringMatching(/^version: /), expect.stringMatching(/^routes: /)]));
  });

  it('says a file cannot be read', () => {
    const error = thrown(() => loadConfig(path.join(dir, 'missing.yml'))) as InvalidConfigError;
    expect(error.problems).toEqual([expect.stringMatching(/^cannot read the file: ENOENT/)]);
  });

  it('validates the policy with the custom rules of config/custom-rules.ts', () => {
    expect(loadPolicy('config/policy.yml')).toMatchObject({ version: 1 });
    const at = file('policy.yml', 'version: 1\nrules:\n  - id: no-such-rule\n');
    expect((thrown(() => loadPolicy(at)) as InvalidConfigError).message).toMatch(/^Invalid pipeline-warden policy .*policy\.yml: \d+ problems?\n/);
  });
});

describe('embeddedLiteral', () => {
  it('is a JS string literal of the JSON, with no `$` left for osls to read', () => {
    const literal = embeddedLiteral({ name: '${self:service}' });
    expect(literal).not.toContain('$');
    expect(JSON.parse(JSON.parse(literal))).toEqual({ name: '${self:service}' });
  });
});

describe('resolver', () => {
  const ctx = { resolveVariable: async (v: string) => (v === 'sls:stage' ? 'ci' : 'unused') };

  it('checks the stage, then resolves', async () => {
    expect(await resolver(async () => 42)(ctx)).toBe(42);
  });

  it('prints a config problem once and ends the process with status 1', async () => {
    const exit = vi.spyOn(process, 'exit').mockImplementation(() => undefined as never);
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    await resolver(async () => {
      throw new InvalidConfigError('Invalid pipeline-warden config x.yml', ['version: must be 1']);
    })(ctx);
    expect(stderr).toHaveBeenCalledExactlyOnceWith('\nError:\nInvalid pipeline-warden config x.yml: 1 problem\n  - version: must be 1\n');
    expect(exit).toHaveBeenCalledExactlyOnceWith(1);
  });

  it('refuses a stage too long for a physical name before resolving anything', async () => {
    const exit = vi.spyOn(process, 'exit').mockImplementation(() => undefined as never);
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const resolve = vi.fn(async () => 1);
    await resolver(resolve)({ resolveVariable: async () => 'x'.repeat(40) });
    expect(resolve).not.toHaveBeenCalled();
    expect(String(stderr.mock.calls[0]?.[0])).toContain(`Stage "${'x'.repeat(40)}" (40 characters) is too long`);
    expect(exit).toHaveBeenCalledWith(1);
  });

  it('leaves any other failure to osls', async () => {
    await expect(resolver(async () => Promise.reject(new Error('boom')))(ctx)).rejects.toThrow('boom');
  });
});
