/**
 * YAML text to a plain value, or problems with their paths: syntax errors, and the alias problems
 * the `yaml` package only throws when it builds the value (an alias with no anchor before it, an
 * alias that contains itself, and alias bombs, past `maxAliasCount`, "Excessive alias count").
 * The config and the policy file read through it, so `warden validate` reports them as problems.
 */
import { type Document, isAlias, isCollection, isPair, isScalar, type Node, parseDocument, visit } from 'yaml';
import { formatPath } from '../issues';

export type YamlResult = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly problems: string[] };

/** As the `yaml` package's default: more resolved aliases than this is an attack, not a config. */
const MAX_ALIAS_COUNT = 100;

/**
 * @example parseYaml('routes: *nope') // { ok: false, problems: ['routes: yaml: alias *nope has no anchor &nope before it'] }
 */
export function parseYaml(text: string): YamlResult {
  const doc = parseDocument(text, { prettyErrors: true });
  if (doc.errors.length > 0) return { ok: false, problems: doc.errors.map((e) => `yaml: ${e.message.split('\n')[0] ?? e.message}`) };
  const problems = aliasProblems(doc);
  if (problems.length) return { ok: false, problems };
  try {
    return { ok: true, value: doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) };
  } catch (error) {
    // Excessive alias count (or anything else the value cannot be built for): where the aliases are.
    const where = firstAliasPath(doc);
    const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
    return { ok: false, problems: [`${where ? `${where}: ` : ''}yaml: ${message} (at most ${MAX_ALIAS_COUNT} aliases may be resolved)`] };
  }
}

/** Aliases without an anchor before them, and aliases inside the node they refer to (a cycle). */
function aliasProblems(doc: Document): string[] {
  const problems: string[] = [];
  visit(doc, {
    Alias(_key, alias, ancestors) {
      const at = formatPath(pathOf(ancestors, alias));
      const prefix = at ? `${at}: ` : '';
      const target = alias.resolve(doc);
      if (!target) problems.push(`${prefix}yaml: alias *${alias.source} has no anchor &${alias.source} before it`);
      else if (ancestors.includes(target as never)) problems.push(`${prefix}yaml: alias *${alias.source} is inside the node it refers to (a cycle)`);
    },
  });
  return problems;
}

function firstAliasPath(doc: Document): string | undefined {
  let found: string | undefined;
  visit(doc, {
    Alias(_key, alias, ancestors) {
      found = formatPath(pathOf(ancestors, alias));
      return visit.BREAK;
    },
  });
  return found;
}

/** The keys and indices from the document's root to `node`, as zod paths are. */
function pathOf(ancestors: readonly unknown[], node: unknown): PropertyKey[] {
  const path: PropertyKey[] = [];
  const chain = [...ancestors, node];
  for (let i = 0; i < chain.length - 1; i += 1) {
    const parent = chain[i];
    const child = chain[i + 1];
    if (isPair(parent)) continue;
    if (isCollection(parent)) {
      const items = parent.items as unknown[];
      const index = items.indexOf(child);
      if (isPair(child)) path.push(keyOf(child.key));
      else if (index >= 0) path.push(index);
    }
  }
  return path;
}

function keyOf(key: unknown): PropertyKey {
  if (isScalar(key)) return typeof key.value === 'number' ? String(key.value) : String(key.value);
  if (isAlias(key)) return `*${key.source}`;
  return String(key as Node | null);
}
