/**
 * A local SSM Parameter Store and Secrets Manager speaking their JSON 1.1 APIs over HTTP
 * (`GetParameter`, `GetSecretValue`), for the code that reads the Slack token and signing secret
 * (functions/platform/aws-json.ts). Like AWS it refuses a request whose SigV4 signature does not
 * match (checked by signing the same request again with the test keys), answers a missing name with
 * `ParameterNotFound` / `ResourceNotFoundException`, and errors as AWS writes them
 * (`{"__type": …, "message": …}`). The functions find it through `AWS_ENDPOINT_URL_SSM` and
 * `AWS_ENDPOINT_URL_SECRETS_MANAGER`, as the SDK would.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sign } from 'aws4';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { clearSecretCache } from '../../functions/platform/secret-value';

export const TEST_KEYS = { accessKeyId: 'AKIDLOCALTEST0000000', secretAccessKey: 'local-test-secret-key-0000000000000000000', sessionToken: 'local-session' };

/** An answer forced for the next read(s) of a target, as AWS would send it. */
export interface ForcedError {
  readonly status: number;
  readonly type: string;
  readonly message: string;
}

export interface SecretsServer {
  readonly url: string;
  /** SSM parameters by name (an ARN's `parameter/…` part is read as the name `/…`). */
  readonly parameters: Map<string, string>;
  /** Secrets by id (ARN or name): a string, or bytes. */
  readonly secrets: Map<string, string | Uint8Array>;
  /** Every read, as `ssm.GetParameterCommand <Name>` / `secretsmanager.GetSecretValueCommand <SecretId>`, refused ones too. */
  readonly reads: string[];
  /** The next `times` reads of `operation` (GetParameter, GetSecretValue) answer this error. */
  failNext(operation: string, error: ForcedError, times?: number): void;
  /** Forgets every parameter, secret, read and forced error. */
  reset(): void;
  /** Points the functions' reads at this server with the test keys; returns what undoes it. */
  use(): () => void;
  close(): Promise<void>;
}

const OPERATIONS: Record<string, { service: string; read: string }> = {
  'AmazonSSM.GetParameter': { service: 'ssm', read: 'ssm.GetParameterCommand' },
  'secretsmanager.GetSecretValue': { service: 'secretsmanager', read: 'secretsmanager.GetSecretValueCommand' },
};

