/**
 * `governance:` and `codeartifact:` in the config: where policy reports go, whether `enforce` rules
 * act, change freezes (with break-glass), and pipelines started by new package versions.
 * The rules themselves are in the policy file (config/policy.yml). Documented in the README.
 */
import { formatDuration } from '../duration';
import * as z from '../zod';
import { DURATION_LIMITS, durationProblem, FREEZE_YEARS, outsideLimit } from './duration-limits';
import { channelId, duration, globs, PIPELINE_NAME, people, snsTopic, timezone } from './fields';

const nonEmpty = (message: string) => z.minLength(1, message);
/** A local date and time without offset; the window's time zone says where it is. */
const LOCAL_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/;
/** Whether the calendar has that date and the clock that time (croner would move 30 February to March). */
function isRealLocalTime(text: string): boolean {
  const [, ...parts] = LOCAL_TIME.exec(text) ?? [];
  const [y, mo, d, h, mi, s] = parts.map((p) => Number(p ?? 0));
  if (y === undefined || mo === undefined || d === undefined || h === undefined || mi === undefined || s === undefined) return false;
  const at = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
  return (
    at.getUTCFullYear() === y &&
    at.getUTCMonth() === mo - 1 &&
    at.getUTCDate() === d &&
    at.getUTCHours() === h &&
    at.getUTCMinutes() === mi &&
    at.getUTCSeconds() === s
  );
}
const localTime = z.string().check(
  z.regex(LOCAL_TIME, 'must be a local date and time such as 2026-12-20T18:00 (no offset: `timezone` says where)'),
  z.refine((t) => !LOCAL_TIME.test(t) || isRealLocalTime(t), 'is not a date and time that exists (month 01-12, a day the month has, hour 00-23, minute 00-59)'),
);
/** An SSM document name (3-128 of [A-Za-z0-9_.-]) or a shared calendar's ARN. */
const calendar = z
  .string()
  .check(
    z.regex(
      /^([A-Za-z0-9_.-]{3,128}|arn:aws[a-z-]*:ssm:[a-z0-9-]+:\d{12}:document\/[A-Za-z0-9_.-]{3,128})$/,
      'must be a Change Calendar name (3-128 letters, digits, _ . -) or its ARN',
    ),
  );
const cron = z.string().check(z.regex(/^\S+( \S+){4,5}$/, 'must be a cron expression with 5 or 6 fields, e.g. "0 18 * * 5" (Fridays at 18:00)'));

export const FreezeSchema = z
  .strictObject({
    name: z.string().check(z.regex(/^[A-Za-z0-9 ._-]{1,60}$/, 'letters, digits, spaces, dots, dashes and underscores, at most 60')),
    timezone: z._default(timezone, 'UTC'),
    /** Recurring: starts at every `cron` time (in `timezone`) and lasts `duration`. */
    cron: z.optional(cron),
    duration: z.optional(duration),
    /** One-off: from and to, local times in `timezone`. */
    from: z.optional(localTime),
    to: z.optional(localTime),
    /** Pipelines the freeze closes (globs); every pipeline by default. Their production stages are closed. */
    pipelines: z.optional(globs),
    /** Who may let one execution through during the freeze, from Slack. */
    breakGlass: z.optional(z.strictObject({ approvers: people })),
  })
  .check(
    z.refine((f) => (f.cron !== undefined) === (f.duration !== undefined), { message: 'cron and duration go together (when it starts, and for how long)' }),
    z.refine((f) => (f.from !== undefined) === (f.to !== undefined), { message: 'from and to go together' }),
    z.refine((f) => (f.cron !== undefined) !== (f.from !== undefined), { message: 'give either cron + duration (recurring) or from + to (one-off)' }),
  );
export type Freeze = z.infer<typeof FreezeSchema>;

export const GovernanceSchema = z.strictObject({
  /** Where policy reports go: one message per check, a thread reply per violating resource. */
  report: z.optional(
    z.strictObject({
      slack: z.optional(z.strictObject({ channel: channelId })),
      email: z.optional(z.strictObject({ topics: z._default(z.array(snsTopic).check(nonEmpty('at least one topic')), ['default']) })),
    }),
  ),
  /** `false` makes every `mode: enforce` rule report only (a kill switch for enforcement). */
  enforce: z._default(z.boolean(), true),
  freezes: z._default(z.array(FreezeSchema), []),
  /** SSM Change Calendars (names or ARNs): while one is CLOSED, every pipeline's production stages are closed. */
  changeCalendars: z._default(z.array(calendar), []),
});
export type GovernanceConfig = z.infer<typeof GovernanceSchema>;

export const PackageTriggerSchema = z.strictObject({
  domain: z.string().check(nonEmpty('required')),
  repositories: z.optional(globs),
  /** npm scope (without @) or Maven groupId, as CodeArtifact events name it. */
  namespaces: z.optional(globs),
  packages: z.optional(globs),
  formats: z.optional(z.array(z.enum(['npm', 'pypi', 'maven', 'nuget', 'generic', 'swift', 'ruby', 'cargo']))),
  /** Pipelines started (StartPipelineExecution) when a matching version is published. */
  pipelines: z.array(z.string().check(z.regex(PIPELINE_NAME, 'must be a pipeline name'))).check(nonEmpty('at least one pipeline')),
});
export type PackageTrigger = z.infer<typeof PackageTriggerSchema>;

export const CodeArtifactSchema = z.strictObject({
  triggers: z._default(z.array(PackageTriggerSchema), []),
});
export type CodeArtifactConfig = z.infer<typeof CodeArtifactSchema>;

/**
 * Problems a schema cannot see: two freezes with one name, a one-off window that ends before it
 * starts or in another century, a duration too short to be seen or too long to be meant. Cron
 * expressions are checked with croner in governance-checks.ts.
 */
export function governanceProblems(config: { readonly governance?: GovernanceConfig | undefined }): string[] {
  const freezes = config.governance?.freezes ?? [];
  const problems: string[] = [];
  const seen = new Set<string>();
  freezes.forEach((f, i) => {
    if (seen.has(f.name)) problems.push(`governance.freezes[${i}].name: "${f.name}" is already the name of another freeze`);
    seen.add(f.name);
    problems.push(...windowProblems(f, `governance.freezes[${i}]`));
  });
  return problems;
}

/** A recurring window's duration, or a one-off window's dates and length, within their bounds (duration-limits.ts). */
function windowProblems(f: Freeze, at: string): string[] {
  if (f.duration !== undefined) {
    const problem = durationProblem(`${at}.duration`, f.duration, DURATION_LIMITS.freezeWindow);
    return problem ? [problem] : [];
  }
  if (f.from === undefined || f.to === undefined) return [];
  const { from, to } = f;
  const years = (
    [
      ['from', from],
      ['to', to],
    ] as const
  ).flatMap(([key, text]) => {
    const year = Number(text.slice(0, 4));
    return year >= FREEZE_YEARS.min && year <= FREEZE_YEARS.max ? [] : [`${at}.${key}: year ${year} is outside ${FREEZE_YEARS.min}-${FREEZE_YEARS.max}`];
  });
  if (years.length > 0) return years;
  // Wall-clock length in the window's own time zone: a DST change moves it by an hour at most.
  const span = Date.parse(`${to}Z`) - Date.parse(`${from}Z`);
  if (!(span > 0)) return [`${at}.to: ${to} is not after from (${from})`];
  const problem = outsideLimit(span, DURATION_LIMITS.freezeWindow);
  return problem ? [`${at}.to: the window from ${from} lasts ${formatDuration(span)}: ${problem}`] : [];
}
