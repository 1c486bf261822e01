/**
 * Where a `slack.tokenParameter` / `slack.signingSecretParameter` value points: a Secrets Manager
 * secret (its ARN, or `secretsmanager:<name>`) or an SSM parameter (a name or an ARN). Pure and
 * SDK-free: the Lambda adapter (secret-value.ts) reads the value from it, and packaging
 * (infra/packaging/secrets.ts) grants the matching IAM action on the matching resource.
 */

/** `arn:aws:secretsmanager:…` in every partition (aws, aws-cn, aws-us-gov). */
const SECRET_ARN = /^arn:aws[a-z-]*:secretsmanager:/;
/** `secretsmanager:<name>`: a secret by name. */
export const SECRET_NAME_PREFIX = 'secretsmanager:';

/** A secret or an SSM parameter, named by its ARN or by its name. */
export interface SecretRef {
  readonly store: 'secretsmanager' | 'ssm';
  readonly by: 'arn' | 'name';
  /** What the store's API takes: `GetSecretValue`'s SecretId, `GetParameter`'s Name. */
  readonly id: string;
}

/**
 * The store a reference points to, and the id that store's API takes.
 *
 * @example
 * secretRefOf('secretsmanager:warden/slack') // { store: 'secretsmanager', by: 'name', id: 'warden/slack' }
 * secretRefOf('/pipeline-warden/slack-bot-token') // { store: 'ssm', by: 'name', id: '/pipeline-warden/slack-bot-token' }
 */
export function secretRefOf(ref: string): SecretRef {
  if (SECRET_ARN.test(ref)) return { store: 'secretsmanager', by: 'arn', id: ref };
  if (ref.startsWith(SECRET_NAME_PREFIX)) return { store: 'secretsmanager', by: 'name', id: ref.slice(SECRET_NAME_PREFIX.length) };
  return { store: 'ssm', by: ref.startsWith('arn:') ? 'arn' : 'name', id: ref };
}
