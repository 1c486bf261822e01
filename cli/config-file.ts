import { readFileSync } from 'node:fs';
import type { ConfigResult } from '../functions/kernel/config/validate';
import { parseConfigFully } from './config-problems';

/** Reads a file for a command; a missing file is one problem naming it, not a stack trace. */
export function readTextFile(file: string): { ok: true; text: string } | { ok: false; problem: string } {
  try {
    return { ok: true, text: readFileSync(file, 'utf8') };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a folder, not a file' : (code ?? String(error));
    return { ok: false, problem: `cannot read (${why})` };
  }
}

/** Reads and validates a config file, reporting every problem (schema and cross-section) at once. */
export function readConfigFile(file: string): ConfigResult {
  const read = readTextFile(file);
  if (!read.ok) return { ok: false, problems: [`${file}: ${read.problem}`] };
  return parseConfigFully(read.text);
}
