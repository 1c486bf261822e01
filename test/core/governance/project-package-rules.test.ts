/**
 * The built-in CodeBuild and CodeArtifact rules on batch-get-projects output and package subjects
 * (test/fixtures/governance), with passing and failing definitions.
 */
import { describe, expect, it } from 'vitest';
import type { BuildProject, EnvironmentVariable, PackageSubject } from '../../../functions/governance/domain/definitions';
import { findings, packageSubject, project } from './support';

const withVariables = (variables: EnvironmentVariable[]): BuildProject => {
  const p = project('payments-api-build');
  if (p.environment) p.environment.environmentVariables = variables;
  return p;
};
const withLogs = (logsConfig: BuildProject['logsConfig']): BuildProject => ({ ...project('payments-api-build'), logsConfig });

describe('codebuild-privileged-mode', () => {
  it.each<[string, BuildProject, Record<string, unknown>, string[]]>([
    ['privileged mode off', project('my-other-demo-project'), {}, []],
    ['privileged mode absent', project('payments-api-build'), {}, []],
    [
      'privileged mode on (the AWS CLI example)',
      project('codebuild-demo-project2'),
      {},
      [
        "project codebuild-demo-project2 runs in privileged mode (environment.privilegedMode: true), which gives its builds root on the Docker host; turn it off, or add the project to this rule's params.allow if it builds container images",
      ],
    ],
    ['privileged mode on, allow-listed', project('codebuild-demo-project2'), { allow: ['codebuild-demo-*'] }, []],
    [
      'privileged mode on, another project allow-listed',
      project('codebuild-demo-project2'),
      { allow: ['*-docker'] },
      [expect.stringContaining('runs in privileged mode')],
    ],
  ])('%s', (_name, subject, params, expected) => {
    expect(findings({ id: 'codebuild-privileged-mode', params }, { projects: [subject] })).toEqual(expected);
  });
});

