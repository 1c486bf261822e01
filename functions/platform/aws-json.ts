/**
 * One call to an AWS JSON 1.1 API (SSM `GetParameter`, Secrets Manager `GetSecretValue`), signed
 * with SigV4 by `aws4` and sent over `node:https`: what every function does once per cold start to
 * read the Slack token (and slack-actions its signing secret).
 *
 * Written here rather than through `@aws-sdk/client-ssm`, on purpose and measured (README,
 * "Delivery, retries and the dead-letter queue"): that client is a 400 KB module holding all of
 * SSM's operations, and loading it for this one call was 64 ms of notify's first event (114 → 50 ms,
 * cold start 0.81 → 0.60 of issue 12's base in `npm run bench`). The signing is the library's; the
 * rest is a POST and its answer.
 *
 * Like the SDK: the endpoint is `https://<service>.<region>.amazonaws.com` (`.com.cn` in China)
 * unless `AWS_ENDPOINT_URL_<SERVICE>` or `AWS_ENDPOINT_URL` says otherwise; credentials come from
 * the environment (what Lambda gives every function), else from the SDK's default chain; throttles,
 * 5xx and network errors are tried 3 times in all. Failures are shaped as the SDK's (`name` from
 * `__type`, `$fault`, `$metadata.httpStatusCode`), so classifyAwsError sorts them the same way.
 */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { sign } from 'aws4';
import { isTransientAwsError } from './aws-errors';

export interface AwsJsonService {
  /** The signing name and endpoint prefix: `ssm`, `secretsmanager`. */
  readonly name: string;
  /** The `X-Amz-Target` prefix: `AmazonSSM`, `secretsmanager`. */
  readonly targetPrefix: string;
  /** The SDK's endpoint variable for it: `AWS_ENDPOINT_URL_SSM`, `AWS_ENDPOINT_URL_SECRETS_MANAGER`. */
  readonly endpointVariable: string;
}

export const SSM: AwsJsonService = { name: 'ssm', targetPrefix: 'AmazonSSM', endpointVariable: 'AWS_ENDPOINT_URL_SSM' };
export const SECRETS_MANAGER: AwsJsonService = {
  name: 'secretsmanager',
  targetPrefix: 'secretsmanager',
  endpointVariable: 'AWS_ENDPOINT_URL_SECRETS_MANAGER',
};

const TRIES = 3;
const TIMEOUT_MS = 3_000;

interface Credentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

/**
 * @example await callAwsJson(SSM, 'GetParameter', { Name: '/pipeline-warden/slack-bot-token', WithDecryption: true }) // { Parameter: { Value: 'xoxb-…' } }
 * @throws Error shaped as the SDK's (name, $fault, $metadata) for an AWS error answer; a network error as it came.
 */
export async function callAwsJson<T>(service: AwsJsonService, operation: string, input: Readonly<Record<string, unknown>>): Promise<T> {
  const region = process.env['AWS_REGION'] ?? process.env['AWS_DEFAULT_REGION'] ?? 'us-east-1';
  const endpoint = new URL(
    process.env[service.endpointVariable] ??
      process.env['AWS_ENDPOINT_URL'] ??
      `https://${service.name}.${region}.amazonaws.com${region.startsWith('cn-') ? '.cn' : ''}`,
  );
  const body = JSON.stringify(input);
  for (let attempt = 1; ; attempt += 1) {
    try {
      return (await post(
        endpoint,
        sign(
          {
            host: endpoint.host,
            path: endpoint.pathname,
            method: 'POST',
            service: service.name,
            region,
            body,
            headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `${service.targetPrefix}.${operation}` },
          },
          await credentials(),
        ),
      )) as T;
    } catch (error) {
      if (attempt >= TRIES || !isTransientAwsError(error)) throw error;
      // The SDK's standard strategy: a jittered exponential wait, 100 ms base.
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 100 * 2 ** attempt));
    }
  }
}

/** The signed request sent; its JSON answer, or the AWS error it carries. */
function post(endpoint: URL, signed: { path?: string; headers?: Record<string, unknown>; body?: string | Buffer }): Promise<unknown> {
  const send = endpoint.protocol === 'http:' ? httpRequest : httpsRequest;
  return new Promise((resolve, reject) => {
    const req = send(new URL(signed.path ?? '/', endpoint), { method: 'POST', headers: signed.headers as Record<string, string> }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => {
        clearTimeout(timer);
        const status = res.statusCode ?? 0;
        const text = Buffer.concat(chunks).toString('utf8');
        const parsed = parse(text);
        if (status >= 200 && status < 300 && parsed !== undefined) return resolve(parsed);
        const requestId = res.headers['x-amzn-requestid'];
        reject(awsError(status, parsed, String(res.headers['x-amzn-errortype'] ?? ''), typeof requestId === 'string' ? requestId : undefined));
      });
    });
    const timer = setTimeout(() => req.destroy(Object.assign(new Error(`no answer within ${TIMEOUT_MS} ms`), { name: 'TimeoutError' })), TIMEOUT_MS);
    req.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    req.end(signed.body);
  });
}

/** An error answer as the SDK throws it: `{"__type": "…#ParameterNotFound", "message": "…"}` → ParameterNotFound. */
function awsError(status: number, body: unknown, errorType: string, requestId: string | undefined): Error {
  const fields = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  const type = String(fields['__type'] ?? fields['code'] ?? errorType);
  const name = type.split('#').pop()?.split(':')[0] || (status >= 500 ? 'InternalFailure' : 'UnknownError');
  const message = String(fields['message'] ?? fields['Message'] ?? `HTTP ${status}`);
  return Object.assign(new Error(message), { name, $fault: status >= 500 ? 'server' : 'client', $metadata: { httpStatusCode: status, requestId } });
}

function parse(text: string): unknown {
  try {
    return text === '' ? {} : JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The environment's keys (Lambda's), else the SDK's default chain (a profile, SSO, a container role…). */
async function credentials(): Promise<Credentials> {
  const accessKeyId = process.env['AWS_ACCESS_KEY_ID'];
  const secretAccessKey = process.env['AWS_SECRET_ACCESS_KEY'];
  if (accessKeyId && secretAccessKey) {
    const sessionToken = process.env['AWS_SESSION_TOKEN'];
    return sessionToken ? { accessKeyId, secretAccessKey, sessionToken } : { accessKeyId, secretAccessKey };
  }
  chain ??= import('@aws-sdk/credential-provider-node').then(({ defaultProvider }) => defaultProvider());
  return (await chain)();
}

let chain: Promise<() => Promise<Credentials>> | undefined;
