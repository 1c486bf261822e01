import { describe, expect, it, vi } from 'vitest';
import { PermanentError, RetryableError } from '../../functions/kernel/errors';
import { getSlackToken } from '../../functions/platform/slack-token';
import { useLocalSecrets } from '../support/aws-secrets-server';

const TOKEN = 'xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx';
const PARAM = '/pipeline-warden/slack-token';
const SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:pipeline-warden/slack-AbCdEf';

const aws = useLocalSecrets();

const ssmAnswers = (value: string) => aws.parameters.set(PARAM, value);
const failure = (ref: string) =>
  getSlackToken(ref).then(
    () => undefined,
    (e: unknown) => e as Error,
  );

describe('getSlackToken from SSM', () => {
  it('reads a SecureString, decrypted', async () => {
    ssmAnswers(TOKEN);

    expect(await getSlackToken(PARAM)).toBe(TOKEN);
    // Signed (the server refuses a signature that does not match), decrypted, from SSM only.
    expect(aws.reads).toEqual([`ssm.GetParameterCommand ${PARAM}`]);
  });

  it('reuses the value for five minutes instead of asking SSM each invocation, then reads it again', async () => {
    ssmAnswers(TOKEN);
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      await getSlackToken(PARAM);
      vi.advanceTimersByTime(299_000);
      await getSlackToken(PARAM);
      expect(aws.reads).toHaveLength(1);

      vi.advanceTimersByTime(2_000);
      await getSlackToken(PARAM);
      expect(aws.reads).toHaveLength(2);
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

  it('throws RetryableError when SSM keeps throttling (3 tries, as the SDK), so the record is tried again', async () => {
    ssmAnswers(TOKEN);
    aws.failNext('GetParameter', { status: 400, type: 'ThrottlingException', message: 'Rate exceeded' }, 3);
    const error = await failure(PARAM);

    expect(error).toBeInstanceOf(RetryableError);
    expect(error).not.toBeInstanceOf(PermanentError);
    expect(error?.message).toContain('ThrottlingException');
    expect(aws.reads).toHaveLength(3);
    // A failed read is not reused: the next invocation reads again.
    expect(await getSlackToken(PARAM)).toBe(TOKEN);
  });

  it('reads through one throttle or a 5xx, as the SDK retries them', async () => {
    ssmAnswers(TOKEN);
    aws.failNext('GetParameter', { status: 400, type: 'ThrottlingException', message: 'Rate exceeded' });
    aws.failNext('GetParameter', { status: 500, type: 'InternalServerError', message: 'oops' });

    expect(await getSlackToken(PARAM)).toBe(TOKEN);
    expect(aws.reads).toHaveLength(3);
  });

  it('throws PermanentError at once when the request is refused for its signature (wrong keys)', async () => {
    ssmAnswers(TOKEN);
    const key = process.env['AWS_SECRET_ACCESS_KEY'];
    process.env['AWS_SECRET_ACCESS_KEY'] = 'not-the-key';
    try {
      const error = await failure(PARAM);
      expect(error).toBeInstanceOf(PermanentError);
      expect(error?.message).toContain('InvalidSignatureException');
      expect(aws.reads).toHaveLength(1);
    } finally {
      process.env['AWS_SECRET_ACCESS_KEY'] = key;
    }
  });

  it('throws PermanentError when the function may not read it', async () => {
    aws.failNext('GetParameter', { status: 400, type: 'AccessDeniedException', message: 'not authorized to perform ssm:GetParameter' });
    const error = await failure(PARAM);

    expect(error).toBeInstanceOf(PermanentError);
    expect(error?.message).toContain('AccessDeniedException: not authorized to perform ssm:GetParameter');
  });

  it('reads a parameter named by its ARN', async () => {
    ssmAnswers(TOKEN);
    const arn = `arn:aws:ssm:eu-west-1:123456789012:parameter${PARAM}`;

    expect(await getSlackToken(arn)).toBe(TOKEN);
    expect(aws.reads).toEqual([`ssm.GetParameterCommand ${arn}`]);
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
    aws.secrets.set(secretId, secret);

    expect(await getSlackToken(ref)).toBe(TOKEN);
    expect(aws.reads).toEqual([`secretsmanager.GetSecretValueCommand ${secretId}`]);
  });

  it('reads a binary secret', async () => {
    aws.secrets.set(SECRET_ARN, new TextEncoder().encode(TOKEN));

    expect(await getSlackToken(SECRET_ARN)).toBe(TOKEN);
  });

  it('says which keys it looked for when the JSON has none of them', async () => {
    aws.secrets.set(SECRET_ARN, JSON.stringify({ slack: TOKEN }));
    const error = await failure(SECRET_ARN);

    expect(error).toBeInstanceOf(PermanentError);
    expect(error?.message).toMatch(/"token" or "botToken"/);
    expect(error?.message).not.toContain(TOKEN);
  });

  it('does not leak a secret that is broken JSON, not even through the cause', async () => {
    const broken = `{"token": "${TOKEN}",}`;
    aws.secrets.set(SECRET_ARN, broken);
    const error = await failure(SECRET_ARN);

    expect(error).toBeInstanceOf(PermanentError);
    expect(error?.message).not.toContain(TOKEN);
    expect(error?.cause).toBeUndefined();
  });

  it('names the secret when it does not exist', async () => {
    const error = await failure(SECRET_ARN);

    expect(error).toBeInstanceOf(PermanentError);
    expect(error?.message).toBe(`Slack token ${SECRET_ARN} not found (ResourceNotFoundException)`);
  });
});
