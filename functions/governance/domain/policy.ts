/**
 * The governance policy (`config/policy.yml`, documented in README.md, "Governance"): which
 * rules apply to which pipelines, projects and packages, how severe a violation is, and whether it
 * is only reported or enforced. Strict like the config: an unknown key is a typo that would
 * silently check nothing, so it is a problem with its path.
 *
 * This module has no YAML parser, so a Lambda can re-check its embedded policy (JSON) without one;
 * `parsePolicy` (policy-schema.ts) adds the YAML.
 */

import { globs } from '../../kernel/config/fields';
import { PRODUCTION_STAGES_SETTING } from '../../kernel/config/production-stages';
import { formatIssue, formatPath } from '../../kernel/issues';
import * as z from '../../kernel/zod';
import { type AnyRule, type CustomRule, RULE_ID_PATTERN, type RuleKind } from './custom';
import { REPORT_INPUT } from './definitions';
import { BUILT_IN_RULE_IDS, type RuleRegistry, ruleRegistry } from './registry';

export const Severity = z.enum(['error', 'warning', 'info']);
export type Severity = z.infer<typeof Severity>;
export const Mode = z.enum(['report', 'enforce']);
export type Mode = z.infer<typeof Mode>;

const scopeFields = {
  pipelines: z.optional(globs),
  projects: z.optional(globs),
  /** CodeArtifact domains, repositories, namespaces (npm scope without `@`, Maven groupId) and package names. */
  domains: z.optional(globs),
  repositories: z.optional(globs),
  namespaces: z.optional(globs),
  packages: z.optional(globs),
};
export const ScopeSchema = z.strictObject({ ...scopeFields, exclude: z.optional(z.strictObject(scopeFields)) });
export type Scope = z.infer<typeof ScopeSchema>;
export type ScopeKey = keyof typeof scopeFields;

/** Which scope keys select resources of each kind. */
export const SCOPE_KEYS: Readonly<Record<RuleKind, readonly ScopeKey[]>> = {
  pipeline: ['pipelines'],
  project: ['projects'],
  package: ['domains', 'repositories', 'namespaces', 'packages'],
};

export const PolicyRuleSchema = z.strictObject({
  /** This rule's name in the policy, in reports and in enforcement reasons; unique. */
  id: z.string().check(z.regex(RULE_ID_PATTERN, 'must be lower case letters, digits and dashes, e.g. prod-approval')),
  /** The check it runs (a built-in or custom rule id); defaults to `id`. */
  rule: z.optional(z.string().check(z.minLength(1))),
  /** Why the rule exists, for the people who read the policy. */
  description: z.optional(z.string()),
  enabled: z._default(z.boolean(), true),
  severity: z._default(Severity, 'error'),
  mode: z._default(Mode, 'report'),
  scope: z._default(ScopeSchema, {}),
  /** The rule's own parameters; validated by the rule's schema. */
  params: z.optional(z.unknown()),
});
export type PolicyRule = z.infer<typeof PolicyRuleSchema>;

/**
 * The policy has no production stages of its own: a second list would disagree with the one
 * approvals and rollback read. `warden policy check --config FILE` and the stack take it from the config.
 */
const MOVED_POLICY_KEY = `moved to the config: ${PRODUCTION_STAGES_SETTING} is the one list approvals, governance and rollback share (warden policy check reads it with --config FILE); delete it here`;

export const PolicySchema = z.strictObject({
  version: z.literal(1, 'must be 1'),
  /** Refused with a pointer to the config's `productionStages`, never silently ignored. */
  productionStages: z.optional(z.never(MOVED_POLICY_KEY)),
  rules: z.array(PolicyRuleSchema).check(z.minLength(1, 'at least one rule')),
});
export type Policy = z.infer<typeof PolicySchema>;

export type PolicyResult = { readonly ok: true; readonly policy: Policy } | { readonly ok: false; readonly problems: string[] };

export interface PolicyOptions {
  /** The custom rules the policy may name (config/custom-rules.ts). */
  readonly customRules?: readonly CustomRule[];
}

/**
 * Validates an already-parsed policy: the schema, then each rule against its check (known id,
 * parameters, scope keys that fit its kind, `enforce` only where it can act). Rule parameters come
 * back with their defaults filled in, and `rule` set.
 *
 * @example validatePolicy({ version: 1, rules: [{ id: 'prod-aproval' }] })
 * // { ok: false, problems: ['rules[0].id: unknown rule "prod-aproval"; built-in rules: production-approval, …'] }
 */