/** @example const aws = await startSecretsServer(); aws.parameters.set('/warden/token', 'xoxb-…'); const undo = aws.use(); */
export async function startSecretsServer(): Promise<SecretsServer> {
  const parameters = new Map<string, string>();
  const secrets = new Map<string, string | Uint8Array>();
  const reads: string[] = [];
  const forced: Array<{ operation: string; error: ForcedError; left: number }> = [];
  const server: Server = createServer(async (req, res) => {
    const body = await text(req);
    const answer = (status: number, json: unknown) => {
      res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': 'local-request' }).end(JSON.stringify(json));
    };
    const target = String(req.headers['x-amz-target'] ?? '');
    const operation = OPERATIONS[target];
    if (!operation) return answer(400, { __type: 'UnknownOperationException', message: `unknown target ${target}` });
    let input: Record<string, unknown>;
    try {
      input = JSON.parse(body) as Record<string, unknown>;
    } catch {
      return answer(400, { __type: 'SerializationException', message: 'the body is not JSON' });
    }
    const name = String(input['Name'] ?? input['SecretId'] ?? '');
    reads.push(`${operation.read} ${name}`);
    const refused = signatureProblem(req, body, operation.service);
    if (refused) return answer(403, { __type: 'InvalidSignatureException', message: refused });
    const op = target.slice(target.indexOf('.') + 1);
    const force = forced.find((f) => f.operation === op && f.left > 0);
    if (force) {
      force.left -= 1;
      return answer(force.error.status, { __type: force.error.type, message: force.error.message });
    }
    if (operation.service === 'ssm') {
      const value = parameters.get(name.replace(/^arn:[^:]+:ssm:[^:]*:\d*:parameter/, ''));
      if (value === undefined) return answer(400, { __type: 'ParameterNotFound', message: '' });
      return answer(200, { Parameter: { Name: name, Type: 'SecureString', Value: value, Version: 1 } });
    }
    const value = secrets.get(name);
    if (value === undefined) return answer(400, { __type: 'ResourceNotFoundException', Message: "Secrets Manager can't find the specified secret." });
    return answer(200, typeof value === 'string' ? { Name: name, SecretString: value } : { Name: name, SecretBinary: Buffer.from(value).toString('base64') });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    parameters,
    secrets,
    reads,
    failNext(operation, error, times = 1) {
      forced.push({ operation, error, left: times });
    },
    reset() {
      parameters.clear();
      secrets.clear();
      reads.length = 0;
      forced.length = 0;
    },
    use() {
      const names = ['AWS_ENDPOINT_URL_SSM', 'AWS_ENDPOINT_URL_SECRETS_MANAGER', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN'] as const;
      const before = names.map((n) => [n, process.env[n]] as const);
      Object.assign(process.env, {
        AWS_ENDPOINT_URL_SSM: url,
        AWS_ENDPOINT_URL_SECRETS_MANAGER: url,
        AWS_ACCESS_KEY_ID: TEST_KEYS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: TEST_KEYS.secretAccessKey,
        AWS_SESSION_TOKEN: TEST_KEYS.sessionToken,
      });
      return () => {
        for (const [n, value] of before) {
          if (value === undefined) delete process.env[n];
          else process.env[n] = value;
        }
      };
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * The local server for a test file (call it at the top of the file or of a describe): started and
 * pointed at before its tests, reset before each test with no value reused (a cold Lambda), closed after.
 *
 * @example const aws = useLocalSecrets(); it('…', async () => { aws.parameters.set('/warden/token', 'xoxb-…'); … });
 */
export function useLocalSecrets(): Pick<SecretsServer, 'parameters' | 'secrets' | 'reads' | 'failNext'> {
  let server: SecretsServer | undefined;
  let undo: () => void = () => undefined;
  const current = () => {
    if (!server) throw new Error('useLocalSecrets: the server is not started (used outside a test?)');
    return server;
  };
  beforeAll(async () => {
    server = await startSecretsServer();
    undo = server.use();
  });
  afterAll(async () => {
    undo();
    await server?.close();
  });
  beforeEach(() => {
    current().reset();
    clearSecretCache();
  });
  return {
    get parameters() {
      return current().parameters;
    },
    get secrets() {
      return current().secrets;
    },
    get reads() {
      return current().reads;
    },
    failNext: (operation, error, times) => current().failNext(operation, error, times),
  };
}

/** Why AWS would refuse the request's signature, or undefined: the same request signed again with the test keys must match. */
function signatureProblem(req: IncomingMessage, body: string, service: string): string | undefined {
  const authorization = String(req.headers['authorization'] ?? '');
  const date = String(req.headers['x-amz-date'] ?? '');
  const scope = /Credential=[^/]+\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request/.exec(authorization);
  if (!authorization.startsWith('AWS4-HMAC-SHA256 ') || !date || !scope) return 'Missing Authentication Token';
  if (scope[2] !== service) return `Credential should be scoped to correct service: '${service}'.`;
  if (req.headers['x-amz-security-token'] !== TEST_KEYS.sessionToken) return 'The security token included in the request is invalid.';
  const again = sign(
    {
      host: String(req.headers['host']),
      path: req.url ?? '/',
      method: req.method ?? 'POST',
      service,
      region: scope[1],
      body,
      headers: { 'content-type': String(req.headers['content-type']), 'x-amz-target': String(req.headers['x-amz-target']), 'X-Amz-Date': date },
    },
    TEST_KEYS,
  );
  const expected = String(again.headers?.['Authorization'] ?? '');
  return expected === authorization ? undefined : 'The request signature we calculated does not match the signature you provided.';
}

function text(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
