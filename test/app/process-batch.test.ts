/**
 * Batches merged per run give the card the events give one by one (issue 12): 200 random orders
 * with duplicates, cut into random batches of 1 to 10 as SQS would hand them over, end in the same
 * final card, one top-level post per channel, the same thread replies and emails.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { describe, expect, it } from 'vitest';
import { processBatch } from '../../functions/notify/app/process-batch';
import { createRecorder, type RecordedCall } from '../../functions/platform/recording';
import { memoryNotifyDeps, rng, sampleWorld, scenario, shuffle, TWO_CHANNELS } from '../support/scenarios';

const CONFIG = TWO_CHANNELS;

/** The events in batches of the given sizes, through the Lambda's batch path; every record must succeed. */
async function inBatches(events: readonly unknown[], sizes: () => number): Promise<RecordedCall[]> {
  const recorder = createRecorder(sampleWorld());
  const deps = { deadLetter: recorder.deadLetter, logger: new Logger({ logLevel: 'SILENT' }), notify: memoryNotifyDeps(CONFIG, recorder) };
  for (let i = 0; i < events.length; ) {
    const size = sizes();
    const batch = events.slice(i, i + size).map((event, j) => ({ id: `m-${i + j}`, body: JSON.stringify(event) }));
    const { failed } = await processBatch(batch, deps);
    expect(failed).toEqual([]);
    i += size;
  }
  return recorder.calls;
}

const cardCalls = (calls: RecordedCall[], channel: string) =>
  calls.filter((c) => c.input['channel'] === channel && !c.input['thread_ts'] && c.call.startsWith('slack.chat.'));
const finalCard = (calls: RecordedCall[], channel: string) => cardCalls(calls, channel).at(-1)?.input['blocks'];
const posts = (calls: RecordedCall[], channel: string) => cardCalls(calls, channel).filter((c) => c.call === 'slack.chat.postMessage');
const replies = (calls: RecordedCall[], channel: string) => calls.filter((c) => c.input['channel'] === channel && c.input['thread_ts']).length;

describe.each(['01-pipeline-build-fails', '02-pipeline-deploys'])('scenario %s in SQS batches', (name) => {
  const events = scenario(name).map((s) => s.event);

  it('gives the one-by-one final card for 200 random orders with duplicates, in random batches of 1 to 10', async () => {
    const reference = await inBatches(events, () => 1);
    for (let seed = 1; seed <= 200; seed += 1) {
      const random = rng(seed);
      const delivered = shuffle([...events, ...events.filter(() => random() < 0.3)], random);
      const calls = await inBatches(delivered, () => 1 + Math.floor(random() * 10));
      for (const channel of ['C0TEAM0001', 'C0AUDIT001']) {
        expect(finalCard(calls, channel), `seed ${seed}, ${channel}`).toEqual(finalCard(reference, channel));
        expect(posts(calls, channel), `seed ${seed}`).toHaveLength(1);
        expect(replies(calls, channel), `seed ${seed}`).toBe(replies(reference, channel));
      }
      expect(calls.filter((c) => c.call === 'sns.publish').length, `seed ${seed}`).toBe(reference.filter((c) => c.call === 'sns.publish').length);
    }
  });

  it('one batch of the whole run updates each card at most once', async () => {
    const calls = await inBatches(events, () => events.length);
    for (const channel of ['C0TEAM0001', 'C0AUDIT001']) {
      expect(posts(calls, channel)).toHaveLength(1);
      expect(cardCalls(calls, channel).filter((c) => c.call === 'slack.chat.update').length).toBeLessThanOrEqual(1);
    }
  });
});
