/**
 * A local AWS (moto_server, preinstalled with pip) on a free loopback port, for integration tests,
 * and the client settings that point the AWS SDK v3 at it.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

export interface Moto {
  /** `http://127.0.0.1:<port>` */
  readonly endpoint: string;
  /** Everything moto wrote to stderr so far: its request log and its warnings. */
  stderr(): string;
  /** Stops moto (its whole process group); safe to call twice. */
  stop(): Promise<void>;
}

/** Upper bound on moto's life: if this Node process is killed outright, moto still exits. */
const MAX_LIFETIME_SECONDS = 600;
const START_TIMEOUT_MS = 20_000;

/**
 * Starts moto_server on a port the kernel just handed out, and resolves once it answers HTTP.
 *
 * @example
 * const moto = await startMoto();
 * try { new S3Client(awsClientConfig(moto.endpoint)); … } finally { await moto.stop(); }
 */
export async function startMoto(): Promise<Moto> {
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  // `timeout` bounds moto's life; `detached` gives it its own process group, so stop() ends the
  // pyenv shim, Python and any thread-spawned child at once.
  const child = spawn('timeout', [String(MAX_LIFETIME_SECONDS), 'moto_server', '-H', '127.0.0.1', '-p', String(port)], {
    detached: true,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const moto: Moto = { endpoint, stderr: () => stderr, stop: () => stopGroup(child, exited) };
  try {
    await untilAnswering(endpoint, exited, () => stderr);
    return moto;
  } catch (error) {
    await moto.stop();
    throw error;
  }
}

/**
 * Resource types moto's CloudFormation skipped (it creates nothing for them and still reports
 * CREATE_COMPLETE), from its `No Moto CloudFormation support for X` warnings; sorted, unique.
 */
export function unsupportedResourceTypes(stderr: string): string[] {
  const types = [...stderr.matchAll(/No Moto CloudFormation support for (\S+)/g)].map((m) => m[1] as string);
  return [...new Set(types)].sort();
}

/**
 * A policy document as moto returns it. An inline role policy created by moto's CloudFormation
 * comes back as a Python dict's repr (`{'Version': '2012-10-17', …}`), a GetKeyPolicy answer as
 * an object instead of a string; AWS returns JSON text (URL-encoded for IAM). Python (moto's own
 * interpreter) reads the repr literally: no regex guessing at quotes.
 */
export function motoPolicy(document: unknown): Record<string, any> {
  if (typeof document !== 'string') return document as Record<string, any>;
  const text = decodeURIComponent(document);
  if (!text.startsWith("{'")) return JSON.parse(text);
  const script = 'import ast, json, sys; print(json.dumps(ast.literal_eval(sys.stdin.read())))';
  return JSON.parse(execFileSync(pythonExecutable(), ['-c', script], { input: text, encoding: 'utf8' }));
}

let python: string | undefined;
/** The interpreter behind `python3` (pyenv's shim costs ~0.4 s a call; the interpreter ~0.05 s). */
function pythonExecutable(): string {
  python ??= execFileSync('python3', ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' }).trim();
  return python;
}

/** SDK v3 client settings for moto: its endpoint, us-east-1, any credentials (moto checks none). */
export function awsClientConfig(endpoint: string) {
  return {
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
    // moto serves S3 on the same port; virtual-hosted buckets (bucket.127.0.0.1) would not resolve.
    forcePathStyle: true,
  };
}

/** A port nothing listens on: bind port 0, read what the kernel chose, release it. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

async function untilAnswering(endpoint: string, exited: Promise<void>, stderr: () => string): Promise<void> {
  let gone = false;
  void exited.then(() => {
    gone = true;
  });
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (gone) throw new Error(`moto_server exited before answering:\n${stderr()}`);
    try {
      await fetch(`${endpoint}/moto-api/`, { signal: AbortSignal.timeout(1_000) });
      return;
    } catch {
      await sleep(100);
    }
  }
  throw new Error(`moto_server did not answer on ${endpoint} within ${START_TIMEOUT_MS} ms:\n${stderr()}`);
}

/** SIGTERM to the group, SIGKILL if it is still there after 3 s; resolves once moto has exited. */
async function stopGroup(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const signal = (name: NodeJS.Signals) => {
    try {
      process.kill(-(child.pid as number), name);
    } catch {
      // The group is already gone.
    }
  };
  signal('SIGTERM');
  const stopped = await Promise.race([exited.then(() => true), sleep(3_000).then(() => false)]);
  if (!stopped) {
    signal('SIGKILL');
    await exited;
  }
}
