/**
 * Who started a run, as far as it can be trusted (issue 10, finding 5): a role session name is
 * chosen by whoever assumes the role, so its email counts only for IAM Identity Center roles and
 * the roles the config names as trusted.
 */
import { describe, expect, it } from 'vitest';
import { starterOf } from '../../../functions/approvals/domain/starter';
import { picomatchGlobs } from '../../../functions/kernel/glob-picomatch';

const glob = picomatchGlobs();
const session = (role: string, name: string) => `arn:aws:sts::123456789012:assumed-role/${role}/${name}`;

describe('starterOf', () => {
  it.each([
    ['an IAM Identity Center session', session('AWSReservedSSO_Deployer_5f1e2d3c4b5a6978', 'dana@example.com'), [], { email: 'dana@example.com' }],
    [
      'a GovCloud Identity Center session',
      'arn:aws-us-gov:sts::123456789012:assumed-role/AWSReservedSSO_Ops_1a2b/erin@example.com',
      [],
      { email: 'erin@example.com' },
    ],
    ['a role the config trusts (SAML federation)', session('Federated-Deployer', 'lee@example.com'), ['Federated-*'], { email: 'lee@example.com' }],
  ])('trusts %s', (_name, detail, trusted, expected) => {
    expect(starterOf({ detail, type: 'StartPipelineExecution' }, trusted, glob)).toEqual(expected);
  });

  it.each([
    [
      'any other role: Alice assumes Deployer as "bob@example.com"',
      session('Deployer', 'bob@example.com'),
      [],
      /session name of role Deployer is chosen by whoever assumes it/,
    ],
    [
      'a role that only looks like Identity Center',
      session('MyAWSReservedSSO_x', 'bob@example.com'),
      [],
      /role MyAWSReservedSSO_x is chosen by whoever assumes it/,
    ],
    [
      'a trusted role whose session name is not an email',
      session('Federated-Deployer', 'i-0abc123'),
      ['Federated-*'],
      /session name "i-0abc123" of role Federated-Deployer is not an email/,
    ],
    ['an IAM user (not a session)', 'arn:aws:iam::123456789012:user/bob@example.com', [], /not by a person's session/],
    ['a webhook', 'arn:aws:codepipeline:eu-west-1:123456789012:webhook:payments-hook', [], /started by Webhook arn:aws:codepipeline/],
    ['a rule (source change)', 'arn:aws:events:eu-west-1:123456789012:rule/codepipeline-payments-main', [], /started by Webhook arn:aws:events/],
  ])('does not trust %s', (_name, detail, trusted, reason) => {
    const starter = starterOf({ detail, type: 'Webhook' }, trusted, glob);
    expect(starter).toEqual({ unknown: expect.stringMatching(reason) });
  });

  it('names no starter when CodePipeline names none', () => {
    expect(starterOf({ type: 'PollForSourceChanges' }, [], glob)).toEqual({ unknown: 'CodePipeline names no starter (trigger PollForSourceChanges)' });
  });
});