export function validatePolicy(value: unknown, options: PolicyOptions = {}): PolicyResult {
  // The rules are parsed one by one, so that one rule's typo does not hide another rule's problems.
  const shell = z.safeParse(PolicyShellSchema, value, REPORT_INPUT);
  const problems = shell.success ? [] : shell.error.issues.flatMap(formatIssue);
  const entries: unknown[] = shell.success ? shell.data.rules : rulesOf(value);
  const registry = ruleRegistry(options.customRules);
  problems.push(...registry.problems);
  const parsed = entries.flatMap((entry, index) => {
    const rule = z.safeParse(PolicyRuleSchema, entry, REPORT_INPUT);
    if (rule.success) return [{ rule: rule.data, index }];
    problems.push(...rule.error.issues.flatMap((issue) => formatIssue({ ...issue, path: ['rules', index, ...issue.path] })));
    return [];
  });
  const rules = parsed.map(({ rule, index }) => {
    const checked = checkRule(rule, index, parsed, registry);
    problems.push(...checked.problems);
    return checked.rule;
  });
  if (!shell.success || problems.length) return { ok: false, problems };
  return { ok: true, policy: { ...shell.data, rules } };
}

/** The top level of a policy, its rules still unparsed. */
const PolicyShellSchema = z.strictObject({ ...PolicySchema.shape, rules: z.array(z.unknown()).check(z.minLength(1, 'at least one rule')) });

function rulesOf(value: unknown): unknown[] {
  const rules = typeof value === 'object' && value !== null && 'rules' in value ? value.rules : undefined;
  return Array.isArray(rules) ? rules : [];
}

function checkRule(
  rule: PolicyRule,
  index: number,
  all: ReadonlyArray<{ rule: PolicyRule; index: number }>,
  registry: RuleRegistry,
): { rule: PolicyRule; problems: string[] } {
  const at = (...path: PropertyKey[]) => formatPath(['rules', index, ...path]);
  const problems: string[] = [];
  const first = all.find((other) => other.rule.id === rule.id)?.index ?? index;
  if (first < index)
    problems.push(`${at('id')}: "${rule.id}" is already the id of rules[${first}]; give each rule its own id (and set rule: to run the same check twice)`);
  const checkId = rule.rule ?? rule.id;
  const definition = registry.rules.get(checkId);
  if (!definition) return { rule, problems: [...problems, `${at(rule.rule ? 'rule' : 'id')}: ${unknownRule(checkId, registry)}`] };
  const params = paramsOf(definition, rule.params, ['rules', index, 'params']);
  problems.push(...params.problems);
  problems.push(...scopeProblems(rule.scope, definition).map((problem) => `${at('scope')}.${problem}`));
  if (rule.mode === 'enforce' && definition.kind !== 'pipeline') {
    problems.push(
      `${at('mode')}: enforce acts on pipelines only (it disables the transitions into production stages); ${definition.id} checks ${definition.kind}s, so use report`,
    );
  }
  return { rule: { ...rule, rule: checkId, params: params.value }, problems };
}

function unknownRule(id: string, registry: RuleRegistry): string {
  const custom = [...registry.rules.keys()].filter((key) => !BUILT_IN_RULE_IDS.includes(key));
  const customText = custom.length ? `custom rules: ${custom.join(', ')}` : 'no custom rules are registered (config/custom-rules.ts)';
  return `unknown rule "${id}"; built-in rules: ${BUILT_IN_RULE_IDS.join(', ')}; ${customText}`;
}

/** A rule's parameters parsed by its schema (defaults filled in); problems carry `path` before their own. */
export function paramsOf(definition: AnyRule, raw: unknown, path: readonly PropertyKey[]): { value: unknown; problems: string[] } {
  if (!definition.params) return { value: undefined, problems: raw === undefined ? [] : [`${formatPath(path)}: ${definition.id} takes no parameters`] };
  const result = z.safeParse(definition.params, raw, REPORT_INPUT);
  if (result.success) return { value: result.data, problems: [] };
  return { value: raw, problems: result.error.issues.flatMap((issue) => formatIssue({ ...issue, path: [...path, ...issue.path] })) };
}

function scopeProblems(scope: Scope, definition: AnyRule): string[] {
  const allowed = SCOPE_KEYS[definition.kind];
  const keysOf = (part: object | undefined, prefix: string) =>
    Object.keys(part ?? {})
      .filter((key) => key !== 'exclude' && !(allowed as readonly string[]).includes(key))
      .map((key) => `${prefix}${key}: ${definition.id} checks ${definition.kind}s; scope it with ${allowed.join(', ')}`);
  return [...keysOf(scope, ''), ...keysOf(scope.exclude, 'exclude.')];
}
