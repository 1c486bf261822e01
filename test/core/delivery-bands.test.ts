/** The DORA 2023 bands of each key, at and around every edge. */
import { describe, expect, it } from 'vitest';
import { BANDS_SOURCE, bandOf } from '../../functions/kernel/delivery/bands';

const HOUR = 3600;
const DAY = 24 * HOUR;

describe('bandOf', () => {
  it.each([
    // deployments per day: elite more than once a day; high from once a week (1/7) to once a day; medium from once a month (1/30).
    ['deploymentFrequency', 3, 'elite'],
    ['deploymentFrequency', 1, 'high'],
    ['deploymentFrequency', 1 / 7, 'high'],
    ['deploymentFrequency', 1 / 8, 'medium'],
    ['deploymentFrequency', 1 / 30, 'medium'],
    ['deploymentFrequency', 1 / 31, 'low'],
    ['deploymentFrequency', 0, 'low'],
    // lead time (s): elite under a day; high up to a week; medium up to 30 days.
    ['leadTime', 20 * HOUR, 'elite'],
    ['leadTime', DAY, 'high'],
    ['leadTime', 7 * DAY, 'high'],
    ['leadTime', 7 * DAY + 1, 'medium'],
    ['leadTime', 30 * DAY, 'medium'],
    ['leadTime', 30 * DAY + 1, 'low'],
    // change failure rate: elite up to 5%, high up to 10%, medium up to 15%.
    ['changeFailureRate', 0, 'elite'],
    ['changeFailureRate', 0.05, 'elite'],
    ['changeFailureRate', 0.06, 'high'],
    ['changeFailureRate', 0.1, 'high'],
    ['changeFailureRate', 0.15, 'medium'],
    ['changeFailureRate', 0.16, 'low'],
    ['changeFailureRate', 0.64, 'low'],
    // recovery (s): elite under an hour, high under a day, medium up to a week.
    ['recoveryTime', 59 * 60, 'elite'],
    ['recoveryTime', HOUR, 'high'],
    ['recoveryTime', DAY - 1, 'high'],
    ['recoveryTime', DAY, 'medium'],
    ['recoveryTime', 7 * DAY, 'medium'],
    ['recoveryTime', 7 * DAY + 1, 'low'],
  ] as const)('%s %d → %s', (key, value, band) => {
    expect(bandOf(key, value)).toBe(band);
  });

  it('no value, no band', () => {
    expect(bandOf('recoveryTime', null)).toBeUndefined();
    expect(bandOf('changeFailureRate', undefined)).toBeUndefined();
  });

  it('names the report the bands come from', () => {
    expect(BANDS_SOURCE.report).toContain('Accelerate State of DevOps Report 2023');
    expect(BANDS_SOURCE.url).toMatch(/^https:\/\/dora\.dev\//);
  });
});
