/**
 * Values that are credentials, recognized by shape. Findings name the variable and the kind of
 * credential, never the value: reports go to Slack, email and CI logs.
 */

interface Shape {
  readonly kind: string;
  readonly pattern: RegExp;
  /** What a report may show: a fixed prefix that says which kind of key it is, never the secret part. */
  readonly masked: (match: string) => string;
}

const hidden = () => 'value not shown';

const SHAPES: readonly Shape[] = [
  // Access key ids: AKIA (long-term) / ASIA (temporary) + 16 characters. The prefix is public knowledge.
  { kind: 'an AWS access key id', pattern: /\b(?:AKIA|ASIA)[A-Z0-9]{16}\b/, masked: (m) => `${m.slice(0, 4)}${'*'.repeat(16)}` },
  // Secret access keys: 40 base64 characters. Requiring upper, lower and a digit keeps git SHAs (hex) out.
  {
    kind: 'an AWS secret access key',
    pattern: /(?<![A-Za-z0-9/+=])(?=[A-Za-z0-9/+]*[A-Z])(?=[A-Za-z0-9/+]*[a-z])(?=[A-Za-z0-9/+]*[0-9])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])/,
    masked: hidden,
  },
  { kind: 'a GitHub token', pattern: /\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})\b/, masked: hidden },
  { kind: 'a Slack token', pattern: /\bxox[abposr]-[A-Za-z0-9-]{10,}/, masked: hidden },
  { kind: 'a private key', pattern: /-----BEGIN [A-Z ]*PRIVATE KEY-----/, masked: hidden },
];

/**
 * The kind of credential a value holds, with what may be shown of it; undefined when it looks like none.
 *
 * @example credentialIn('AKIAIOSFODNN7EXAMPLE') // { kind: 'an AWS access key id', shown: 'AKIA****************' }
 */
export function credentialIn(value: string): { kind: string; shown: string } | undefined {
  for (const shape of SHAPES) {
    const match = shape.pattern.exec(value);
    if (match) return { kind: shape.kind, shown: shape.masked(match[0]) };
  }
  return undefined;
}
