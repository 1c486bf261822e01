/**
 * No failure unannounced (issue 14): a failed build a pipeline started waits, parked, for the
 * pipeline action that claims it; past `defaults.unclaimedBuildGrace` (an SQS message delay, no
 * polling) it is announced on its own card, routed like a build of that pipeline, with its failure
 * reply and log tail. An action that comes later links the two cards.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../functions/kernel/config/parse';
import type { Config } from '../../functions/kernel/config/schema';
import { unclaimedBuildGraceMs } from '../../functions/kernel/config/settings';
import { processBatch } from '../../functions/notify/app/process-batch';
import { redeliveryBody } from '../../functions/notify/domain/redelivery';
import { createMemoryCardStore } from '../../functions/platform/memory-store';
import { createRecorder } from '../../functions/platform/recording';
import { pacedNotify } from '../support/paced-notify';
import { memoryNotifyDeps, sampleWorld, scenario, TWO_CHANNELS } from '../support/scenarios';

const events = new Map(scenario('01-pipeline-build-fails').map((s) => [s.file, JSON.stringify(s.event)]));
const event = (file: string) => {
  const body = events.get(file);
  if (!body) throw new Error(`no sample ${file}`);
  return body;
};
/** 10-build-failed.json's time. */
const FAILED_AT = Date.parse('2026-11-23T09:15:58Z');
const BUILD_KEY = 'build/123456789012/eu-west-1/payments-api-build:0b4c9c1a-5f0e-4c1b-8d5e-7f3a2b1c9d8e';
const PIPELINE_KEY = 'pipeline/123456789012/eu-west-1/payments-api/6f2b1c1e-3a4d-4e7b-9c1d-2a5f8e9b0c31';
const TEN_MINUTES = 600_000;

function world(config: Config = TWO_CHANNELS) {
  const w = pacedNotify({ start: FAILED_AT, config });
  return { ...w, posts: () => w.calls('slack.chat.postMessage'), at: w.setNow };
}

const text = (call: { input: Record<string, unknown> }) => JSON.stringify(call.input['blocks']);

