/**
 * `warden validate [--config FILE | FILE] [--policy FILE]`: exit 0 and a one-line summary per file,
 * or exit 1 and every problem with its path, for every file named (one pass, nothing hidden behind
 * another problem).
 */
import { customRules } from '../config/custom-rules';
import { parsePolicy } from '../functions/governance/domain/policy-schema';
import { readConfigFile, readTextFile } from './config-file';

export interface ValidateOptions {
  readonly configFile: string;
  readonly policyFile?: string | undefined;
  readonly out: NodeJS.WritableStream;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * @example validate({ configFile: 'config/warden.yml', out }) // "config/warden.yml: valid, 3 routes, 3 Slack channels, 1 SNS topic"
 */
export function validate(options: ValidateOptions): number {
  const results = [validateConfig(options.configFile), ...(options.policyFile ? [validatePolicy(options.policyFile)] : [])];
  for (const result of results) {
    if (result.ok) options.out.write(`${result.summary}\n`);
    else options.out.write(`${result.file}: ${plural(result.problems.length, 'problem')}\n${result.problems.map((p) => `  ${p}\n`).join('')}`);
  }
  return results.every((r) => r.ok) ? 0 : 1;
}

type FileResult = { ok: true; summary: string } | { ok: false; file: string; problems: readonly string[] };

function validateConfig(file: string): FileResult {
  const result = readConfigFile(file);
  if (!result.ok) return { ok: false, file, problems: result.problems.map((p) => p.replace(`${file}: `, '')) };
  const { routes } = result.config;
  const channels = new Set(routes.flatMap((r) => r.slack?.channels ?? []));
  const topics = new Set(routes.flatMap((r) => r.email?.topics ?? []));
  return {
    ok: true,
    summary: `${file}: valid, ${plural(routes.length, 'route')}, ${plural(channels.size, 'Slack channel')}, ${plural(topics.size, 'SNS topic')}`,
  };
}

function validatePolicy(file: string): FileResult {
  const read = readTextFile(file);
  if (!read.ok) return { ok: false, file, problems: [read.problem] };
  const result = parsePolicy(read.text, { customRules });
  if (!result.ok) return { ok: false, file, problems: result.problems };
  return { ok: true, summary: `${file}: valid policy, ${plural(result.policy.rules.length, 'rule')}` };
}
