/**
 * The local runner executes ASL on a virtual clock: waits move the clock instead of sleeping, a
 * horizon stops the run as WAITING, retries do not sleep, and a Task without a local handler is
 * refused before anything runs.
 */
import { describe, expect, it } from 'vitest';
import { createScheduler, createVirtualClock, runLocal, startLocal } from '../../tools/step-functions/local-sfn';

const machine = {
  StartAt: 'Sleep',
  States: {
    Sleep: { Type: 'Wait', SecondsPath: '$.delay', Next: 'Stamp' },
    Stamp: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Parameters: { 'Payload.$': '$' }, OutputPath: '$.Payload', Next: 'Until' },
    Until: { Type: 'Wait', TimestampPath: '$.deadline', Next: 'Flaky' },
    Flaky: {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke',
      Parameters: { 'Payload.$': '$' },
      OutputPath: '$.Payload',
      Retry: [{ ErrorEquals: ['Busy'], IntervalSeconds: 600, MaxAttempts: 2 }],
      Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'Gave up' }],
      Next: 'Done',
    },
    'Gave up': { Type: 'Fail', Error: 'GaveUp', Cause: 'Flaky kept failing' },
    Done: { Type: 'Succeed' },
  },
};

function handlers(clock: ReturnType<typeof createVirtualClock>, failures: number) {
  const seen: string[] = [];
  let left = failures;
  return {
    seen,
    handlers: {
      // A lambda:invoke task's handler gets the invoke request (Parameters) and answers as Lambda does.
      Stamp: ({ Payload }: { Payload: { delay: number } }) => {
        seen.push(`stamp ${clock.now().toISOString()}`);
        return { Payload: { ...Payload, deadline: new Date(clock.now().getTime() + 86_400_000).toISOString() } };
      },
      Flaky: ({ Payload }: { Payload: unknown }) => {
        seen.push(`flaky ${clock.now().toISOString()}`);
        if (left-- > 0) throw Object.assign(new Error('try later'), { name: 'Busy' });
        return { Payload };
      },
    },
  };
}

describe('runLocal', () => {
  it('moves the virtual clock through Seconds and Timestamp waits, without sleeping', async () => {
    const clock = createVirtualClock('2026-11-23T10:00:00Z');
    const h = handlers(clock, 1);
    const started = Date.now();
    const result = await runLocal({ definition: machine, input: { delay: 3600 }, clock, handlers: h.handlers });
    expect(result.status).toBe('SUCCEEDED');
    expect(result.states).toEqual(['Sleep', 'Stamp', 'Until', 'Flaky', 'Flaky']);
    expect(h.seen).toEqual(['stamp 2026-11-23T11:00:00.000Z', 'flaky 2026-11-24T11:00:00.000Z', 'flaky 2026-11-24T11:00:00.000Z']);
    expect(clock.now().toISOString()).toBe('2026-11-24T11:00:00.000Z');
    expect(Date.now() - started).toBeLessThan(5_000); // a real 600 s retry interval would not fit
  });

  it('stops as WAITING at the first wait past the horizon, with when it would end', async () => {
    const clock = createVirtualClock('2026-11-23T10:00:00Z');
    const h = handlers(clock, 0);
    const result = await runLocal({ definition: machine, input: { delay: 3600 }, clock, horizon: new Date('2026-11-23T12:00:00Z'), handlers: h.handlers });
    expect(result).toMatchObject({ status: 'WAITING', states: ['Sleep', 'Stamp', 'Until'], waitingUntil: new Date('2026-11-24T11:00:00Z') });
    expect(h.seen).toHaveLength(1);
  });

  it('reports a failed execution with its error and cause', async () => {
    const clock = createVirtualClock('2026-11-23T10:00:00Z');
    const result = await runLocal({ definition: machine, input: { delay: 0 }, clock, handlers: handlers(clock, 5).handlers });
    expect(result).toMatchObject({ status: 'FAILED', error: 'GaveUp', cause: 'Flaky kept failing' });
  });

  it('refuses a machine with a Task that has no local handler', async () => {
    const clock = createVirtualClock('2026-11-23T10:00:00Z');
    await expect(runLocal({ definition: machine, input: {}, clock, handlers: { Stamp: () => ({}) } })).rejects.toThrow(/Flaky: they would call AWS/);
  });
});

describe('startLocal on a shared scheduler', () => {
  const ticker = {
    StartAt: 'Tick',
    States: {
      Tick: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Parameters: { 'Payload.$': '$' }, OutputPath: '$.Payload', Next: 'More?' },
      'More?': { Type: 'Choice', Choices: [{ Variable: '$.left', NumericGreaterThan: 0, Next: 'Sleep' }], Default: 'Done' },
      Sleep: { Type: 'Wait', SecondsPath: '$.every', Next: 'Tick' },
      Done: { Type: 'Succeed' },
    },
  };
  const start = (scheduler: ReturnType<typeof createScheduler>, name: string, every: number, log: string[]) =>
    startLocal({
      definition: ticker,
      input: { left: 3, every },
      clock: scheduler,
      executionName: name,
      handlers: {
        Tick: ({ Payload }: { Payload: { left: number; every: number } }) => {
          log.push(`${scheduler.now().toISOString().slice(11, 16)} ${name} (${scheduler.current()})`);
          return { Payload: { ...Payload, left: Payload.left - 1 } };
        },
      },
    });

  it('interleaves executions in time order as the clock advances, and stops one from outside', async () => {
    const scheduler = createScheduler('2026-11-23T10:00:00Z');
    const log: string[] = [];
    const hourly = start(scheduler, 'hourly', 3600, log);
    await scheduler.idle();
    const halfHourly = start(scheduler, 'half', 1800, log);
    await scheduler.idle();
    expect(log).toEqual(['10:00 hourly (hourly)', '10:00 half (half)']);

    await scheduler.advanceTo(new Date('2026-11-23T11:00:00Z'));
    // At 11:00 both are due: the timer set first (hourly's, at 10:00) fires first.
    expect(log.slice(2)).toEqual(['10:30 half (half)', '11:00 hourly (hourly)', '11:00 half (half)']);
    expect(await halfHourly.result).toMatchObject({ status: 'SUCCEEDED' });

    expect(scheduler.pending()).toEqual([{ label: 'hourly', until: new Date('2026-11-23T12:00:00Z') }]);
    hourly.stop();
    expect(await hourly.result).toMatchObject({ status: 'ABORTED', states: ['Tick', 'Sleep', 'Tick', 'Sleep'] });
  });

  it('ends a sleeping execution as WAITING with the end of its pending wait', async () => {
    const scheduler = createScheduler('2026-11-23T10:00:00Z');
    const run = start(scheduler, 'slow', 86_400, []);
    await scheduler.advanceTo(new Date('2026-11-23T20:00:00Z'));
    run.stop('waiting');
    expect(await run.result).toMatchObject({ status: 'WAITING', waitingUntil: new Date('2026-11-24T10:00:00Z') });
  });

  it('a sleeping execution that is stopped leaves the running count once: idle() still waits for the others', async () => {
    const scheduler = createScheduler('2026-11-23T10:00:00Z');
    const sleeper = start(scheduler, 'sleeper', 3600, []);
    await scheduler.idle();
    sleeper.stop();
    expect(await sleeper.result).toMatchObject({ status: 'ABORTED' });
    // Another execution is running (entered, not yet asleep or done): idle() must wait for it.
    const done = scheduler.enter('worker');
    let idle = false;
    void scheduler.idle().then(() => {
      idle = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(idle).toBe(false);
    done();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(idle).toBe(true);
  });
});
