/**
 * parseConfig and the policy parser fuzzed (security review, issue 10, "Done when"): ≥ 500
 * mutations of the shipped config, the every-feature example and the policy (types changed, fields
 * removed, huge strings, unicode, `__proto__` keys, deep nesting, and YAML-level damage: alias
 * bombs, unresolved and cyclic aliases, cut text). No crash; each is valid or a list of problems.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { customRules } from '../../../config/custom-rules';
import { parsePolicy } from '../../../functions/governance/domain/policy-schema';
import { parseConfig } from '../../../functions/kernel/config/parse';
import { mutate, type Rng, random } from '../../support/event-fuzz';

const CONFIGS = ['config/warden.yml', 'config/examples/every-feature.yml'].map((f) => readFileSync(f, 'utf8'));
const POLICY = readFileSync('config/policy.yml', 'utf8');
const BOMB = [
  'z0: &z0 ["x","x","x","x","x","x","x","x","x"]',
  ...[1, 2, 3, 4, 5, 6].map(
    (i) =>
      `z${i}: &z${i} [${Array(9)
        .fill(`*z${i - 1}`)
        .join(',')}]`,
  ),
].join('\n');

/** Damage at the YAML level, where the parser itself is attacked. */
function yamlDamage(rng: Rng, text: string): string {
  switch (rng.int(5)) {
    case 0:
      return `${text}\n${BOMB}\n`;
    case 1:
      return text.replace(/: ([\w"[{][^\n]*)/, ': *nowhere');
    case 2:
      return text.replace(/^routes:/m, 'routes: &loop').replace(/(\n {4}channels: )[^\n]+/, '$1*loop');
    case 3:
      return text.slice(0, rng.int(text.length));
    default:
      return text.replace(/\n/g, () => (rng.next() < 0.02 ? '\n\t' : '\n'));
  }
}

/** YAML text of a value; JSON (YAML too) where the `yaml` writer cannot nest that deep. */
function asYaml(value: unknown): string {
  try {
    return stringify(value, { aliasDuplicateObjects: false });
  } catch {
    return JSON.stringify(value);
  }
}

function isResult(r: unknown): boolean {
  if (typeof r !== 'object' || r === null) return false;
  const x = r as { ok?: unknown; problems?: unknown };
  if (x.ok === true) return true;
  return x.ok === false && Array.isArray(x.problems) && x.problems.length > 0 && x.problems.every((p) => typeof p === 'string' && p.length > 0);
}

describe('config and policy fuzz', () => {
  it('500 mutated configs and 200 mutated policies: no crash, each valid or a problem list', () => {
    const rng = random(20261124);
    const crashes: string[] = [];
    const outcomes = { valid: 0, problems: 0 };
    const began = Date.now();
    const check = (id: number, what: string, run: () => unknown) => {
      try {
        const result = run();
        if (!isResult(result)) crashes.push(`#${id} ${what}: not a result: ${JSON.stringify(result)?.slice(0, 200)}`);
        else outcomes[(result as { ok: boolean }).ok ? 'valid' : 'problems'] += 1;
      } catch (error) {
        crashes.push(`#${id} ${what}: ${error instanceof Error ? `${error.name}: ${error.message.slice(0, 200)}` : String(error)}`);
      }
    };
    for (let id = 0; id < 700; id += 1) {
      const policy = id >= 500;
      const base = policy ? POLICY : CONFIGS[id % CONFIGS.length]!;
      let text: string;
      let what: string;
      if (rng.next() < 0.25) {
        text = yamlDamage(rng, base);
        what = 'yaml-damage';
      } else {
        const { value, kinds } = mutate(rng, parse(base));
        text = rng.next() < 0.5 ? JSON.stringify(value) : asYaml(value);
        what = kinds.join('+');
      }
      check(id, what, () => (policy ? parsePolicy(text, { customRules }) : parseConfig(text)));
    }
    const ms = Date.now() - began;
    console.info(`config fuzz: 700 files in ${ms} ms; ${JSON.stringify(outcomes)}`);
    expect(crashes).toEqual([]);
    expect(outcomes.problems).toBeGreaterThan(250);
    expect(outcomes.valid).toBeGreaterThan(20);
  }, 60_000);
});
