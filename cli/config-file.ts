import { readFileSync } from 'node:fs';
import { parseConfig, type ConfigResult } from '../functions/core/config/parse';

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
