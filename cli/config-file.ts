import { readFileSync } from 'node:fs';
import { parseConfig } from '../functions/core/config/parse';
import type { ConfigResult } from '../functions/core/config/validate';

/** Reads and validates a config file; a missing file is one problem, not a stack trace. */
export function readConfigFile(file: string): ConfigResult {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    return { ok: false, problems: [`${file}: cannot read (${(error as NodeJS.ErrnoException).code ?? String(error)})`] };
  }
  return parseConfig(text);
}
