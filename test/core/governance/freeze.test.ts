/**
 * Change freezes at given instants, across daylight-saving changes and in several time zones
 * (northern and southern DST, a half-hour zone, UTC). The clock is a parameter.
 */
import { describe, expect, it } from 'vitest';
import { activeFreezes, localInstant, localTime, windowAt } from '../../../functions/governance/domain/freeze';
import { type Freeze, FreezeSchema } from '../../../functions/kernel/config/governance';

const freeze = (f: Record<string, unknown>): Freeze => FreezeSchema.parse({ name: 'f', ...f });
const at = (iso: string) => new Date(iso);

describe('localInstant', () => {
  it.each([
    ['2026-12-20T00:00', 'Europe/Berlin', '2026-12-19T23:00:00.000Z'], // CET, UTC+1
    ['2026-07-01T00:00', 'Europe/Berlin', '2026-06-30T22:00:00.000Z'], // CEST, UTC+2
    ['2026-07-01T09:00', 'America/New_York', '2026-07-01T13:00:00.000Z'], // EDT, UTC-4
    ['2026-12-01T09:00', 'America/New_York', '2026-12-01T14:00:00.000Z'], // EST, UTC-5
    ['2026-12-01T09:00', 'Asia/Kolkata', '2026-12-01T03:30:00.000Z'], // UTC+5:30, no DST
    ['2026-12-01T09:00', 'Australia/Sydney', '2026-11-30T22:00:00.000Z'], // AEDT (southern summer), UTC+11
    ['2026-07-01T09:00', 'Australia/Sydney', '2026-06-30T23:00:00.000Z'], // AEST, UTC+10
    ['2026-12-01T09:00', 'UTC', '2026-12-01T09:00:00.000Z'],
    // 02:30 on 29 March 2026 does not exist in Berlin (clocks jump 02:00 → 03:00): it moves forward.
    ['2026-03-29T02:30', 'Europe/Berlin', '2026-03-29T01:30:00.000Z'],
    // 02:30 on 4 October 2026 does not exist in Sydney either (southern spring: 02:00 → 03:00): 03:30 AEDT.
    ['2026-10-04T02:30', 'Australia/Sydney', '2026-10-03T16:30:00.000Z'],
    // A local time that happens twice (clocks go back) is its first occurrence, still on summer time.
    ['2026-10-25T02:30', 'Europe/Berlin', '2026-10-25T00:30:00.000Z'], // 02:30 CEST, not 02:30 CET
    ['2026-11-01T01:30', 'America/New_York', '2026-11-01T05:30:00.000Z'], // 01:30 EDT, not EST
    ['2026-04-05T02:30', 'Australia/Sydney', '2026-04-04T15:30:00.000Z'], // 02:30 AEDT, not AEST
  ])('%s in %s is %s', (local, tz, expected) => {
    expect(localInstant(local, tz).toISOString()).toBe(expected);
  });
});

describe('one-off windows (from/to, local times)', () => {
  const yearEnd = freeze({ timezone: 'Europe/Berlin', from: '2026-12-20T00:00', to: '2027-01-04T08:00' });
  it.each([
    ['2026-12-19T22:59:59Z', false],
    ['2026-12-19T23:00:00Z', true],
    ['2027-01-04T06:59:59Z', true],
    ['2027-01-04T07:00:00Z', false],
  ])('at %s: %s', (now, on) => {
    expect(windowAt(yearEnd, at(now)) !== undefined).toBe(on);
  });

  it('spans the end of US daylight saving time in New York by local clock times', () => {
    // 1 November 2026, 02:00 EDT → 01:00 EST. From Saturday 18:00 EDT to Monday 06:00 EST.
    const f = freeze({ timezone: 'America/New_York', from: '2026-10-31T18:00', to: '2026-11-02T06:00' });
    expect(windowAt(f, at('2026-10-31T22:00:00Z'))).toEqual({ start: at('2026-10-31T22:00:00Z'), end: at('2026-11-02T11:00:00Z') });
    // 37 hours of wall clock, 38 elapsed: the window follows the local times.
    expect(windowAt(f, at('2026-11-02T10:59:00Z'))).toBeDefined();
    expect(windowAt(f, at('2026-11-02T11:00:00Z'))).toBeUndefined();
  });
});

