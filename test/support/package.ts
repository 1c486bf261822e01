/**
 * `serverless package` offline for tests, and readers of what it writes: the CloudFormation
 * template (resources by type, every IAM statement) and the zips.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { inflateRawSync } from 'node:zlib';

export const PROJECT_DIR = path.resolve(__dirname, '../..');

export type Json = Record<string, any>;
export interface Template {
  Resources: Record<string, { Type: string; Properties: Json; DependsOn?: string | string[] }>;
  Outputs: Record<string, Json>;
  Conditions?: Record<string, Json>;
}
export interface Packaged {
  template: Template;
  dir: string;
  ms: number;
}

/**
 * `serverless package` offline, with osls's own bin on this Node, bounded by `timeout`. Each call
 * has its own output and esbuild work folder; calls from parallel test files take turns.
 */
export async function serverlessPackage(extraArgs: string[]): Promise<Packaged> {
  const release = await packageLock();
  try {
    return await packageOnce(extraArgs);
  } finally {
    release();
  }
}

const LOCK = path.join(tmpdir(), 'pipeline-warden-serverless-package.lock');
const STALE_LOCK_MS = 5 * 60_000;

/**
 * One `serverless package` of this project at a time, across test files (vitest runs them in
 * parallel workers): osls clears the project's `.serverless/` folder when it starts, under the feet
 * of a package already running. mkdir is atomic, so the lock is a directory; a lock older than any
 * package run is a crashed run's, and is taken over.
 */
async function packageLock(): Promise<() => void> {
  for (;;) {
    try {
      mkdirSync(LOCK);
      return () => rmSync(LOCK, { recursive: true, force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const age = Date.now() - (statSync(LOCK, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > STALE_LOCK_MS) rmSync(LOCK, { recursive: true, force: true });
      else await sleep(250);
    }
  }
}

function packageOnce(extraArgs: string[]): Promise<Packaged> {
  const dir = mkdtempSync(path.join(tmpdir(), 'warden-package-'));
  const bin = path.join(PROJECT_DIR, 'node_modules/.bin/serverless');
  const args = ['120', process.execPath, bin, 'package', '--stage', 'ci', '--package', dir, ...extraArgs];
  const workFolder = path.relative(PROJECT_DIR, path.join(dir, '.esbuild'));
  const env = { ...process.env, SLS_TELEMETRY_DISABLED: '1', SLS_NOTIFICATIONS_MODE: 'off', WARDEN_ESBUILD_WORK_FOLDER: workFolder };
  const started = Date.now();
  return new Promise((resolve, reject) => {
    execFile('timeout', args, { cwd: PROJECT_DIR, env, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) {
        reject(new Error(`serverless package ${extraArgs.join(' ')} failed (${error.code}):\n${stdout}\n${stderr}`));
        return;
      }
      const file = path.join(dir, 'cloudformation-template-update-stack.json');
      resolve({ template: JSON.parse(readFileSync(file, 'utf8')), dir, ms: Date.now() - started });
    });
  });
}

/** Entries of a zip archive (central directory), with a reader for stored/deflated ones. */
export interface ZipEntry {
  readonly size: number;
  readonly compressed: number;
  read(): Buffer;
}

export function zipEntries(file: string): Map<string, ZipEntry> {
  const zip = readFileSync(file);
  const eocd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (eocd < 0) throw new Error(`${file}: not a zip`);
  const count = zip.readUInt16LE(eocd + 10);
  let at = zip.readUInt32LE(eocd + 16);
  const entries = new Map<string, ZipEntry>();
  for (let i = 0; i < count; i += 1) {
    const method = zip.readUInt16LE(at + 10);
    const compressed = zip.readUInt32LE(at + 20);
    const size = zip.readUInt32LE(at + 24);
    const nameLength = zip.readUInt16LE(at + 28);
    const extraLength = zip.readUInt16LE(at + 30);
    const commentLength = zip.readUInt16LE(at + 32);
    const local = zip.readUInt32LE(at + 42);
    const name = zip.toString('utf8', at + 46, at + 46 + nameLength);
    const read = (): Buffer => {
      const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
      const data = zip.subarray(start, start + compressed);
      return method === 8 ? inflateRawSync(data) : Buffer.from(data);
    };
    entries.set(name, { size, compressed, read });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

export const getAtt = (logicalId: string, attribute = 'Arn') => ({ 'Fn::GetAtt': [logicalId, attribute] });
export const asArray = <T>(value: T | T[] | undefined): T[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

export function ofType(template: Template, type: string): Array<[string, Json]> {
  return Object.entries(template.Resources)
    .filter(([, resource]) => resource.Type === type)
    .map(([id, resource]) => [id, resource.Properties]);
}

/** Every statement of every identity policy in the template (roles, policies, managed policies). */
export function iamStatements(template: Template): Array<{ where: string; statement: Json }> {
  const out: Array<{ where: string; statement: Json }> = [];
  for (const [id, resource] of Object.entries(template.Resources)) {
    const props = resource.Properties ?? {};
    const documents: Array<[string, Json]> =
      resource.Type === 'AWS::IAM::Role'
        ? asArray<Json>(props.Policies).map((p) => [`${id}/${p.PolicyName}`, p.PolicyDocument])
        : ['AWS::IAM::Policy', 'AWS::IAM::ManagedPolicy'].includes(resource.Type)
          ? [[id, props.PolicyDocument]]
          : [];
    for (const [where, document] of documents) {
      for (const statement of asArray<Json>(document.Statement)) out.push({ where, statement });
    }
  }
  return out;
}
