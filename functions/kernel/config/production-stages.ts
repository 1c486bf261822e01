/**
 * `productionStages:` in the config: the one list of the stage names that are production, read by
 * approvals (no automatic approval of them), governance (the rules guard them, enforcement and
 * freezes close them) and the production-alarm rule (a rollback guard watches them). Documented in
 * README.md ("Production stages"). The matcher is `isProductionStage` (functions/kernel/production.ts);
 * this module stays free of picomatch because every bundle imports the config schema.
 */
import * as z from '../zod';
import { glob } from './fields';

/**
 * Matched case-insensitively, so one entry covers `prod`, `Prod` and `PROD`. `live` only at the
 * start, the end or between separators: `*live*` would also make `Delivery` a production stage.
 * Pre-production and non-production stages (`PreProd`, `pre-prod`, `NonProd`, `nonprod`) are not.
 */
export const DEFAULT_PRODUCTION_STAGES: readonly string[] = ['*prod*', 'live*', '*live', '*[-_.]live[-_.]*', '!*{pre,non}{,-,_}prod*'];

/** Where the setting lives, for the problems that point at it. */
export const PRODUCTION_STAGES_SETTING = 'productionStages in config/warden.yml (top level)';

export const ProductionStagesSchema = z.array(glob.check(z.refine((p) => p !== '!', 'empty pattern after !'))).check(
  z.minLength(1, 'list is empty; omit the key for the default'),
  z.refine(
    (patterns) => patterns.length === 0 || patterns.some((p) => !p.startsWith('!')),
    'only exclusions (!…): no stage would be production; list the stages that are',
  ),
);

/** The key's old place in the config, and the problem it gets (an old key is never silently ignored). */
export const MOVED_APPROVALS_KEY = 'moved to the top-level productionStages, the one list approvals, governance and rollback share: move it there';
