import { parseDuration as parse } from '../functions/core/duration';

/** A duration option (`--advance 30h`), or an error that names the option and shows examples. */
export function parseDuration(text: string, option: string): number {
  const ms = parse(text);
  if (ms === undefined) throw new Error(`${option}: not a duration: ${JSON.stringify(text)} (examples: 30h, 90m, 2d, 1h30m)`);
  return ms;
}
