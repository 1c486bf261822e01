/**
 * The stack's schedules in replay: the weekly digest fires whenever the virtual clock passes its
 * time (config `insights.digest`), as EventBridge Scheduler would invoke the digest function, with
 * the facts the replayed events recorded. Each firing is its own entry of replay's output
 * (`digest 2026-11-23T09:00:00.000Z`), its calls attributed to it.
 */
import { Cron } from 'croner';
import { sendDigests } from '../functions/insights/app/digest';
import { digestTime } from '../functions/kernel/config/insights';
import { picomatchGlobs } from '../functions/kernel/glob-picomatch';
import type { DeliveryFactsPort } from '../functions/kernel/ports';
import { createMemoryOnce } from '../functions/platform/once-memory';
import type { ReplayShared } from './targets/types';

/** The region replay's charts name (a chart's metrics are the stack's region's). */
const HOME_REGION = 'us-east-1';

/** Starts the digest's schedule on the replay clock; returns the labels of its firings so far. */
export function startDigestSchedule(shared: Pick<ReplayShared, 'config' | 'clock' | 'recorder'>, facts: DeliveryFactsPort): () => readonly string[] {
  const fired: string[] = [];
  const { digest } = shared.config.insights;
  if (!digest.enabled) return () => fired;
  const { weekday, hours, minutes } = digestTime(digest);
  const cron = new Cron(`${minutes} ${hours} * * ${weekday}`, { timezone: digest.timezone });
  const once = createMemoryOnce();
  const deps = {
    config: shared.config,
    globs: picomatchGlobs(),
    facts,
    slack: shared.recorder.slack,
    files: shared.recorder.files,
    charts: shared.recorder.charts,
    once,
    region: HOME_REGION,
    now: () => shared.clock.now(),
    warn: () => {},
  };
  const loop = async () => {
    for (;;) {
      const next = cron.nextRun(shared.clock.now());
      if (!next) return;
      const label = `digest ${next.toISOString()}`;
      await shared.clock.sleep(next, label);
      fired.push(label);
      await sendDigests(deps);
    }
  };
  const leave = shared.clock.enter('digest');
  void loop().finally(leave);
  return () => fired;
}
