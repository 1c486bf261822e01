import { describe, expect, it } from 'vitest';
import { credentialIn } from '../../../functions/governance/domain/secrets';

describe('credentialIn', () => {
  it.each<[string, string, ReturnType<typeof credentialIn>]>([
    ['an AWS access key id (AWS docs example)', 'AKIAIOSFODNN7EXAMPLE', { kind: 'an AWS access key id', shown: 'AKIA****************' }],
    ['a temporary access key id', 'ASIAIOSFODNN7EXAMPLE', { kind: 'an AWS access key id', shown: 'ASIA****************' }],
    ['an AWS secret access key (AWS docs example)', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', { kind: 'an AWS secret access key', shown: 'value not shown' }],
    ['a private key', '-----BEGIN RSA PRIVATE KEY-----\nMIIE...', { kind: 'a private key', shown: 'value not shown' }],
    ['a Slack bot token', 'xoxb-123456789012-abcdefghijkl', { kind: 'a Slack token', shown: 'value not shown' }],
    ['a git commit SHA (hex, 40)', '9fceb02d0ae598e95dc970b74767f19372d61af8', undefined],
    ['a 19-character AKIA string', 'AKIAIOSFODNN7EXAMPL', undefined],
    ['a 41-character base64 run', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEYx', undefined],
    ['a URL', 'https://example.com/releases/payments-api', undefined],
    ['a region', 'us-east-1', undefined],
  ])('%s', (_name, value, expected) => {
    expect(credentialIn(value)).toEqual(expected);
  });
});
