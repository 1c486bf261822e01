/**
 * Change freezes: which windows are on at a given instant. Windows are written in local time with an
 * IANA time zone; croner turns them into instants, so daylight-saving changes and every zone are
 * handled by one well-tested library (the tests cross DST changes in several zones).
 */
import { Cron } from 'croner';
import type { Freeze } from '../../kernel/config/governance';
import { parseDuration } from '../../kernel/duration';

export interface ActiveFreeze {
  readonly name: string;
  readonly start: Date;
  readonly end: Date;
  readonly timezone: string;
  /** Pipeline globs the freeze closes; undefined: every pipeline. */
  readonly pipelines?: readonly string[];
  readonly breakGlass?: { readonly approvers: readonly string[] };
}

/**
 * The instant a local date-time has in a zone. A local time that does not exist (the hour skipped
 * when clocks go forward) moves forward by that hour, as croner resolves it.
 *
 * @example localInstant('2026-12-20T00:00', 'Europe/Berlin') // 2026-12-19T23:00:00.000Z
 */
export function localInstant(local: string, timezone: string): Date {
  const iso = local.length === 16 ? `${local}:00` : local;
  const at = new Cron(iso, { timezone }).nextRun(new Date(0));
  if (!at) throw new Error(`${local} in ${timezone}: not a time`);
  return at;
}

/** The window of a freeze that contains `now`, if any. */
export function windowAt(freeze: Freeze, now: Date): { start: Date; end: Date } | undefined {
  if (freeze.from && freeze.to) {
    const start = localInstant(freeze.from, freeze.timezone);
    const end = localInstant(freeze.to, freeze.timezone);
    return start <= now && now < end ? { start, end } : undefined;
  }
  if (!freeze.cron || !freeze.duration) return undefined;
  // The last start at or before now. croner counts in whole seconds and leaves out a run at its
  // reference instant, so ask from a second later and drop a run that would be after now.
  const start = new Cron(freeze.cron, { timezone: freeze.timezone }).previousRuns(2, new Date(now.getTime() + 1000)).find((run) => run <= now);
  if (!start) return undefined;
  // Elapsed time: across a DST change the window's local end moves by the hour gained or lost.
  const end = new Date(start.getTime() + (parseDuration(freeze.duration) ?? 0));
  return now < end ? { start, end } : undefined;
}

/**
 * @example activeFreezes(config.governance.freezes, new Date()) // [{ name: 'year-end', end: …, timezone: 'Europe/Berlin' }]
 */
export function activeFreezes(freezes: readonly Freeze[], now: Date): ActiveFreeze[] {
  return freezes.flatMap((f) => {
    const window = windowAt(f, now);
    if (!window) return [];
    return [
      {
        name: f.name,
        ...window,
        timezone: f.timezone,
        ...(f.pipelines ? { pipelines: f.pipelines } : {}),
        ...(f.breakGlass ? { breakGlass: f.breakGlass } : {}),
      },
    ];
  });
}

/** `2027-01-04 08:00 Europe/Berlin`: an instant as the freeze's own zone reads it. */
export function localTime(at: Date, timezone: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', {
      timeZone: timezone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(at)
      .map((p) => [p.type, p.value]),
  );
  return `${parts['year']}-${parts['month']}-${parts['day']} ${parts['hour']}:${parts['minute']} ${timezone}`;
}
