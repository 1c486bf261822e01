/**
 * The virtual clocks local state machine executions run on: a plain one (one execution on its own,
 * each Wait moves it at once) and a scheduler several executions share, as in an account.
 */
export interface VirtualClock {
  now(): Date;
  /** Moves the clock forward (never back). */
  set(time: Date): void;
}

/** @example const clock = createVirtualClock('2026-11-23T10:00:00Z'); clock.now().toISOString() */
export function createVirtualClock(start: string | Date): VirtualClock {
  let current = new Date(start);
  if (Number.isNaN(current.getTime())) throw new Error(`virtual clock: not a time: ${String(start)}`);
  return {
    now: () => new Date(current),
    set: (time) => {
      if (time.getTime() > current.getTime()) current = new Date(time);
    },
  };
}

/**
 * A virtual clock that several executions share, as in an account: a Wait suspends its execution
 * until `advanceTo` passes its end, so events replayed later (a decision, an OK alarm) interleave
 * with timers the way they would in time. Executions run one at a time: `advanceTo` wakes the
 * earliest sleeper and lets it run to its next Wait or its end before waking the next.
 */
export interface Scheduler extends VirtualClock {
  /** Suspends the calling execution until the clock reaches `until`. `label` names who sleeps (for attribution). */
  sleep(until: Date, label: string): Promise<void>;
  /** Wakes, in time order, every sleeper due by `time`, then sets the clock to `time`. */
  advanceTo(time: Date): Promise<void>;
  /** Resolves once every execution has reached a Wait or its end. */
  idle(): Promise<void>;
  /** Registers a running execution (runLocal does it); returns the function that marks it finished. */
  enter(label: string): () => void;
  /** Who is running now: the label of the last execution woken or started. */
  readonly current: () => string | undefined;
  /** Sleepers still pending (after the last advanceTo: the timers beyond the horizon). */
  pending(): Array<{ label: string; until: Date }>;
  /** Forgets the sleepers of a stopped execution: they are never woken. */
  cancel(label: string): void;
}

export function createScheduler(start: string | Date): Scheduler {
  const clock = createVirtualClock(start);
  const sleepers: Array<{ until: Date; label: string; wake: () => void }> = [];
  /** Executions running now (entered, not asleep, not finished): idle() waits for none to be left. */
  let running = 0;
  /** Labels asleep: a stopped one finishes without ever waking, and must not be counted out twice. */
  const asleep = new Set<string>();
  let current: string | undefined;
  let idleWaiters: Array<() => void> = [];
  const settle = () => {
    if (running > 0) return;
    const waiters = idleWaiters;
    idleWaiters = [];
    for (const resolve of waiters) resolve();
  };
  return {
    ...clock,
    current: () => current,
    enter(label) {
      running += 1;
      current = label;
      let done = false;
      return () => {
        if (done) return;
        done = true;
        // Stopped while asleep: it left the count when it fell asleep.
        if (asleep.delete(label)) return;
        running -= 1;
        settle();
      };
    },
    sleep(until, label) {
      return new Promise<void>((wake) => {
        sleepers.push({ until, label, wake });
        asleep.add(label);
        running -= 1;
        settle();
      });
    },
    idle() {
      return running > 0 ? new Promise<void>((resolve) => idleWaiters.push(resolve)) : Promise.resolve();
    },
    async advanceTo(time) {
      await this.idle();
      for (;;) {
        sleepers.sort((a, b) => a.until.getTime() - b.until.getTime());
        const next = sleepers[0];
        if (!next || next.until.getTime() > time.getTime()) break;
        sleepers.shift();
        clock.set(next.until);
        asleep.delete(next.label);
        running += 1;
        current = next.label;
        next.wake();
        await this.idle();
      }
      clock.set(time);
    },
    pending: () => sleepers.map(({ label, until }) => ({ label, until })),
    cancel(label) {
      for (let i = sleepers.length - 1; i >= 0; i -= 1) if (sleepers[i]?.label === label) sleepers.splice(i, 1);
    },
  };
}
