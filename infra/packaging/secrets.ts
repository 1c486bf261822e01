/**
 * The IAM statements that let functions read the Slack bot token and signing secret, from the
 * same reading of `slack.tokenParameter` / `slack.signingSecretParameter` as the Lambda adapter
 * (functions/platform/secret-ref.ts): an SSM parameter or a Secrets Manager secret.
 */
import { secretRefOf } from '../../functions/platform/secret-ref';
import { type IamResource, sub } from './iam';

/**
 * IAM resource of a token or secret. The account comes from `Fn::Sub` (`${AWS::AccountId}`),
 * resolved by CloudFormation at deploy time: `${aws:accountId}` would need credentials at package
 * time, and a `*` account would grant reading a same-named parameter in any account.
 *
 * @example tokenResourceOf('secretsmanager:warden/slack')
 * // { 'Fn::Sub': 'arn:${AWS::Partition}:secretsmanager:${AWS::Region}:${AWS::AccountId}:secret:warden/slack-??????' }
 */
export function tokenResourceOf(name: string): IamResource {
  const ref = secretRefOf(name);
  // A full ARN (SSM parameter, or secret with its 6-character suffix) is used as given.
  if (ref.by === 'arn') return name;
  // Secret ARNs end in `-` and 6 random characters that the name does not know.
  if (ref.store === 'secretsmanager') return sub(`arn:\${AWS::Partition}:secretsmanager:\${AWS::Region}:\${AWS::AccountId}:secret:${ref.id}-??????`);
  // SSM ARNs put a `/` between `parameter` and the name; a hierarchical name already starts with one.
  const suffix = ref.id.startsWith('/') ? ref.id : `/${ref.id}`;
  return sub(`arn:\${AWS::Partition}:ssm:\${AWS::Region}:\${AWS::AccountId}:parameter${suffix}`);
}

export interface SecretStatement {
  readonly Sid: string;
  readonly Effect: 'Allow';
  readonly Action: readonly string[];
  readonly Resource: IamResource;
}

/**
 * The whole statement: the action differs between SSM and Secrets Manager.
 *
 * @example secretIamStatement('ReadSlackToken', '/pipeline-warden/slack-bot-token').Action // ['ssm:GetParameter']
 */
export function secretIamStatement(sid: string, name: string): SecretStatement {
  return {
    Sid: sid,
    Effect: 'Allow',
    // A SecureString under the AWS managed key aws/ssm needs no kms:Decrypt grant; a customer managed
    // key would (grant it on that key, never on `*`).
    Action: secretRefOf(name).store === 'secretsmanager' ? ['secretsmanager:GetSecretValue'] : ['ssm:GetParameter'],
    Resource: tokenResourceOf(name),
  };
}
