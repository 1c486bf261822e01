/**
 * Every problem of a config in one pass. `parseConfig` runs the checks across sections (durations
 * in order, duplicate guards, cron expressions) only once the whole schema passes, so a user who
 * fixed the schema problems met a second list. Here, when the schema fails, the sections that do
 * parse (and, inside a section, its list items that do) are cross-checked too.
 */

import { crossCheck } from '../functions/kernel/config/cross-checks';
import { parseConfig } from '../functions/kernel/config/parse';
import { type Config, ConfigSchema } from '../functions/kernel/config/schema';
import type { ConfigResult } from '../functions/kernel/config/validate';
import { parseYaml } from '../functions/kernel/config/yaml';
import type * as z from '../functions/kernel/zod';

type Raw = Record<string, unknown>;
const isRecord = (value: unknown): value is Raw => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * `parseConfig`, plus the cross-section problems of the parts that are valid when the rest is not.
 *
 * @example parseConfigFully('version: 2\nroutes: …\napprovals: { policies: [{ …, remindEvery: 1m }] }')
 * // problems: ['version: must be 1', 'approvals.policies[0].remindEvery: at least 15m (…)']
 */
export function parseConfigFully(text: string): ConfigResult {
  const result = parseConfig(text);
  if (result.ok) return result;
  const yaml = parseYaml(text);
  if (!yaml.ok) return result;
  const value: unknown = yaml.value;
  if (!isRecord(value) || ConfigSchema.safeParse(value).success) return result; // the problems already are the cross-checks'
  const salvaged = salvage(value);
  let more: string[];
  try {
    more = crossCheck(salvaged.config).map(salvaged.renumber);
  } catch {
    more = []; // best effort: a check may rely on a part that did not parse
  }
  return { ok: false, problems: [...new Set([...result.problems, ...more])] };
}

interface Salvaged {
  readonly config: Config;
  /** Puts the list indices of the original file back into a problem found on the pruned lists. */
  readonly renumber: (problem: string) => string;
}

/** Each top-level key parsed alone; a key that fails is retried without its invalid list items, else takes its default. */
function salvage(value: Raw): Salvaged {
  const shape = ConfigSchema.shape as unknown as Record<string, z.ZodMiniType>;
  const indexMaps = new Map<string, number[]>();
  const config: Raw = {};
  for (const [key, schema] of Object.entries(shape)) {
    const parsed = schema.safeParse(value[key]);
    if (parsed.success) {
      config[key] = parsed.data;
      continue;
    }
    const pruned = pruneInvalidItems(value[key], parsed.error.issues, schema);
    if (pruned) {
      config[key] = pruned.data;
      for (const [list, kept] of pruned.kept) indexMaps.set(`${key}.${list}`, kept);
    } else {
      const fallback = schema.safeParse(undefined);
      if (fallback.success) config[key] = fallback.data;
    }
  }
  const renumber = (problem: string) =>
    problem.replace(/([A-Za-z]+\.[A-Za-z]+)\[(\d+)\]/g, (whole, list: string, index: string) => {
      const original = indexMaps.get(list)?.[Number(index)];
      return original === undefined ? whole : `${list}[${original}]`;
    });
  return { config: config as unknown as Config, renumber };
}

/**
 * The section without the list items that have problems (`approvals.policies[1]`), if the rest
 * then parses; `kept` maps each pruned list's new indices to the original ones.
 */
function pruneInvalidItems(
  section: unknown,
  issues: readonly z.core.$ZodIssue[],
  schema: z.ZodMiniType,
): { data: unknown; kept: Map<string, number[]> } | undefined {
  if (!isRecord(section)) return undefined;
  const bad = new Map<string, Set<number>>();
  for (const { path } of issues) {
    const [list, index] = path;
    if (typeof list !== 'string' || typeof index !== 'number' || !Array.isArray(section[list])) return undefined; // a problem outside the lists
    bad.set(list, (bad.get(list) ?? new Set()).add(index));
  }
  const copy: Raw = { ...section };
  const kept = new Map<string, number[]>();
  for (const [list, indices] of bad) {
    const items = section[list] as unknown[];
    const keep = items.map((_, i) => i).filter((i) => !indices.has(i));
    copy[list] = keep.map((i) => items[i]);
    kept.set(list, keep);
  }
  const parsed = schema.safeParse(copy);
  return parsed.success ? { data: parsed.data, kept } : undefined;
}
