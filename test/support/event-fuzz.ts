/**
 * Mutations of real inputs (events, configs) for fuzz tests, on the seeded PRNG of slack-fuzz.ts:
 * types changed, fields removed, huge strings, unicode, mrkdwn control sequences, `__proto__` /
 * `constructor` keys and deep nesting. Deterministic for a seed; a failing case is reproduced by
 * its seed and id.
 */
import { type Rng, random, text, UNICODE } from './slack-fuzz';

export { type Rng, random };

type Path = ReadonlyArray<string | number>;

/** What an attacker would put in a name to reach Slack's readers. */
export const MRKDWN_ATTACKS = [
  '<!channel>',
  '<!here>',
  '<!everyone>',
  '<@U0ATTACKER>',
  '<!subteam^S0EVIL>',
  '<https://evil.example|click here>',
  'https://ci.example/x|<!channel>',
  'a>b<c',
  '&lt;!here&gt;',
  '*bold* _it_ `code` ```x```',
  '> quote',
];
const WRONG: readonly unknown[] = [0, -1, 1.5, 1e308, true, false, null, [], ['x'], {}, { nested: [1] }, '', 'x'];

/** Every path of a JSON value, containers included (the root is []). */
export function pathsOf(value: unknown, path: Path = [], out: Path[] = []): Path[] {
  out.push(path);
  if (Array.isArray(value))
    value.forEach((v, i) => {
      pathsOf(v, [...path, i], out);
    });
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) pathsOf(v, [...path, k], out);
  return out;
}

function getAt(root: unknown, path: Path): unknown {
  return path.reduce<unknown>((node, key) => (node as Record<string | number, unknown>)?.[key], root);
}

function setAt(root: unknown, path: Path, value: unknown): unknown {
  if (path.length === 0) return value;
  const parent = getAt(root, path.slice(0, -1)) as Record<string | number, unknown>;
  parent[path[path.length - 1]!] = value;
  return root;
}

function removeAt(root: unknown, path: Path): unknown {
  if (path.length === 0) return root;
  const parent = getAt(root, path.slice(0, -1));
  const key = path[path.length - 1]!;
  if (Array.isArray(parent)) parent.splice(Number(key), 1);
  else delete (parent as Record<string, unknown>)[key as string];
  return root;
}

function deep(rng: Rng, depth: number): unknown {
  let node: unknown = rng.pick(MRKDWN_ATTACKS);
  for (let i = 0; i < depth; i += 1) node = rng.next() < 0.5 ? [node] : { a: node };
  return node;
}

/** One generator per kind of mutation, weighted. */
const MUTATIONS: ReadonlyArray<[string, number, (rng: Rng, root: unknown, path: Path) => unknown]> = [
  ['wrong-type', 20, (rng, root, path) => setAt(root, path, structuredClone(rng.pick(WRONG)))],
  ['removed', 18, (_rng, root, path) => removeAt(root, path)],
  ['huge-string', 6, (rng, root, path) => setAt(root, path, `${rng.pick(MRKDWN_ATTACKS)}${text(rng, 5_000 + rng.int(45_000))}`)],
  ['unicode', 14, (rng, root, path) => setAt(root, path, text(rng, 1 + rng.int(60), UNICODE))],
  ['mrkdwn', 24, (rng, root, path) => setAt(root, path, `${rng.next() < 0.5 ? text(rng, rng.int(12)) : ''}${rng.pick(MRKDWN_ATTACKS)}`)],
  ['deep', 4, (rng, root, path) => setAt(root, path, deep(rng, 50 + rng.int(1_000)))],
  [
    'proto-keys',
    6,
    (rng, root, path) => {
      const node = getAt(root, path);
      const target = node && typeof node === 'object' && !Array.isArray(node) ? (node as Record<string, unknown>) : (root as Record<string, unknown>);
      // Own properties named like the prototype, as JSON.parse creates them.
      Object.defineProperty(target, rng.pick(['__proto__', 'constructor', 'prototype']), {
        value: { polluted: true, toString: 'x', prototype: { polluted: true } },
        enumerable: true,
        configurable: true,
        writable: true,
      });
      return root;
    },
  ],
];

/** A mutated deep copy of `base`: one to three mutations, the first of them on a string leaf half the time. */
export function mutate(rng: Rng, base: unknown): { value: unknown; kinds: string[] } {
  let value: unknown = structuredClone(base);
  const kinds: string[] = [];
  const total = MUTATIONS.reduce((sum, [, w]) => sum + w, 0);
  for (let n = 1 + rng.int(3); n > 0; n -= 1) {
    let draw = rng.int(total);
    const [kind, , apply] = MUTATIONS.find(([, w]) => {
      draw -= w;
      return draw < 0;
    })!;
    const paths = pathsOf(value);
    const leaves = paths.filter((p) => typeof getAt(value, p) === 'string');
    const path = leaves.length && rng.next() < 0.5 ? rng.pick(leaves) : rng.pick(paths.length > 1 ? paths.slice(1) : paths);
    value = apply(rng, value, path);
    kinds.push(kind);
  }
  return { value, kinds };
}

/** Every `<!…>` and `<@…>` in a text: the mentions and broadcasts Slack acts on. */
export function mentionsIn(text: string): string[] {
  return text.match(/<[!@][^>]*>/g) ?? [];
}
