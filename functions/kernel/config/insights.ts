/**
 * The config's `insights` section (README, "Delivery insights"): the weekly digest's time and the
 * failure-streak alerts.
 */
import { parseDuration } from '../duration';
import * as z from '../zod';
import { duration, globs, timezone } from './fields';

export const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'] as const;

const DIGEST_DEFAULT = { enabled: true, day: 'monday', time: '09:00', timezone: 'UTC' } as const;

const DigestSchema = z._default(
  z.strictObject({
    /** `false`: no digest is posted (the schedule is not created). */
    enabled: z._default(z.boolean(), DIGEST_DEFAULT.enabled),
    day: z._default(z.enum(WEEKDAYS), DIGEST_DEFAULT.day),
    /** Local time in `timezone`, 24-hour `HH:MM`. */
    time: z._default(z.string().check(z.regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a local time such as 09:00 (24-hour HH:MM)')), DIGEST_DEFAULT.time),
    timezone: z._default(timezone, DIGEST_DEFAULT.timezone),
  }),
  { ...DIGEST_DEFAULT },
);

/**
 * The digest's time as numbers: what EventBridge Scheduler's cron (infra/packaging/digest.ts) and
 * replay's clock (cli/scheduled.ts) are both built from. `weekday`: 0 is Sunday, as cron counts.
 *
 * @example digestTime({ day: 'friday', time: '17:30' }) // { weekday: 5, hours: 17, minutes: 30 }
 */
export function digestTime(digest: { readonly day: (typeof WEEKDAYS)[number]; readonly time: string }): {
  weekday: number;
  hours: number;
  minutes: number;
} {
  const [hours = 0, minutes = 0] = digest.time.split(':').map(Number);
  return { weekday: WEEKDAYS.indexOf(digest.day), hours, minutes };
}

/**
 * One streak rule: which pipelines (a route's, by its `name`, and/or a pipeline glob list; neither:
 * every pipeline) and when a run of failures is an incident: `consecutive` failed runs in a row, or
 * `failures` failed runs `within` a time.
 */
export const StreakRuleSchema = z
  .strictObject({
    name: z.optional(z.string().check(z.minLength(1))),
    route: z.optional(z.string().check(z.minLength(1))),
    pipelines: z.optional(globs),
    consecutive: z.optional(z.int().check(z.minimum(2, 'at least 2: one failure is the failure card'), z.maximum(100))),
    failures: z.optional(z.int().check(z.minimum(2, 'at least 2'), z.maximum(1000))),
    within: z.optional(
      duration.check(
        z.refine((text) => {
          const ms = parseDuration(text) ?? 0;
          return ms >= 60 * 60_000 && ms <= 30 * 86_400_000;
        }, 'must be between 1h and 30d'),
      ),
    ),
  })
  .check(
    z.refine((rule) => rule.consecutive !== undefined || rule.failures !== undefined, {
      message: 'says no threshold: add consecutive (N failed runs in a row) or failures with within (X failed runs within Y)',
    }),
    z.refine((rule) => (rule.failures === undefined) === (rule.within === undefined), {
      message: 'failures and within go together (X failed runs within Y hours)',
    }),
  );
export type StreakRule = z.infer<typeof StreakRuleSchema>;

export const InsightsSchema = z._default(
  z.strictObject({
    digest: DigestSchema,
    streaks: z._default(z.array(StreakRuleSchema), []),
  }),
  { digest: { ...DIGEST_DEFAULT }, streaks: [] },
);
export type Insights = z.infer<typeof InsightsSchema>;

/** Problems that need the whole config: a streak rule naming a route that does not exist. */
export function insightsProblems(config: { readonly routes: readonly { readonly name?: string }[]; readonly insights: Insights }): string[] {
  // `warden validate` also cross-checks what parsed of an invalid config (cli/config-problems.ts): routes may be missing there.
  const names = new Set((config.routes ?? []).flatMap((r) => (r.name ? [r.name] : [])));
  return config.insights.streaks.flatMap((rule, i) =>
    rule.route !== undefined && !names.has(rule.route)
      ? [`insights.streaks[${i}].route: no route is named ${JSON.stringify(rule.route)} (routes are named with name:)`]
      : [],
  );
}
