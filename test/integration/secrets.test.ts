/**
 * The Slack token and signing secret read from a local AWS (moto): functions/platform/aws-json.ts
 * signs and sends SSM `GetParameter` and Secrets Manager `GetSecretValue` itself (no SDK client), so
 * what it sends and how it reads the answers is checked here against moto's implementation of both
 * APIs: a SecureString decrypted, secrets by name, by ARN, as JSON and binary, and the error each
 * service gives for a name it does not have. (moto does not check signatures: the unit tests'
 * local server does, test/support/aws-secrets-server.ts.)
 */
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PermanentError } from '../../functions/kernel/errors';
import { callAwsJson, SECRETS_MANAGER } from '../../functions/platform/aws-json';
import { clearSecretCache } from '../../functions/platform/secret-value';
import { getSlackToken } from '../../functions/platform/slack-token';
import { getSlackSigningSecret } from '../../functions/slack-actions/aws/signing-secret';
import { onMoto, REGION } from './stack';

const TOKEN = 'xoxb-123456789012-1234567890123-MotoMotoMotoMotoMoto';
const SIGNING = '8f742231b10e8888abcd99yyyzzz85a5';
const VARIABLES = ['AWS_ENDPOINT_URL_SSM', 'AWS_ENDPOINT_URL_SECRETS_MANAGER', 'AWS_REGION', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY'] as const;
const before = VARIABLES.map((name) => [name, process.env[name]] as const);
let secretArn: string;

beforeAll(async () => {
  const moto = onMoto();
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_SSM: moto.endpoint,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: moto.endpoint,
    AWS_REGION: REGION,
    AWS_ACCESS_KEY_ID: moto.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: moto.credentials.secretAccessKey,
  });
  const ssm = new SSMClient(moto);
  await ssm.send(new PutParameterCommand({ Name: '/pipeline-warden-it/slack-bot-token', Type: 'SecureString', Value: TOKEN, Overwrite: true }));
  await ssm.send(new PutParameterCommand({ Name: '/pipeline-warden-it/slack-signing-secret', Type: 'SecureString', Value: `${SIGNING}\n`, Overwrite: true }));
  ssm.destroy();
  const created = await callAwsJson<{ ARN: string }>(SECRETS_MANAGER, 'CreateSecret', {
    Name: 'pipeline-warden-it/slack',
    SecretString: JSON.stringify({ token: TOKEN, signingSecret: SIGNING }),
  });
  secretArn = created.ARN;
  await callAwsJson(SECRETS_MANAGER, 'CreateSecret', { Name: 'pipeline-warden-it/binary', SecretBinary: Buffer.from(TOKEN).toString('base64') });
});
afterAll(() => {
  for (const [name, value] of before) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

const failure = (read: Promise<unknown>) =>
  read.then(
    () => undefined,
    (e: unknown) => e as Error,
  );

describe('secrets from a local AWS (moto)', () => {
  it('reads an SSM SecureString, decrypted, for the token and the signing secret', async () => {
    clearSecretCache();
    expect(await getSlackToken('/pipeline-warden-it/slack-bot-token')).toBe(TOKEN);
    expect(await getSlackSigningSecret('/pipeline-warden-it/slack-signing-secret')).toBe(SIGNING);
  });

  it('reads a JSON secret from Secrets Manager by name and by ARN, and a binary one', async () => {
    clearSecretCache();
    expect(await getSlackToken('secretsmanager:pipeline-warden-it/slack')).toBe(TOKEN);
    expect(await getSlackSigningSecret(secretArn)).toBe(SIGNING);
    expect(await getSlackToken('secretsmanager:pipeline-warden-it/binary')).toBe(TOKEN);
  });

  it('names what is missing, as each service reports it, as a permanent error', async () => {
    clearSecretCache();
    const parameter = await failure(getSlackToken('/pipeline-warden-it/missing'));
    expect(parameter).toBeInstanceOf(PermanentError);
    expect(parameter?.message).toBe('Slack token /pipeline-warden-it/missing not found (ParameterNotFound)');

    const secret = await failure(getSlackToken('secretsmanager:pipeline-warden-it/missing'));
    expect(secret).toBeInstanceOf(PermanentError);
    expect(secret?.message).toBe('Slack token secretsmanager:pipeline-warden-it/missing not found (ResourceNotFoundException)');
  });
});
