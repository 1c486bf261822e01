/**
 * The project as another repository installs it: `npm pack`, then the tarball installed into a fresh
 * folder without the registry. A folder with only a package.json would make npm resolve every
 * dependency range from the registry (the cache holds the tarballs `npm ci` fetched, not the version
 * lists), so the folder gets the lockfile its `npm install` would write: the tarball plus the
 * runtime (non-dev) entries of this project's package-lock.json, which pin the same versions and
 * tarballs. `npm ci --offline` then reads everything from the npm cache.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const PROJECT_DIR = path.resolve(__dirname, '../..');

interface LockEntry {
  readonly version?: string;
  readonly resolved?: string;
  readonly integrity?: string;
  readonly link?: boolean;
  readonly dev?: boolean;
  readonly devOptional?: boolean;
  readonly optional?: boolean;
  readonly [key: string]: unknown;
}

interface PackResult {
  readonly filename: string;
  readonly integrity: string;
  readonly files: ReadonlyArray<{ readonly path: string }>;
}

export interface Installed {
  /** The consumer folder: package.json, package-lock.json, node_modules/pipeline-warden. */
  readonly dir: string;
  /** Paths inside the tarball. */
  readonly files: readonly string[];
  readonly packMs: number;
  readonly installMs: number;
}

const npm = (args: readonly string[], cwd: string): string =>
  execFileSync('npm', [...args], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, npm_config_update_notifier: 'false' } });

/** The lockfile `npm install -D <tarball>` would write, from this project's own lockfile. */
export function consumerLock(projectLock: { packages: Record<string, LockEntry> }, tarball: { file: string; integrity: string }): unknown {
  const root = projectLock.packages[''] ?? {};
  const runtime = Object.entries(projectLock.packages).filter(
    ([key, entry]) => key.startsWith('node_modules/') && key !== 'node_modules/pipeline-warden' && !entry.link && !entry.dev && !entry.devOptional,
  );
  const { devDependencies: _dev, devEngines: _devEngines, name: _name, ...published } = root;
  return {
    name: 'consumer',
    lockfileVersion: 3,
    requires: true,
    packages: {
      '': { name: 'consumer', devDependencies: { 'pipeline-warden': `file:${tarball.file}` } },
      'node_modules/pipeline-warden': { ...published, resolved: `file:${tarball.file}`, integrity: tarball.integrity, dev: true },
      ...Object.fromEntries(runtime.map(([key, entry]) => [key, { ...entry, dev: true }])),
    },
  };
}

/** Packs the project and installs the tarball, offline, into a new temporary folder. */
export function packAndInstall(): Installed {
  const dir = mkdtempSync(path.join(tmpdir(), 'warden-install-'));
  const packStart = performance.now();
  const [packed] = JSON.parse(npm(['pack', '--json', '--pack-destination', dir], PROJECT_DIR)) as PackResult[];
  if (!packed) throw new Error('npm pack printed no tarball');
  const packMs = performance.now() - packStart;
  const tarball = { file: packed.filename, integrity: packed.integrity };
  // The project's `overrides` (a deduplicated transitive dependency, for the Lambda bundles' size) go
  // along: offline, the consumer can only resolve the tree this project's lockfile pinned.
  const { overrides } = JSON.parse(readFileSync(path.join(PROJECT_DIR, 'package.json'), 'utf8')) as { overrides?: unknown };
  writeFileSync(
    path.join(dir, 'package.json'),
    `${JSON.stringify({ name: 'consumer', private: true, devDependencies: { 'pipeline-warden': `file:${tarball.file}` }, ...(overrides ? { overrides } : {}) }, null, 2)}\n`,
  );
  const lock = JSON.parse(readFileSync(path.join(PROJECT_DIR, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> };
  writeFileSync(path.join(dir, 'package-lock.json'), `${JSON.stringify(consumerLock(lock, tarball), null, 2)}\n`);
  const installStart = performance.now();
  npm(['ci', '--offline', '--no-audit', '--no-fund', '--loglevel=error'], dir);
  return { dir, files: packed.files.map((f) => f.path), packMs, installMs: performance.now() - installStart };
}
