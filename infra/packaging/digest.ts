/** The weekly digest's EventBridge Scheduler schedule, from the config's `insights.digest`. */
import { digestTime } from '../../functions/kernel/config/insights';
import type { Config } from '../../functions/kernel/config/schema';

/** Scheduler's day-of-week names, by cron's day number (0: Sunday). */
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'] as const;

export interface DigestSchedule {
  /** EventBridge Scheduler's cron (minutes hours day-of-month month day-of-week year). */
  readonly expression: string;
  /** IANA zone: Scheduler keeps the local time across daylight-saving changes. */
  readonly timezone: string;
  readonly state: 'ENABLED' | 'DISABLED';
}

/**
 * @example digestScheduleOf(config) // { expression: 'cron(0 9 ? * MON *)', timezone: 'UTC', state: 'ENABLED' }
 */
export function digestScheduleOf(config: Pick<Config, 'insights'>): DigestSchedule {
  const { timezone, enabled } = config.insights.digest;
  const { weekday, hours, minutes } = digestTime(config.insights.digest);
  return { expression: `cron(${minutes} ${hours} ? * ${DAYS[weekday]} *)`, timezone, state: enabled ? 'ENABLED' : 'DISABLED' };
}