describe('codebuild-plaintext-secrets', () => {
  const fix = "; store it in Secrets Manager or Parameter Store and set the variable's type to SECRETS_MANAGER or PARAMETER_STORE";
  it.each<[string, BuildProject, Record<string, unknown>, string[]]>([
    ['secrets in Parameter Store / Secrets Manager, a git SHA in plaintext', project('payments-api-build'), {}, []],
    [
      'an access key id, a secret key and a token (no type means PLAINTEXT)',
      project('legacy-deploy-scripts'),
      {},
      [
        `environment variable AWS_ACCESS_KEY_ID is PLAINTEXT and its value looks like an AWS access key id (AKIA****************)${fix}`,
        `environment variable DEPLOY_CREDENTIALS_B is PLAINTEXT and its value looks like an AWS secret access key (value not shown)${fix}`,
        `environment variable SLACK_WEBHOOK_TOKEN is PLAINTEXT and its name says it holds a secret (value not shown)${fix}`,
      ],
    ],
    [
      'an ignored name is still checked by value',
      project('legacy-deploy-scripts'),
      { ignoreNames: ['SLACK_WEBHOOK_*', 'AWS_*', 'DEPLOY_*'] },
      [expect.stringContaining('AWS_ACCESS_KEY_ID'), expect.stringContaining('DEPLOY_CREDENTIALS_B')],
    ],
    [
      'names match case-insensitively',
      withVariables([{ name: 'db_password', value: 'hunter2', type: 'PLAINTEXT' }]),
      {},
      [expect.stringContaining('environment variable db_password is PLAINTEXT and its name says it holds a secret')],
    ],
    [
      'the policy’s own names',
      withVariables([{ name: 'STRIPE_KEY', value: 'sk_live_x', type: 'PLAINTEXT' }]),
      { names: ['*_KEY'] },
      [expect.stringContaining('STRIPE_KEY')],
    ],
    [
      'a name that points at the secret (an ARN)',
      withVariables([{ name: 'DB_SECRET_ARN', value: 'arn:aws:secretsmanager:us-east-1:111122223333:secret:db-AbCdEf', type: 'PLAINTEXT' }]),
      {},
      [],
    ],
    ['an empty value', withVariables([{ name: 'API_TOKEN', value: '', type: 'PLAINTEXT' }]), {}, []],
    [
      'a GitHub token under an innocent name',
      withVariables([{ name: 'CLONE_WITH', value: `ghp_${'a1B2'.repeat(9)}`, type: 'PLAINTEXT' }]),
      {},
      [expect.stringContaining('CLONE_WITH is PLAINTEXT and its value looks like a GitHub token (value not shown)')],
    ],
    [
      'a temporary access key id inside a longer value',
      withVariables([{ name: 'AWS_ARGS', value: '--key ASIAIOSFODNN7EXAMPLE --region us-east-1', type: 'PLAINTEXT' }]),
      {},
      [expect.stringContaining('looks like an AWS access key id (ASIA****************)')],
    ],
    [
      'a SECRETS_MANAGER variable is never flagged',
      withVariables([{ name: 'AWS_SECRET_ACCESS_KEY', value: 'AKIAIOSFODNN7EXAMPLE', type: 'SECRETS_MANAGER' }]),
      {},
      [],
    ],
  ])('%s', (_name, subject, params, expected) => {
    expect(findings({ id: 'codebuild-plaintext-secrets', params }, { projects: [subject] })).toEqual(expected);
  });

  it('never prints a secret value', () => {
    const text = findings({ id: 'codebuild-plaintext-secrets' }, { projects: [project('legacy-deploy-scripts')] }).join('\n');
    for (const secret of ['AKIAIOSFODNN7EXAMPLE', 'IOSFODNN7EXAMPLE', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', 'XXXXXXXXXXXXXXXXXXXXXXXX'])
      expect(text).not.toContain(secret);
  });
});

describe('codebuild-logging', () => {
  it.each<[string, BuildProject, string[]]>([
    ['CloudWatch Logs enabled', project('payments-api-build'), []],
    ['no logsConfig: CloudWatch Logs are on by default', project('codebuild-demo-project2'), []],
    ['only S3 logs', withLogs({ cloudWatchLogs: { status: 'DISABLED' }, s3Logs: { status: 'ENABLED', location: 'acme-build-logs/payments' } }), []],
    ['S3 config without cloudWatchLogs', withLogs({ s3Logs: { status: 'DISABLED' } }), []],
    [
      'both disabled',
      project('legacy-deploy-scripts'),
      [
        'project legacy-deploy-scripts has both CloudWatch Logs and S3 logs disabled; set logsConfig.cloudWatchLogs.status (or logsConfig.s3Logs.status) to ENABLED',
      ],
    ],
  ])('%s', (_name, subject, expected) => {
    expect(findings({ id: 'codebuild-logging' }, { projects: [subject] })).toEqual(expected);
  });
});

describe('codeartifact-upstream-blocked', () => {
  const pypi: PackageSubject = { domain: 'acme', repository: 'python', package: { format: 'pypi', name: 'acme-utils' } };
  it.each<[string, PackageSubject, Record<string, unknown>, string[]]>([
    [
      'an internal npm package open to upstreams',
      packageSubject('acme-payments-client'),
      { namespaces: ['acme'] },
      [
        'internal package acme/internal @acme/payments-client allows upstream versions (restrictions.upstream: ALLOW); block them with aws codeartifact put-package-origin-configuration --domain acme --repository internal --format npm --namespace acme --package payments-client --restrictions publish=ALLOW,upstream=BLOCK',
      ],
    ],
    [
      'the scope written with @',
      packageSubject('acme-payments-client'),
      { namespaces: ['@acme'] },
      [expect.stringContaining('@acme/payments-client allows upstream versions')],
    ],
    ['an internal package that blocks upstreams', packageSubject('acme-ui-kit'), { namespaces: ['acme'] }, []],
    ['a public package', packageSubject('lodash'), { namespaces: ['acme'] }, []],
    [
      'a public name the policy calls internal',
      packageSubject('lodash'),
      { names: ['lodash'] },
      [expect.stringContaining('internal package acme/internal lodash allows upstream versions (restrictions.upstream: ALLOW)')],
    ],
    [
      'a package without origin configuration, by name',
      pypi,
      { names: ['acme-*'] },
      [
        expect.stringContaining(
          'internal package acme/python acme-utils allows upstream versions (restrictions.upstream: not set); block them with aws codeartifact put-package-origin-configuration --domain acme --repository python --format pypi --package acme-utils',
        ),
      ],
    ],
  ])('%s', (_name, subject, params, expected) => {
    expect(findings({ id: 'codeartifact-upstream-blocked', params }, { packages: [subject] })).toEqual(expected);
  });
});
