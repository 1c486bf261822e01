/**
 * Evaluates a policy over resource definitions: pure, so the CLI (offline, on files), the
 * governance Lambda (on what the SDK returns) and the tests all get the same violations.
 */
import type { GlobCompiler } from '../../kernel/glob';
import { picomatchGlobs } from '../../kernel/glob-picomatch';
import { productionStageTest } from '../../kernel/production';
import type { AnyRule, CustomRule, Finding, RuleHelpers, RuleKind } from './custom';
import type { BuildProject, PackageSubject, PipelineDefinition } from './definitions';
import { PolicyError } from './errors';
import { type Mode, type Policy, type PolicyRule, paramsOf, SCOPE_KEYS, type Scope, type ScopeKey, type Severity } from './policy';
import { ruleRegistry } from './registry';
import { packageLabel } from './rules/codeartifact';

export interface Violation {
  /** The policy rule's id (what the policy file calls it). */
  readonly ruleId: string;
  /** The check it ran: a built-in or custom rule id (equal to ruleId unless the policy set `rule:`). */
  readonly rule: string;
  readonly severity: Severity;
  readonly mode: Mode;
  readonly resource: { readonly kind: RuleKind; readonly name: string };
  readonly stage?: string;
  /** What is wrong and how to fix it; never a secret value. */
  readonly message: string;
}

export interface EvaluationContext {
  /** The config's `productionStages` (the one list approvals and rollback read too); its default when absent. */
  productionStages?: readonly string[];
  /** true when the config maps a rollback alarm to this stage */
  isGuardedByRollback?(pipeline: string, stage: string): boolean;
  /** The custom rules the policy may name (config/custom-rules.ts). */
  customRules?: readonly CustomRule[];
  /** How globs become name tests; picomatch unless a bundle brings globs compiled at package time. */
  globs?: GlobCompiler;
}

export interface EvaluationSubject {
  pipelines?: readonly PipelineDefinition[];
  projects?: readonly BuildProject[];
  packages?: readonly PackageSubject[];
}

/**
 * Every violation of the enabled rules, in policy order, then resource order.
 *
 * @example
 * evaluatePolicy({ pipelines: [getPipelineOutput.pipeline] }, policy, { customRules })
 * // [{ ruleId: 'production-approval', severity: 'error', mode: 'enforce', resource: { kind: 'pipeline', name: 'payments-api' }, stage: 'Production', message: 'production stage Production: …' }]
 */
export function evaluatePolicy(subject: EvaluationSubject, policy: Policy, context: EvaluationContext = {}): Violation[] {
  const registry = ruleRegistry(context.customRules);
  if (registry.problems.length) throw new PolicyError(registry.problems.join('; '));
  const helpers = helpersFor(context);
  return policy.rules
    .filter((rule) => rule.enabled)
    .flatMap((rule) => {
      const definition = registry.rules.get(rule.rule ?? rule.id);
      if (!definition) throw new PolicyError(`rule ${rule.id}: unknown rule "${rule.rule ?? rule.id}" (is the custom rule registered?)`);
      const params = paramsOf(definition, rule.params, [rule.id, 'params']);
      if (params.problems.length) throw new PolicyError(params.problems.join('; '));
      return runRule(definition, rule, params.value, subject, helpers);
    });
}

/**
 * The production stages of a pipeline (the ones whose inbound transition enforcement and freezes
 * disable), under the config's `productionStages`.
 *
 * @example protectedStages(pipeline, config.productionStages) // ['Production']
 */
export function protectedStages(pipeline: PipelineDefinition, productionStages: readonly string[]): string[] {
  const isProduction = productionStageTest(productionStages);
  return pipeline.stages.map((stage) => stage.name).filter((name) => isProduction(name));
}

function helpersFor(context: EvaluationContext): RuleHelpers {
  const glob = context.globs ?? picomatchGlobs();
  const isGuarded = context.isGuardedByRollback?.bind(context);
  return {
    isProductionStage: productionStageTest(context.productionStages),
    isGuardedByRollback: (pipeline, stage) => isGuarded?.(pipeline, stage) ?? false,
    glob,
  };
}

function runRule(definition: AnyRule, rule: PolicyRule, params: unknown, subject: EvaluationSubject, helpers: RuleHelpers): Violation[] {
  const violation =
    (kind: RuleKind, name: string) =>
    (finding: Finding): Violation => ({
      ruleId: rule.id,
      rule: definition.id,
      severity: rule.severity,
      mode: rule.mode,
      resource: { kind, name },
      ...(finding.stage === undefined ? {} : { stage: finding.stage }),
      message: finding.message,
    });
  const guarded = (name: string, run: () => Finding[]) => {
    try {
      return run();
    } catch (error) {
      throw new PolicyError(`rule ${rule.id} (${definition.id}) failed on ${name}: ${error instanceof Error ? error.message : String(error)}`, {
        cause: error,
      });
    }
  };
  const inScope = (values: Partial<Record<ScopeKey, string | null | undefined>>) => matchesScope(rule.scope, definition.kind, values, helpers);
  switch (definition.kind) {
    case 'pipeline':
      return (subject.pipelines ?? [])
        .filter((p) => inScope({ pipelines: p.name }))
        .flatMap((p) => guarded(p.name, () => definition.check(p, params, helpers)).map(violation('pipeline', p.name)));
    case 'project':
      return (subject.projects ?? [])
        .filter((p) => inScope({ projects: p.name }))
        .flatMap((p) => guarded(p.name, () => definition.check(p, params, helpers)).map(violation('project', p.name)));
    case 'package':
      return (subject.packages ?? [])
        .filter((p) => inScope({ domains: p.domain, repositories: p.repository, namespaces: p.package.namespace?.replace(/^@/, ''), packages: p.package.name }))
        .flatMap((p) => guarded(packageLabel(p), () => definition.check(p, params, helpers)).map(violation('package', packageLabel(p))));
  }
}

/**
 * In scope: every scope key of the rule's kind that the policy sets matches (a missing value, such
 * as a pypi package's namespace, matches nothing), and `exclude` does not match on all of its keys.
 */
function matchesScope(scope: Scope, kind: RuleKind, values: Partial<Record<ScopeKey, string | null | undefined>>, helpers: RuleHelpers): boolean {
  const matchesAll = (part: Partial<Record<ScopeKey, readonly string[]>>) =>
    SCOPE_KEYS[kind].every((key) => {
      const globs = part[key];
      const value = values[key];
      if (!globs) return true;
      return value != null && globs.some((glob) => helpers.glob(key === 'namespaces' ? glob.replace(/^@/, '') : glob)(value));
    });
  const excluded = scope.exclude !== undefined && SCOPE_KEYS[kind].some((key) => scope.exclude?.[key]) && matchesAll(scope.exclude);
  return matchesAll(scope) && !excluded;
}
