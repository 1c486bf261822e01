/** The IAM pieces packaging builds from the config: the token statements and the glob widening. */
import { describe, expect, it } from 'vitest';
import { codepipelineArn, iamGlob, orNone, uniqueSorted } from '../../../infra/packaging/iam';
import { secretIamStatement } from '../../../infra/packaging/secrets';

describe('secretIamStatement', () => {
  it.each([
    [
      '/pipeline-warden/slack-bot-token',
      ['ssm:GetParameter'],
      { 'Fn::Sub': 'arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter/pipeline-warden/slack-bot-token' },
    ],
    ['arn:aws:ssm:eu-west-1:123456789012:parameter/warden/slack', ['ssm:GetParameter'], 'arn:aws:ssm:eu-west-1:123456789012:parameter/warden/slack'],
    [
      'secretsmanager:warden/slack',
      ['secretsmanager:GetSecretValue'],
      { 'Fn::Sub': 'arn:${AWS::Partition}:secretsmanager:${AWS::Region}:${AWS::AccountId}:secret:warden/slack-??????' },
    ],
    [
      'arn:aws:secretsmanager:eu-west-1:123456789012:secret:w-AbCdEf',
      ['secretsmanager:GetSecretValue'],
      'arn:aws:secretsmanager:eu-west-1:123456789012:secret:w-AbCdEf',
    ],
  ])('%s: %j on its resource', (name, action, resource) => {
    expect(secretIamStatement('ReadSlackToken', name)).toEqual({ Sid: 'ReadSlackToken', Effect: 'Allow', Action: action, Resource: resource });
  });

  it('keeps the key order of the statements in the template (Sid, Effect, Action, Resource)', () => {
    expect(Object.keys(secretIamStatement('ReadSlackSigningSecret', 'x'))).toEqual(['Sid', 'Effect', 'Action', 'Resource']);
  });
});

describe('iamGlob', () => {
  it.each([
    ['web-*', 'web-*'],
    ['api.v2@team_x?', 'api.v2@team_x?'],
    ['api-{a,b}', '*'],
    ['build-[0-9]', '*'],
    ['!(legacy)', '*'],
    ['with space', '*'],
  ])('%s → %s', (glob, pattern) => {
    expect(iamGlob(glob)).toBe(pattern);
  });
});

describe('resource lists', () => {
  it('sorts and dedupes, and never leaves a Resource list empty', () => {
    expect(uniqueSorted(['b', 'a', 'b'])).toEqual(['a', 'b']);
    expect(orNone([], 'nobody')).toEqual(['nobody']);
    expect(orNone(['a'], 'nobody')).toEqual(['a']);
  });

  it('writes CodePipeline ARNs for CloudFormation to complete', () => {
    expect(codepipelineArn('web/Prod')).toEqual({ 'Fn::Sub': 'arn:${AWS::Partition}:codepipeline:${AWS::Region}:${AWS::AccountId}:web/Prod' });
  });
});
