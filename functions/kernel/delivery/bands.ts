/**
 * The DORA performance bands (elite, high, medium, low) beside each key, from the software delivery
 * performance clusters of the Accelerate State of DevOps Report 2023 (DORA, Google Cloud).
 *
 * The report describes clusters, not ranges: each cluster's typical answer (below). The edges here
 * turn those answers into thresholds; where the 2023 low cluster answers like the medium one
 * (deployment frequency, lead time), low is "slower than the medium cluster's range".
 *
 * | key                             | elite                      | high                              | medium                              | low                              |
 * | ------------------------------- | -------------------------- | --------------------------------- | ----------------------------------- | -------------------------------- |
 * | deployment frequency            | on demand (multiple a day) | between once a day and once a week | between once a week and once a month | between once a week and once a month |
 * | change lead time                | less than one day          | between one day and one week      | between one week and one month      | between one week and one month   |
 * | change failure rate             | 5%                         | 10%                               | 15%                                 | 64%                              |
 * | failed deployment recovery time | less than one hour         | less than one day                 | between one day and one week        | between one month and six months |
 */

export type Band = 'elite' | 'high' | 'medium' | 'low';

/** The keys that have bands, with the unit `bandOf` takes. */
export type BandedKey =
  /** deployments per day */
  | 'deploymentFrequency'
  /** seconds (median) */
  | 'leadTime'
  /** a fraction, 0.05 = 5% */
  | 'changeFailureRate'
  /** seconds (median) */
  | 'recoveryTime';

export const BANDS_SOURCE = {
  report: 'Accelerate State of DevOps Report 2023 (DORA, Google Cloud), software delivery performance levels',
  url: 'https://dora.dev/research/2023/dora-report/',
} as const;

const HOUR = 3_600;
const DAY = 24 * HOUR;
const WEEK = 7 * DAY;
/** "A month" in the clusters' answers: 30 days. */
const MONTH = 30 * DAY;

/**
 * Per key, the band edges best first: a value is in the first band whose test it passes, else low.
 * Edges: "less than" is strict, "between X and Y" holds both ends (once a day is high, not elite).
 */
const EDGES: Readonly<Record<BandedKey, readonly (readonly [Exclude<Band, 'low'>, (value: number) => boolean])[]>> = {
  deploymentFrequency: [
    ['elite', (perDay) => perDay > 1],
    ['high', (perDay) => perDay >= 1 / 7],
    ['medium', (perDay) => perDay >= 1 / 30],
  ],
  leadTime: [
    ['elite', (s) => s < DAY],
    ['high', (s) => s <= WEEK],
    ['medium', (s) => s <= MONTH],
  ],
  changeFailureRate: [
    ['elite', (rate) => rate <= 0.05],
    ['high', (rate) => rate <= 0.1],
    ['medium', (rate) => rate <= 0.15],
  ],
  recoveryTime: [
    ['elite', (s) => s < HOUR],
    ['high', (s) => s < DAY],
    ['medium', (s) => s <= WEEK],
  ],
};

/**
 * The band of a key's value, or undefined when there is no value (no deployments, no failures).
 *
 * @example bandOf('leadTime', 3 * 3600) // 'elite'
 * @example bandOf('changeFailureRate', 0.2) // 'low'
 * @example bandOf('recoveryTime', null) // undefined
 */
export function bandOf(key: BandedKey, value: number | null | undefined): Band | undefined {
  if (value === null || value === undefined || Number.isNaN(value)) return undefined;
  return EDGES[key].find(([, test]) => test(value))?.[0] ?? 'low';
}
