/** The `warden` command as a user runs it (`bin/warden.cjs` in a child process), for the CLI tests. */
import { spawnSync } from 'node:child_process';
import path from 'node:path';

/** The project folder: where `warden` runs, and what paths in its output are relative to. */
export const ROOT = path.resolve(__dirname, '../..');

/**
 * @example const { code, stdout } = warden('validate', 'config/warden.yml'); // code 0
 */
export function warden(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const out = spawnSync(process.execPath, [path.join(ROOT, 'bin/warden.cjs'), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  });
  return { code: out.status, stdout: out.stdout, stderr: out.stderr };
}

/** One line of `warden replay --json`: a call made for an event (or a schedule's firing), or that event's error. */
export interface ReplayLine {
  readonly event: string;
  readonly call?: string;
  readonly error?: string;
  readonly input: Record<string, unknown>;
  readonly output?: Record<string, unknown>;
  readonly at?: string;
}

/** `warden replay --json`'s output, a line each. */
export const replayLines = (stdout: string): ReplayLine[] =>
  stdout
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as ReplayLine);
