import { clearCaches } from '@aws-lambda-powertools/parameters';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetParameterCommand, ParameterNotFound, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it } from 'vitest';
import { PermanentError, RetryableError } from '../../functions/kernel/errors';
import { getSlackSigningSecret } from '../../functions/slack-actions/aws/signing-secret';

const ssm = mockClient(SSMClient);
const secrets = mockClient(SecretsManagerClient);
const SECRET = '8f742231b10e8888abcd99yyyzzz85a5';
const PARAM = '/pipeline-warden/slack-signing-secret';

beforeEach(() => {
  ssm.reset();
  secrets.reset();
  clearCaches();
});

const ssmAnswers = (Value: string) => ssm.on(GetParameterCommand).resolves({ Parameter: { Name: PARAM, Type: 'SecureString', Value } });
const failure = (ref: string) =>
  getSlackSigningSecret(ref).then(
    () => undefined,
    (e: unknown) => e as Error,
  );

describe('getSlackSigningSecret', () => {
  it('reads a SecureString from SSM, decrypted, trimmed, once per five minutes', async () => {
    ssmAnswers(`${SECRET}\n`);

    expect(await getSlackSigningSecret(PARAM)).toBe(SECRET);
    expect(await getSlackSigningSecret(PARAM)).toBe(SECRET);
    expect(ssm).toHaveReceivedCommandTimes(GetParameterCommand, 1);
    expect(ssm).toHaveReceivedCommandWith(GetParameterCommand, { Name: PARAM, WithDecryption: true });
    expect(secrets).not.toHaveReceivedAnyCommand();
  });

  it.each([
    ['a plain string secret', SECRET],
    ['a JSON secret holding the token too', JSON.stringify({ token: 'xoxb-1-2-3', signingSecret: SECRET })],
    ['a JSON secret with signing_secret', JSON.stringify({ signing_secret: SECRET })],
  ])('reads %s from Secrets Manager', async (_label, SecretString) => {
    secrets.on(GetSecretValueCommand).resolves({ SecretString });

    expect(await getSlackSigningSecret('secretsmanager:pipeline-warden/slack')).toBe(SECRET);
    expect(secrets).toHaveReceivedCommandWith(GetSecretValueCommand, { SecretId: 'pipeline-warden/slack' });
    expect(ssm).not.toHaveReceivedAnyCommand();
  });

  it.each<[string, () => void, typeof PermanentError, RegExp]>([
    [
      'missing',
      () => ssm.on(GetParameterCommand).rejects(new ParameterNotFound({ message: '', $metadata: { httpStatusCode: 400 } })),
      PermanentError,
      /not found \(ParameterNotFound\)/,
    ],
    ['empty', () => ssmAnswers('  '), PermanentError, /is empty/],
    ['the bot token pasted by mistake', () => ssmAnswers('xoxb-123-456-abc'), PermanentError, /holds a Slack token/],
    [
      'throttled',
      () => ssm.on(GetParameterCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $metadata: { httpStatusCode: 400 } })),
      RetryableError,
      /could not be read: ThrottlingException/,
    ],
  ])('names the parameter, never the value, when it is %s', async (_label, arrange, kind, message) => {
    arrange();
    const error = await failure(PARAM);

    expect(error).toBeInstanceOf(kind);
    expect(error?.message).toMatch(message);
    expect(error?.message).toContain(PARAM);
    expect(error?.message).not.toContain('xoxb-123');
  });

  it('does not quote a broken JSON secret', async () => {
    secrets.on(GetSecretValueCommand).resolves({ SecretString: `{"signingSecret": "${SECRET}"` });
    const error = await failure('secretsmanager:pipeline-warden/slack');

    expect(error?.message).toMatch(/not valid JSON/);
    expect(error?.message).not.toContain(SECRET);
    expect(error?.cause).toBeUndefined();
  });
});
