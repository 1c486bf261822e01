/**
 * Durations as people write them in a config or on a command line: `30m`, `4h`, `2d`, `1d12h`,
 * `45s`. Written here rather than taken from a library: the grammar is four units, and errors must
 * name the config path or option they come from.
 */
const UNIT_MS = { d: 86_400_000, h: 3_600_000, m: 60_000, s: 1_000 } as const;

export const DURATION_PATTERN = /^(?:\d+(?:\.\d+)?[dhms])+$/;

/**
 * Milliseconds, or undefined when the text is not a duration.
 *
 * @example parseDuration('1h30m') // 5_400_000
 */
export function parseDuration(text: string): number | undefined {
  const trimmed = text.trim();
  if (!DURATION_PATTERN.test(trimmed)) return undefined;
  let ms = 0;
  for (const [, amount, unit] of trimmed.matchAll(/(\d+(?:\.\d+)?)([dhms])/g)) ms += Number(amount) * UNIT_MS[unit as keyof typeof UNIT_MS];
  return ms;
}

/** `90000000` → `1d 1h`: the two largest units, for messages. */
export function formatDuration(ms: number): string {
  const parts: string[] = [];
  let rest = Math.max(0, Math.round(ms / 60_000)) * 60_000;
  for (const [unit, size] of Object.entries(UNIT_MS)) {
    if (rest >= size && parts.length < 2) {
      parts.push(`${Math.floor(rest / size)}${unit}`);
      rest %= size;
    }
  }
  return parts.length ? parts.join(' ') : '0m';
}
