/** Which check a policy rule runs: the built-in rules plus the project's custom ones. */
import { type AnyRule, type CustomRule, RULE_ID_PATTERN } from './custom';
import { BUILT_IN_RULES } from './rules';

export interface RuleRegistry {
  readonly rules: ReadonlyMap<string, AnyRule>;
  /** Custom rules that cannot be registered (bad or clashing ids); they are left out of `rules`. */
  readonly problems: readonly string[];
}

/**
 * @example ruleRegistry([]).rules.get('production-approval')?.kind // 'pipeline'
 */
export function ruleRegistry(customRules: readonly CustomRule[] = []): RuleRegistry {
  const rules = new Map<string, AnyRule>(BUILT_IN_RULES.map((rule) => [rule.id, rule]));
  const problems: string[] = [];
  for (const rule of customRules) {
    if (!RULE_ID_PATTERN.test(rule.id)) problems.push(`custom rule ${JSON.stringify(rule.id)}: an id is lower case letters, digits and dashes`);
    else if (BUILT_IN_RULES.some((builtIn) => builtIn.id === rule.id))
      problems.push(`custom rule ${rule.id}: a built-in rule has this id; rename the custom rule`);
    else if (rules.has(rule.id)) problems.push(`custom rule ${rule.id}: registered twice`);
    else rules.set(rule.id, rule);
  }
  return { rules, problems };
}

export const BUILT_IN_RULE_IDS: readonly string[] = BUILT_IN_RULES.map((rule) => rule.id);
