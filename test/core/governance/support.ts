/** Fixture loading and one-rule policies for the governance tests. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  type BuildProject,
  type PackageSubject,
  type PipelineDefinition,
  readDefinitions,
  type Subjects,
} from '../../../functions/governance/domain/definitions';
import { type EvaluationContext, evaluatePolicy, type Violation } from '../../../functions/governance/domain/evaluate';
import { type Policy, validatePolicy } from '../../../functions/governance/domain/policy';

export const FIXTURES = path.resolve(__dirname, '../../fixtures/governance');

/** A fresh copy of a fixture file's resources (tests mutate them). */
export function fixture(file: string): Subjects {
  const result = readDefinitions(JSON.parse(readFileSync(path.join(FIXTURES, file), 'utf8')));
  if (!result.ok) throw new Error(`${file}: ${result.problems.join('; ')}`);
  return result.subjects;
}

export function pipeline(name: string): PipelineDefinition {
  const [found] = fixture(`pipelines/${name}.json`).pipelines;
  if (!found) throw new Error(`no pipeline in ${name}.json`);
  return found;
}

export function project(name: string): BuildProject {
  const found = fixture('projects/batch-get-projects.json').projects.find((p) => p.name === name);
  if (!found) throw new Error(`no project ${name} in batch-get-projects.json`);
  return found;
}

export function packageSubject(file: string): PackageSubject {
  const [found] = fixture(`packages/${file}.json`).packages;
  if (!found) throw new Error(`no package in ${file}.json`);
  return found;
}

/** A valid policy of the given rules (throws with the problems otherwise). */
export function policyOf(rules: unknown[], extra: Record<string, unknown> = {}, context: EvaluationContext = {}): Policy {
  const result = validatePolicy({ version: 1, ...extra, rules }, { customRules: context.customRules ?? [] });
  if (!result.ok) throw new Error(result.problems.join('\n'));
  return result.policy;
}

/** The messages one rule reports on the subjects, each prefixed by its stage when it has one. */
export function findings(
  rule: Record<string, unknown>,
  subjects: Partial<Subjects>,
  context: EvaluationContext = {},
  extra: Record<string, unknown> = {},
): string[] {
  return evaluatePolicy(subjects, policyOf([rule], extra, context), context).map((v: Violation) => (v.stage ? `[${v.stage}] ${v.message}` : v.message));
}
