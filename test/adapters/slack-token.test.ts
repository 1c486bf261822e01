import { clearCaches } from '@aws-lambda-powertools/parameters';
import { GetSecretValueCommand, ResourceNotFoundException, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetParameterCommand, ParameterNotFound, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { PermanentError, RetryableError } from '../../functions/kernel/errors';
import { getSlackToken } from '../../functions/platform/slack-token';

const ssm = mockClient(SSMClient);
const secrets = mockClient(SecretsManagerClient);
const TOKEN = 'xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx';
const PARAM = '/pipeline-warden/slack-token';
const SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:pipeline-warden/slack-AbCdEf';

beforeEach(() => {
  ssm.reset();
  secrets.reset();
  // Powertools caches per process; every test starts cold, as a new Lambda would.
  clearCaches();
});

const ssmAnswers = (value: string | undefined) => ssm.on(GetParameterCommand).resolves({ Parameter: { Name: PARAM, Type: 'SecureString', Value: value } });
const secretAnswers = (SecretString: string) => secrets.on(GetSecretValueCommand).resolves({ SecretString });
const failure = (ref: string) =>
  getSlackToken(ref).then(
    () => undefined,
    (e: unknown) => e as Error,
  );

describe('getSlackToken from SSM', () => {
  it('reads a SecureString, decrypted', async () => {
    ssmAnswers(TOKEN);

    expect(await getSlackToken(PARAM)).toBe(TOKEN);
    expect(ssm).toHaveReceivedCommandWith(GetParameterCommand, { Name: PARAM, WithDecryption: true });
    expect(secrets).not.toHaveReceivedAnyCommand();
  });

  it('reuses the value for five minutes instead of asking SSM each invocation, then reads it again', async () => {
    ssmAnswers(TOKEN);
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      await getSlackToken(PARAM);
      vi.advanceTimersByTime(299_000);
      await getSlackToken(PARAM);
      expect(ssm).toHaveReceivedCommandTimes(GetParameterCommand, 1);

      vi.advanceTimersByTime(2_000);
      await getSlackToken(PARAM);
      expect(ssm).toHaveReceivedCommandTimes(GetParameterCommand, 2);
    } finally {
      vi.useRealTimers();
    }
  });

  it('trims the newline an `echo … | aws ssm put-parameter` leaves behind', async () => {
    ssmAnswers(`${TOKEN}\n`);

    expect(await getSlackToken(PARAM)).toBe(TOKEN);
  });

  it('accepts rotating tokens (xoxe.xoxb-…)', async () => {
    ssmAnswers('xoxe.xoxb-1-MS0yLTEyMzQ1Njc4OQ');

    expect(await getSlackToken(PARAM)).toBe('xoxe.xoxb-1-MS0yLTEyMzQ1Njc4OQ');
  });

  it('names the parameter when it does not exist', async () => {
    ssm.on(GetParameterCommand).rejects(new ParameterNotFound({ message: '', $metadata: { httpStatusCode: 400 } }));
    const error = await failure(PARAM);

    expect(error).toBeInstanceOf(PermanentError);
    expect(error?.message).toBe(`Slack token ${PARAM} not found (ParameterNotFound)`);
  });

  it.each([
    ['empty', '   '],
    ['not a Slack token', 'ghp_notASlackTokenButAGitHubOne1234'],
    ['a Slack token with a space inside', 'xoxb-123 456'],
  ])('throws PermanentError naming the parameter, never the value, when it is %s', async (_label, value) => {
    ssmAnswers(value);
    const error = await failure(PARAM);

    expect(error).toBeInstanceOf(PermanentError);
    expect(error?.message).toContain(PARAM);
    if (value.trim() !== '') expect(error?.message).not.toContain(value.trim());
  });

  it('throws RetryableError when SSM throttles, so the record is tried again', async () => {
    ssm
      .on(GetParameterCommand)
      .rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $fault: 'client', $metadata: { httpStatusCode: 400 } }));
    const error = await failure(PARAM);

    expect(error).toBeInstanceOf(RetryableError);
    expect(error).not.toBeInstanceOf(PermanentError);
    expect(error?.message).toContain('ThrottlingException');
  });

  it('throws PermanentError when the function may not read it', async () => {
    ssm.on(GetParameterCommand).rejects(
      Object.assign(new Error('not authorized to perform ssm:GetParameter'), {
        name: 'AccessDeniedException',
        $fault: 'client',
        $metadata: { httpStatusCode: 400 },
      }),
    );

    expect(await failure(PARAM)).toBeInstanceOf(PermanentError);
  });
});

describe('getSlackToken from Secrets Manager', () => {
  it.each([
    ['a plain string secret, by ARN', SECRET_ARN, TOKEN, SECRET_ARN],
    [
      '{"token": …}, by secretsmanager: name',
      'secretsmanager:pipeline-warden/slack',
      JSON.stringify({ token: TOKEN, signingSecret: 'abc' }),
      'pipeline-warden/slack',
    ],
    ['{"botToken": …}', 'secretsmanager:pipeline-warden/slack', JSON.stringify({ botToken: TOKEN }), 'pipeline-warden/slack'],
  ])('reads %s', async (_label, ref, secret, secretId) => {
    secretAnswers(secret);

    expect(await getSlackToken(ref)).toBe(TOKEN);
    expect(secrets).toHaveReceivedCommandWith(GetSecretValueCommand, { SecretId: secretId });
    expect(ssm).not.toHaveReceivedAnyCommand();
  });

  it('reads a binary secret', async () => {
    secrets.on(GetSecretValueCommand).resolves({ SecretBinary: new TextEncoder().encode(TOKEN) });

    expect(await getSlackToken(SECRET_ARN)).toBe(TOKEN);
  });

  it('says which keys it looked for when the JSON has none of them', async () => {
    secretAnswers(JSON.stringify({ slack: TOKEN }));
    const error = await failure(SECRET_ARN);

    expect(error).toBeInstanceOf(PermanentError);
    expect(error?.message).toMatch(/"token" or "botToken"/);
    expect(error?.message).not.toContain(TOKEN);
  });

  it('does not leak a secret that is broken JSON, not even through the cause', async () => {
    const broken = `{"token": "${TOKEN}",}`;
    secretAnswers(broken);
    const error = await failure(SECRET_ARN);

    expect(error).toBeInstanceOf(PermanentError);
    expect(error?.message).not.toContain(TOKEN);
    expect(error?.cause).toBeUndefined();
  });

  it('names the secret when it does not exist', async () => {
    secrets
      .on(GetSecretValueCommand)
      .rejects(new ResourceNotFoundException({ message: 'Secrets Manager can’t find the specified secret.', $metadata: { httpStatusCode: 400 } }));
    const error = await failure(SECRET_ARN);

    expect(error).toBeInstanceOf(PermanentError);
    expect(error?.message).toContain(SECRET_ARN);
  });
});