describe('recurring windows (cron + duration, elapsed)', () => {
  // Every Friday 18:00 local for 62 h (until Monday 08:00 local when no clock change intervenes).
  const weekend = (timezone: string) => freeze({ timezone, cron: '0 18 * * 5', duration: '62h' });

  it.each([
    ['Europe/Berlin, a plain weekend', 'Europe/Berlin', '2026-10-16T16:00:00Z', '2026-10-19T06:00:00Z'],
    // 25 Oct 2026: CEST → CET. Friday 18:00 CEST (16:00Z) + 62 h = Monday 06:00Z = 07:00 CET.
    ['Europe/Berlin, across the end of DST', 'Europe/Berlin', '2026-10-23T16:00:00Z', '2026-10-26T06:00:00Z'],
    // 29 Mar 2026: CET → CEST. Friday 18:00 CET (17:00Z) + 62 h = Monday 07:00Z = 09:00 CEST.
    ['Europe/Berlin, across the start of DST', 'Europe/Berlin', '2026-03-27T17:00:00Z', '2026-03-30T07:00:00Z'],
    ['America/New_York, across the end of DST', 'America/New_York', '2026-10-30T22:00:00Z', '2026-11-02T12:00:00Z'],
    ['Australia/Sydney, across the start of (southern) DST', 'Australia/Sydney', '2026-10-02T08:00:00Z', '2026-10-04T22:00:00Z'],
    ['Asia/Kolkata (no DST)', 'Asia/Kolkata', '2026-10-23T12:30:00Z', '2026-10-26T02:30:00Z'],
  ])('%s: starts at the local time, lasts the elapsed duration', (_name, tz, start, end) => {
    const f = weekend(tz);
    expect(windowAt(f, at(start))).toEqual({ start: at(start), end: at(end) });
    expect(windowAt(f, new Date(at(start).getTime() - 1))).toBeUndefined();
    expect(windowAt(f, new Date(at(end).getTime() - 1))).toBeDefined();
    expect(windowAt(f, at(end))).toBeUndefined();
  });

  it("shows the end as the freeze's zone reads it (across the DST change: 07:00, not 08:00)", () => {
    const [on] = activeFreezes([{ ...weekend('Europe/Berlin'), name: 'weekend' }], at('2026-10-24T12:00:00Z'));
    expect(on).toMatchObject({ name: 'weekend', timezone: 'Europe/Berlin' });
    expect(localTime(on!.end, on!.timezone)).toBe('2026-10-26 07:00 Europe/Berlin');
  });
});

describe('activeFreezes', () => {
  it('lists the freezes on at an instant, with their scope and break-glass approvers', () => {
    const freezes = [
      freeze({ name: 'year-end', timezone: 'Europe/Berlin', from: '2026-12-20T00:00', to: '2027-01-04T08:00', breakGlass: { approvers: ['S0RELEASE1'] } }),
      freeze({ name: 'payments-weekend', timezone: 'America/New_York', cron: '0 18 * * 5', duration: '62h', pipelines: ['payments-*'] }),
    ];
    expect(activeFreezes(freezes, at('2026-12-26T12:00:00Z')).map((f) => [f.name, f.pipelines, f.breakGlass])).toEqual([
      ['year-end', undefined, { approvers: ['S0RELEASE1'] }],
      ['payments-weekend', ['payments-*'], undefined],
    ]);
    expect(activeFreezes(freezes, at('2026-12-22T12:00:00Z')).map((f) => f.name)).toEqual(['year-end']);
    expect(activeFreezes(freezes, at('2026-11-25T12:00:00Z'))).toEqual([]);
  });

  it('refuses a window that is both or neither recurring and one-off, or has a bad zone', () => {
    expect(FreezeSchema.safeParse({ name: 'x', cron: '0 18 * * 5', duration: '1h', from: '2026-01-01T00:00', to: '2026-01-02T00:00' }).success).toBe(false);
    expect(FreezeSchema.safeParse({ name: 'x' }).success).toBe(false);
    expect(FreezeSchema.safeParse({ name: 'x', cron: '0 18 * * 5' }).success).toBe(false);
    expect(FreezeSchema.safeParse({ name: 'x', timezone: 'Mars/Olympus', from: '2026-01-01T00:00', to: '2026-01-02T00:00' }).success).toBe(false);
  });
});
