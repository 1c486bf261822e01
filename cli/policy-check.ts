/**
 * `warden policy check [--policy FILE] [--config FILE] [--rules FILE.ts] [--json] PATH...`:
 * evaluates the policy offline on saved definitions (get-pipeline, batch-get-projects, package
 * subjects), for an infrastructure repository's CI. Exit 0: no error-severity violation; 1: at
 * least one; 2: the check could not run (usage, policy, config, rules file or definition file).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { customRules as registeredRules } from '../config/custom-rules';
import { type CustomRule, RULE_KINDS } from '../functions/governance/domain/custom';
import { readDefinitions, type Subjects } from '../functions/governance/domain/definitions';
import { evaluatePolicy, type Violation } from '../functions/governance/domain/evaluate';
import { type Policy, parsePolicy } from '../functions/governance/domain/policy-schema';
import { guardedStages } from '../functions/kernel/config/rollback';
import type { Config } from '../functions/kernel/config/schema';
import { readConfigFile } from './config-file';

export const POLICY_CHECK_USAGE = 'warden policy check [--policy FILE] [--config FILE] [--rules FILE.ts] [--json] PATH...';
const DEFAULT_CONFIG = 'config/warden.yml';

export interface PolicyCheckOptions {
  /** The word after `policy`: only `check` exists. */
  readonly subcommand: string | undefined;
  readonly policyFile: string;
  readonly configFile: string;
  readonly rulesFile?: string | undefined;
  readonly json: boolean;
  readonly paths: readonly string[];
  readonly out: NodeJS.WritableStream;
  readonly err: NodeJS.WritableStream;
}

/** Why the check cannot run: every problem, each naming its file. Exit code 2. */
class CheckSetupError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(problems.join('\n'));
  }
}

export function policyCheck(options: PolicyCheckOptions): number {
  if (options.subcommand !== 'check' || options.paths.length === 0) {
    options.err.write(`usage: ${POLICY_CHECK_USAGE}\n`);
    return 2;
  }
  try {
    const customRules = [...registeredRules, ...(options.rulesFile ? loadRulesFile(options.rulesFile) : [])];
    const policy = readPolicy(options.policyFile, customRules);
    const config = readConfig(options.configFile);
    const isGuardedByRollback = guardedByRollback(config);
    const context = { customRules, isGuardedByRollback, ...(config ? { productionStages: config.productionStages } : {}) };
    const files = readDefinitionFiles(options.paths);
    const violations = files.flatMap(({ file, subjects }) => evaluatePolicy(subjects, policy, context).map((v) => ({ file, ...v })));
    const resources = files.reduce((n, { subjects }) => n + subjects.pipelines.length + subjects.projects.length + subjects.packages.length, 0);
    (options.json ? printJson : printHuman)(violations, resources, options.out);
    return violations.some((v) => v.severity === 'error') ? 1 : 0;
  } catch (error) {
    const problems = error instanceof CheckSetupError ? error.problems : [error instanceof Error ? error.message : String(error)];
    for (const problem of problems) options.err.write(`${problem}\n`);
    return 2;
  }
}

/**
 * Whether pipeline-warden's rollback config maps an alarm to a stage (`rollback.guards[].pipeline`,
 * exact names), for production-alarm. No config: no stage is guarded by it.
 */
export function guardedByRollback(config: Config | undefined): (pipeline: string, stage: string) => boolean {
  const guarded = new Set((config ? guardedStages(config) : []).map(({ pipeline, stage }) => `${pipeline}\u0000${stage}`));
  return (pipeline, stage) => guarded.has(`${pipeline}\u0000${stage}`);
}

function readPolicy(file: string, customRules: readonly CustomRule[]): Policy {
  const result = parsePolicy(readText(file, 'policy'), { customRules });
  if (result.ok) return result.policy;
  throw new CheckSetupError([
    `${file}: invalid policy, ${result.problems.length} problem${result.problems.length === 1 ? '' : 's'}`,
    ...result.problems.map((p) => `  ${p}`),
  ]);
}

/** The config is optional: without config/warden.yml no rollback mapping exists. A named or invalid one must read. */
function readConfig(file: string): Config | undefined {
  if (file === DEFAULT_CONFIG && !existsSync(file)) return undefined;
  const result = readConfigFile(file);
  if (result.ok) return result.config;
  throw new CheckSetupError([`${file}: invalid config`, ...result.problems.map((p) => `  ${p}`)]);
}

