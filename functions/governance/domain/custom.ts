/**
 * Rules as code. Every built-in rule is written with {@link defineRule}, and so is a custom one:
 * a pure function of one resource definition (what AWS prints for it) that returns findings. The
 * policy file turns a rule on, with a severity, a scope and a mode; the rule never sees those.
 *
 * @example
 * // config/custom-rules.ts
 * export const customRules = [
 *   defineRule({
 *     id: 'no-github-v1-source',
 *     kind: 'pipeline',
 *     description: 'Source actions use a CodeConnections connection, not the GitHub (version 1) OAuth action.',
 *     check: (pipeline) =>
 *       pipeline.stages.flatMap((stage) =>
 *         stage.actions
 *           .filter((a) => a.actionTypeId.provider === 'GitHub' && a.actionTypeId.version === '1')
 *           .map((a) => ({ stage: stage.name, message: `action ${a.name} uses the GitHub (version 1) source: switch it to CodeStarSourceConnection` })),
 *       ),
 *   }),
 * ];
 */
import type { NameTest } from '../../kernel/glob';
import type * as z from '../../kernel/zod';
import type { BuildProject, PackageSubject, PipelineDefinition } from './definitions';

export const RULE_KINDS = ['pipeline', 'project', 'package'] as const;
export type RuleKind = (typeof RULE_KINDS)[number];

/** The definition a rule of each kind receives. */
export interface SubjectOfKind {
  pipeline: PipelineDefinition;
  project: BuildProject;
  package: PackageSubject;
}

/** One thing wrong with one resource: what is wrong, where, and how to fix it. Never a secret value. */
export interface Finding {
  readonly message: string;
  /** The pipeline stage it concerns, when there is one (enforcement and reports group by it). */
  readonly stage?: string;
}

/** What a rule may ask of the policy and the deployment around it; everything else is its input. */
export interface RuleHelpers {
  /** Whether the config calls this stage name a production stage (its `productionStages`, case-insensitive). */
  isProductionStage(stage: string): boolean;
  /** True when the config maps a rollback alarm to this stage (see EvaluationContext). */
  isGuardedByRollback(pipeline: string, stage: string): boolean;
  /** A glob as a name test (picomatch syntax, case-sensitive; memoized). */
  glob(pattern: string): NameTest;
}

export interface RuleDefinition<K extends RuleKind, P> {
  /** How the policy names the rule: lower case, digits and dashes. */
  readonly id: string;
  readonly kind: K;
  /** One sentence, shown by the docs and in problems about the rule. */
  readonly description: string;
  /**
   * The rule's `params:` in the policy file (zod, `import * as z from '…/functions/kernel/zod'`);
   * defaults fill what the policy leaves out. No schema: the rule takes no parameters.
   */
  readonly params?: z.ZodMiniType<P, unknown>;
  /** Pure: no I/O, no clock. Method syntax on purpose, so rules with different params share one list. */
  check(subject: SubjectOfKind[K], params: P, helpers: RuleHelpers): Finding[];
}

/** Any rule, as registries hold them. */
export type AnyRule = RuleDefinition<'pipeline', unknown> | RuleDefinition<'project', unknown> | RuleDefinition<'package', unknown>;
/** A rule of the project's own, registered in config/custom-rules.ts. */
export type CustomRule = AnyRule;

/** Identity with types: `params` and `check` agree, and `check` gets the right definition type. */
export function defineRule<K extends RuleKind, P = undefined>(rule: RuleDefinition<K, P>): RuleDefinition<K, P> {
  return rule;
}

export const RULE_ID_PATTERN = /^[a-z0-9][a-z0-9-]*$/;
