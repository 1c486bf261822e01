/**
 * Durations as people type them on a command line: `30h`, `90m`, `2d`, `1h30m`, `45s`. Written here
 * rather than taken from a library: the grammar is five units and the errors should name the option.
 */
const UNIT_MS = { d: 86_400_000, h: 3_600_000, m: 60_000, s: 1_000 } as const;

/** @example parseDuration('1h30m', '--advance') // 5_400_000 */
export function parseDuration(text: string, option: string): number {
  const parts = [...text.trim().matchAll(/(\d+(?:\.\d+)?)([dhms])/g)];
  const consumed = parts.map((p) => p[0]).join('');
  if (parts.length === 0 || consumed !== text.trim()) throw new Error(`${option}: not a duration: ${JSON.stringify(text)} (examples: 30h, 90m, 2d, 1h30m)`);
  return parts.reduce((ms, [, amount, unit]) => ms + Number(amount) * UNIT_MS[unit as keyof typeof UNIT_MS], 0);
}
