import { describe, expect, it } from 'vitest';
import { PermanentError, RetryableError } from '../../functions/kernel/errors';
import { getSlackSigningSecret } from '../../functions/slack-actions/aws/signing-secret';
import { useLocalSecrets } from '../support/aws-secrets-server';

const SECRET = '8f742231b10e8888abcd99yyyzzz85a5';
const PARAM = '/pipeline-warden/slack-signing-secret';

const aws = useLocalSecrets();

const ssmAnswers = (value: string) => aws.parameters.set(PARAM, value);
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
    expect(aws.reads).toEqual([`ssm.GetParameterCommand ${PARAM}`]);
  });

  it.each([
    ['a plain string secret', SECRET],
    ['a JSON secret holding the token too', JSON.stringify({ token: 'xoxb-1-2-3', signingSecret: SECRET })],
    ['a JSON secret with signing_secret', JSON.stringify({ signing_secret: SECRET })],
  ])('reads %s from Secrets Manager', async (_label, secretString) => {
    aws.secrets.set('pipeline-warden/slack', secretString);

    expect(await getSlackSigningSecret('secretsmanager:pipeline-warden/slack')).toBe(SECRET);
    expect(aws.reads).toEqual(['secretsmanager.GetSecretValueCommand pipeline-warden/slack']);
  });

  it.each<[string, () => void, typeof PermanentError, RegExp]>([
    ['missing', () => undefined, PermanentError, /not found \(ParameterNotFound\)/],
    ['empty', () => ssmAnswers('  '), PermanentError, /is empty/],
    ['the bot token pasted by mistake', () => ssmAnswers('xoxb-123-456-abc'), PermanentError, /holds a Slack token/],
    [
      'throttled',
      () => aws.failNext('GetParameter', { status: 400, type: 'ThrottlingException', message: 'Rate exceeded' }, 3),
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
    aws.secrets.set('pipeline-warden/slack', `{"signingSecret": "${SECRET}"`);
    const error = await failure('secretsmanager:pipeline-warden/slack');

    expect(error?.message).toMatch(/not valid JSON/);
    expect(error?.message).not.toContain(SECRET);
    expect(error?.cause).toBeUndefined();
  });
});
