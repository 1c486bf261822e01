/** IP literals for the `cidr` operator: IPv4 and IPv6 as byte arrays, compared byte by byte. */

/** Parses an IPv4 or IPv6 literal into its bytes; undefined when it is not one. */
export function parseIp(text: string): number[] | undefined {
  const v4 = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (v4 !== null) {
    const bytes = v4.slice(1).map(Number);
    return bytes.every((b) => b <= 255) ? bytes : undefined;
  }
  return /^[0-9a-fA-F:]*:[0-9a-fA-F:]*$/.test(text) ? parseIpv6(text) : undefined;
}

function parseIpv6(text: string): number[] | undefined {
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const groupsOf = (s: string | undefined): string[] => (s === undefined || s === '' ? [] : s.split(':'));
  const head = groupsOf(halves[0]);
  const tail = groupsOf(halves[1]);
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  const groups = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...tail];
  if (!groups.every((g) => /^[0-9a-fA-F]{1,4}$/.test(g))) return undefined;
  const bytes = groups.flatMap((g) => [parseInt(g, 16) >> 8, parseInt(g, 16) & 0xff]);
  // Java (and so Event Ruler) reads an IPv4-mapped IPv6 address as the IPv4 address it carries.
  const mapped = bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff;
  return mapped ? bytes.slice(12) : bytes;
}

export function compareIps(a: readonly number[] | undefined, b: readonly number[]): number {
  if (a === undefined || a.length !== b.length) return Number.NaN;
  const i = a.findIndex((byte, k) => byte !== b[k]);
  return i === -1 ? 0 : (a[i] ?? 0) - (b[i] ?? 0);
}
