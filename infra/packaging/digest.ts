/** The weekly digest's EventBridge Scheduler schedule, from the config's `insights.digest`. */
import type { Config } from '../../functions/kernel/config/schema';

const DAYS = { sunday: 'SUN', monday: 'MON', tuesday: 'TUE', wednesday: 'WED', thursday: 'THU', friday: 'FRI', saturday: 'SAT' } as const;

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
  const { day, time, timezone, enabled } = config.insights.digest;
  const [hours = '9', minutes = '0'] = time.split(':').map((part) => String(Number(part)));
  return { expression: `cron(${minutes} ${hours} ? * ${DAYS[day]} *)`, timezone, state: enabled ? 'ENABLED' : 'DISABLED' };
}