describe('a failed build its pipeline action never claims', () => {
  it('is parked through the grace, then announced on its own card, routed as its pipeline, with its failure reply and log tail', async () => {
    const w = world();
    const parked = await w.send(event('08-build-in-progress.json'), event('09-build-phase-failed.json'), event('10-build-failed.json'));
    expect([...parked.results.values()]).toEqual(['parked', 'parked', 'parked']);
    expect(w.recorder.calls).toEqual([]);
    expect(w.scheduled.map((s) => [s.redelivery.run.key, s.at])).toEqual([[BUILD_KEY, new Date(FAILED_AT + TEN_MINUTES)]]);

    // Not yet due: nothing goes.
    w.at(FAILED_AT + TEN_MINUTES - 1_000);
    await w.redeliver();
    expect(w.recorder.calls).toEqual([]);

    w.at(FAILED_AT + TEN_MINUTES);
    const announced = await w.redeliver();
    expect(announced.failed).toEqual([]);
    expect([...announced.results.values()]).toEqual(['delivered']);
    const cards = w.posts().filter((c) => !c.input['thread_ts']);
    // Both channels route on `pipelines: ["*"]`: the card's subject names the pipeline.
    expect(cards.map((c) => c.input['channel']).sort()).toEqual(['C0AUDIT001', 'C0TEAM0001']);
    for (const card of cards) expect(text(card)).toMatch(/payments-api-build #42\S* build failed/);
    const replies = w.posts().filter((c) => c.input['thread_ts']);
    expect(replies.map((c) => c.input['channel']).sort()).toEqual(['C0AUDIT001', 'C0TEAM0001']);
    expect(w.calls('logs.getLogEvents')).toHaveLength(1);
    expect(w.calls('sns.publish')).toHaveLength(1);
    expect((await w.store.get(BUILD_KEY))?.card.subject.pipeline).toBe('payments-api');

    // A duplicate of the redelivery sends nothing more.
    const before = w.recorder.calls.length;
    await w.send(redeliveryBody({ run: { kind: 'build', key: BUILD_KEY }, subject: { account: '123456789012', region: 'eu-west-1' } }));
    expect(w.recorder.calls.length).toBe(before);
  });

  it('a duplicate of the failure schedules once', async () => {
    const w = world();
    await w.send(event('10-build-failed.json'));
    await w.send(event('10-build-failed.json'), event('09-build-phase-failed.json'));
    await w.send(event('08-build-in-progress.json'));
    expect(w.scheduled).toHaveLength(1);
  });

  it('a build that has not failed schedules nothing', async () => {
    const w = world();
    await w.send(event('08-build-in-progress.json'));
    expect(w.scheduled).toEqual([]);
  });

  it('waits the configured grace', async () => {
    const parsed = parseConfig(`version: 1
defaults: { unclaimedBuildGrace: 2m }
routes:
  - match: { pipelines: ["payments-*"] }
    slack: { channels: [C0TEAM0001] }
`);
    if (!parsed.ok) throw new Error(parsed.problems.join('\n'));
    const w = world(parsed.config);
    await w.send(event('10-build-failed.json'));
    expect(w.scheduled.map((s) => s.at)).toEqual([new Date(FAILED_AT + 120_000)]);
    w.at(FAILED_AT + 120_000);
    await w.redeliver();
    expect(w.posts().map((c) => c.input['channel'])).toEqual(['C0TEAM0001', 'C0TEAM0001']);
  });
});

describe('a failed build claimed within the grace', () => {
  it('is announced only on the pipeline card: the redelivery finds it linked and sends nothing', async () => {
    const w = world();
    await w.send(event('01-pipeline-started.json'));
    await w.send(event('10-build-failed.json'));
    w.at(FAILED_AT + 1_000);
    await w.send(event('11-action-build-failed.json'));
    const before = w.recorder.calls.length;
    const pipelineCards = w.calls('slack.chat.update');
    expect(pipelineCards.length).toBeGreaterThan(0);
    expect(text(pipelineCards.at(-1)!)).toMatch(/payments-api-build #42/);

    w.at(FAILED_AT + TEN_MINUTES);
    const outcome = await w.redeliver();
    expect([...outcome.results.values()]).toEqual(['unchanged']);
    expect(w.recorder.calls.length).toBe(before);
    // No card of the build's own was ever posted.
    expect(w.posts().filter((c) => !c.input['thread_ts'] && text(c).includes('build failed'))).toEqual([]);
  });
});

describe('a pipeline action that arrives after the standalone card', () => {
  it("links the two: the pipeline card absorbs the build, the build's card names the pipeline run", async () => {
    const w = world();
    await w.send(event('10-build-failed.json'));
    w.at(FAILED_AT + TEN_MINUTES);
    await w.redeliver();
    const standalone = new Map(
      w
        .posts()
        .filter((c) => !c.input['thread_ts'])
        .map((c) => [c.input['channel'], c.output?.['ts']]),
    );
    expect(standalone.size).toBe(2);

    w.at(FAILED_AT + TEN_MINUTES + 5_000);
    await w.send(event('01-pipeline-started.json'), event('11-action-build-failed.json'));
    expect((await w.store.get(PIPELINE_KEY))?.card.facts).toHaveProperty(['build:payments-api-build:0b4c9c1a-5f0e-4c1b-8d5e-7f3a2b1c9d8e']);
    // The build's card is delivered again, at once, naming the pipeline run.
    expect(w.scheduled.map((s) => [s.redelivery.run.key, s.at.getTime()])).toEqual([[BUILD_KEY, FAILED_AT + TEN_MINUTES + 5_000]]);
    await w.redeliver();
    const updates = w.calls('slack.chat.update').filter((c) => [...standalone.values()].includes(c.input['ts'] as string));
    expect(updates.map((c) => c.input['channel']).sort()).toEqual(['C0AUDIT001', 'C0TEAM0001']);
    for (const update of updates) expect(text(update)).toMatch(/part of \*payments-api\* <[^|]+\|execution 6f2b1c1e>/);
    // Later events of the build follow the link to the pipeline card; the build's card stays as it is.
    const before = w.calls('slack.chat.update').length;
    await w.send(event('10-build-failed.json'));
    expect(w.calls('slack.chat.update').length).toBe(before);
  });
});

describe('without pacing (warden replay)', () => {
  it('parks the failed build and schedules nothing', async () => {
    const recorder = createRecorder(sampleWorld());
    const notify = memoryNotifyDeps(TWO_CHANNELS, recorder, { store: createMemoryCardStore() });
    const outcome = await processBatch([{ id: 'm-1', body: event('10-build-failed.json') }], {
      deadLetter: recorder.deadLetter,
      logger: new Logger({ logLevel: 'SILENT' }),
      notify,
    });
    expect([...outcome.results.values()]).toEqual(['parked']);
    expect((await notify.store.get(BUILD_KEY))?.card.deferred).toBeUndefined();
  });
});

describe('defaults.unclaimedBuildGrace', () => {
  const parse = (grace: string) =>
    parseConfig(`version: 1
defaults: { unclaimedBuildGrace: ${grace} }
routes:
  - slack: { channels: [C0TEAM0001] }
`);

  it('is 10 minutes unless set, and any duration from 1m to 15m', () => {
    expect(unclaimedBuildGraceMs(TWO_CHANNELS)).toBe(TEN_MINUTES);
    for (const [grace, ms] of [
      ['1m', 60_000],
      ['15m', 900_000],
      ['90s', 90_000],
    ] as const) {
      const parsed = parse(grace);
      expect(parsed.ok && unclaimedBuildGraceMs(parsed.config)).toBe(ms);
    }
  });

  it('refuses a grace SQS cannot delay, one too short for the action to come, and a non-duration, with its path', () => {
    expect(parse('16m')).toEqual({ ok: false, problems: ['defaults.unclaimedBuildGrace: at most 15m (an SQS message is delayed at most 15 minutes)'] });
    expect(parse('30s')).toMatchObject({ ok: false, problems: [expect.stringMatching(/^defaults\.unclaimedBuildGrace: at least 1m/)] });
    expect(parse('soon')).toMatchObject({ ok: false, problems: [expect.stringMatching(/^defaults\.unclaimedBuildGrace: must be a duration/)] });
  });
});
