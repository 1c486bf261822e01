import { describe, expect, it } from 'vitest';
import { secretRefOf } from '../../functions/platform/secret-ref';

describe('secretRefOf', () => {
  it.each([
    ['/pipeline-warden/slack-bot-token', { store: 'ssm', by: 'name', id: '/pipeline-warden/slack-bot-token' }],
    ['slack-bot-token', { store: 'ssm', by: 'name', id: 'slack-bot-token' }],
    ['arn:aws:ssm:eu-west-1:123456789012:parameter/warden/slack', { store: 'ssm', by: 'arn', id: 'arn:aws:ssm:eu-west-1:123456789012:parameter/warden/slack' }],
    ['secretsmanager:warden/slack', { store: 'secretsmanager', by: 'name', id: 'warden/slack' }],
    [
      'arn:aws:secretsmanager:eu-west-1:123456789012:secret:warden/slack-AbCdEf',
      { store: 'secretsmanager', by: 'arn', id: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:warden/slack-AbCdEf' },
    ],
    // Every partition: China and GovCloud ARNs are secrets too.
    [
      'arn:aws-cn:secretsmanager:cn-north-1:123456789012:secret:w-AbCdEf',
      { store: 'secretsmanager', by: 'arn', id: 'arn:aws-cn:secretsmanager:cn-north-1:123456789012:secret:w-AbCdEf' },
    ],
    [
      'arn:aws-us-gov:secretsmanager:us-gov-west-1:123456789012:secret:w-AbCdEf',
      { store: 'secretsmanager', by: 'arn', id: 'arn:aws-us-gov:secretsmanager:us-gov-west-1:123456789012:secret:w-AbCdEf' },
    ],
  ])('%s → %j', (ref, expected) => {
    expect(secretRefOf(ref)).toEqual(expected);
  });
});
