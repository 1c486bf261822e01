/**
 * Reading the config and the policy a stack is packaged with, validated as `warden validate` and
 * `warden policy check` validate them, once per file: every `${file(...)}` of serverless.yml reads them.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseConfigFully } from '../../cli/config-problems';
import { customRules } from '../../config/custom-rules';
import { type Policy, parsePolicy } from '../../functions/governance/domain/policy-schema';
import type { Config } from '../../functions/kernel/config/schema';
import { InvalidConfigError } from './errors';

/** The project folder: config paths are relative to it, as in serverless.yml. */
export const PROJECT_DIR = path.resolve(__dirname, '../..');

type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly problems: readonly string[] };

/** Validated files per absolute path. */
const configs = new Map<string, Config>();
const policies = new Map<string, Policy>();

/**
 * Reads and validates a config file once per path: schema problems and the checks across
 * sections, in one pass (cli/config-problems.ts).
 *
 * @example loadConfig('config/warden.yml').slack.tokenParameter // '/pipeline-warden/slack-bot-token'
 * @throws InvalidConfigError listing every problem, or that the file cannot be read.
 */
export function loadConfig(configPath: string): Config {
  return loadValidated(configPath, 'config', configs, (text) => {
    const result = parseConfigFully(text);
    return result.ok ? { ok: true, value: result.config } : result;
  });
}

/**
 * Reads and validates the governance policy (config/policy.yml) with the same `parsePolicy` and
 * custom rules (config/custom-rules.ts) as `warden policy check`.
 *
 * @example loadPolicy('config/policy.yml').rules.length
 * @throws InvalidConfigError listing every problem, or that the file cannot be read.
 */
export function loadPolicy(policyPath: string): Policy {
  return loadValidated(policyPath, 'policy', policies, (text) => {
    const result = parsePolicy(text, { customRules });
    return result.ok ? { ok: true, value: result.policy } : result;
  });
}

function loadValidated<T>(filePath: string, kind: 'config' | 'policy', cache: Map<string, T>, parse: (text: string) => Parsed<T>): T {
  const file = path.resolve(PROJECT_DIR, filePath);
  const cached = cache.get(file);
  if (cached) return cached;
  const title = `Invalid pipeline-warden ${kind} ${path.relative(PROJECT_DIR, file)}`;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new InvalidConfigError(title, [`cannot read the file: ${error instanceof Error ? error.message : String(error)}`]);
  }
  const result = parse(text);
  if (!result.ok) throw new InvalidConfigError(title, result.problems);
  cache.set(file, result.value);
  return result.value;
}