/** A TypeScript module exporting `customRules` (or a default export): an array of defineRule(...) rules. */
function loadRulesFile(file: string): CustomRule[] {
  const { require: tsxRequire } = require('tsx/cjs/api') as typeof import('tsx/cjs/api');
  let loaded: unknown;
  try {
    loaded = tsxRequire(path.resolve(file), __filename);
  } catch (error) {
    throw new CheckSetupError([`${file}: cannot load the rules file (${error instanceof Error ? error.message.split('\n')[0] : String(error)})`]);
  }
  const exported =
    typeof loaded === 'object' && loaded !== null
      ? ((loaded as Record<string, unknown>)['customRules'] ?? (loaded as Record<string, unknown>)['default'])
      : undefined;
  if (!Array.isArray(exported))
    throw new CheckSetupError([`${file}: export an array of rules as customRules (export const customRules = [defineRule({...})])`]);
  const bad = exported.findIndex((rule) => !isRule(rule));
  if (bad >= 0)
    throw new CheckSetupError([
      `${file}: customRules[${bad}] is not a rule: use defineRule({ id, kind: 'pipeline' | 'project' | 'package', description, check })`,
    ]);
  return exported.filter(isRule);
}

function isRule(value: unknown): value is CustomRule {
  if (typeof value !== 'object' || value === null) return false;
  const rule = value as Record<string, unknown>;
  return typeof rule['id'] === 'string' && RULE_KINDS.some((kind) => kind === rule['kind']) && typeof rule['check'] === 'function';
}

function readText(file: string, what: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new CheckSetupError([`${file}: cannot read the ${what} file (${(error as NodeJS.ErrnoException).code ?? String(error)})`]);
  }
}

/** Files in the order given; a folder contributes every `*.json` under it, sorted by path. */
function readDefinitionFiles(paths: readonly string[]): Array<{ file: string; subjects: Subjects }> {
  const problems: string[] = [];
  const files = paths.flatMap((p) => {
    if (!existsSync(p) || !statSync(p).isDirectory()) return [p];
    const under = jsonFilesUnder(p);
    // An empty folder (a typo, a failed export step) must not pass CI as "no violations".
    if (under.length === 0) problems.push(`${p}: no *.json definition files in this folder`);
    return under;
  });
  const read = files.flatMap((file) => {
    let json: unknown;
    try {
      json = JSON.parse(readText(file, 'definition'));
    } catch (error) {
      problems.push(error instanceof CheckSetupError ? error.message : `${file}: not JSON (${(error as Error).message})`);
      return [];
    }
    const result = readDefinitions(json);
    if (result.ok) return [{ file, subjects: result.subjects }];
    problems.push(`${file}: unrecognized definition`, ...result.problems.map((p) => `  ${p}`));
    return [];
  });
  if (problems.length) throw new CheckSetupError(problems);
  return read;
}

function jsonFilesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((entry) => {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) return jsonFilesUnder(full);
      return entry.name.endsWith('.json') ? [full] : [];
    });
}

type FiledViolation = Violation & { readonly file: string };

const SEVERITY_ORDER = { error: 0, warning: 1, info: 2 } as const;

function summaryOf(violations: readonly FiledViolation[], resources: number) {
  const count = (severity: keyof typeof SEVERITY_ORDER) => violations.filter((v) => v.severity === severity).length;
  const violating = new Set(violations.map((v) => `${v.resource.kind}:${v.resource.name}`)).size;
  return { resources, violating, violations: violations.length, errors: count('error'), warnings: count('warning'), info: count('info') };
}

function printJson(violations: readonly FiledViolation[], resources: number, out: NodeJS.WritableStream): void {
  for (const violation of violations) out.write(`${JSON.stringify(violation)}\n`);
  out.write(`${JSON.stringify({ summary: summaryOf(violations, resources) })}\n`);
}

/** Grouped per resource, the resources with the worst violations first, each group severity first. */
function printHuman(violations: readonly FiledViolation[], resources: number, out: NodeJS.WritableStream): void {
  const groups = new Map<string, FiledViolation[]>();
  for (const v of violations) {
    const key = `${v.resource.kind} ${v.resource.name}\u0000${v.file}`;
    groups.set(key, [...(groups.get(key) ?? []), v]);
  }
  const worst = (vs: readonly FiledViolation[]) => Math.min(...vs.map((v) => SEVERITY_ORDER[v.severity]));
  const sorted = [...groups.values()].sort((a, b) => worst(a) - worst(b));
  for (const group of sorted) {
    const [first] = group;
    if (!first) continue;
    out.write(`${first.resource.kind} ${first.resource.name} (${first.file})\n`);
    for (const v of [...group].sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity])) {
      out.write(`  ${v.severity.padEnd(7)} ${v.ruleId}${v.mode === 'enforce' ? ' [enforce]' : ''}: ${v.message}\n`);
    }
    out.write('\n');
  }
  const s = summaryOf(violations, resources);
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  out.write(
    s.violations === 0
      ? `${plural(s.resources, 'resource')} checked: no violations\n`
      : `${plural(s.resources, 'resource')} checked, ${s.violating} with violations: ${plural(s.violations, 'violation')} (${plural(s.errors, 'error')}, ${plural(s.warnings, 'warning')}, ${s.info} info)\n`,
  );
}
