import { describe, expect, it } from 'vitest';
import { PermanentError } from '../../functions/kernel/errors';
import { notifyEvent } from '../../functions/notify/app/notify-event';
import { createRecorder, type RecordedCall } from '../../functions/platform/recording';
import { memoryNotifyDeps, rng, sampleWorld, scenario, shuffle, TWO_CHANNELS } from '../support/scenarios';

const CONFIG = TWO_CHANNELS;

async function run(events: readonly Record<string, unknown>[]): Promise<RecordedCall[]> {
  const recorder = createRecorder(sampleWorld());
  const deps = memoryNotifyDeps(CONFIG, recorder);
  for (const event of events) await notifyEvent(event, deps);
  return recorder.calls;
}

const topLevelPosts = (calls: RecordedCall[], channel: string) =>
  calls.filter((c) => c.call === 'slack.chat.postMessage' && c.input['channel'] === channel && !c.input['thread_ts']);
const threadReplies = (calls: RecordedCall[], channel: string) =>
  calls.filter((c) => c.call === 'slack.chat.postMessage' && c.input['channel'] === channel && c.input['thread_ts']);

/** What the channel shows at the end: the blocks of the last post or update of the card. */
function finalCard(calls: RecordedCall[], channel: string): unknown {
  const card = calls.filter((c) => c.input['channel'] === channel && !c.input['thread_ts'] && c.call.startsWith('slack.chat.'));
  return card.at(-1)?.input['blocks'];
}

describe.each(['01-pipeline-build-fails', '02-pipeline-deploys'])('scenario %s through the hot path', (name) => {
  const events = scenario(name).map((s) => s.event);

  it('in file order: one card per channel, updated in place', async () => {
    const calls = await run(events);
    for (const channel of ['C0TEAM0001', 'C0AUDIT001']) {
      expect(topLevelPosts(calls, channel)).toHaveLength(1);
      expect(calls.filter((c) => c.call === 'slack.chat.update' && c.input['channel'] === channel).length).toBeGreaterThan(0);
    }
    // The detailed channel changes more often than the calm one.
    const updates = (ch: string) => calls.filter((c) => c.call === 'slack.chat.update' && c.input['channel'] === ch).length;
    expect(updates('C0TEAM0001')).toBeGreaterThan(updates('C0AUDIT001'));
  });

  it('gives an identical final card for 200 random orderings, with duplicates', async () => {
    const reference = await run(events);
    for (let seed = 1; seed <= 200; seed += 1) {
      const random = rng(seed);
      const delivered = shuffle([...events, ...events.filter(() => random() < 0.3)], random);
      const calls = await run(delivered);
      for (const channel of ['C0TEAM0001', 'C0AUDIT001']) {
        expect(finalCard(calls, channel), `seed ${seed}, ${channel}`).toEqual(finalCard(reference, channel));
        expect(topLevelPosts(calls, channel), `seed ${seed}`).toHaveLength(1);
        expect(threadReplies(calls, channel).length, `seed ${seed}`).toBe(threadReplies(reference, channel).length);
      }
      expect(calls.filter((c) => c.call === 'sns.publish').length, `seed ${seed}`).toBe(reference.filter((c) => c.call === 'sns.publish').length);
    }
  });

  it('delivers every event 3 times and still posts once, with no extra call', async () => {
    const once = await run(events);
    const thrice = await run(events.flatMap((e) => [e, e, e]));
    expect(thrice.map((c) => c.call)).toEqual(once.map((c) => c.call));
    expect(thrice).toEqual(once);
  });
});

describe('deployments', () => {
  it('join the pipeline card from their first event when the pipeline definition can be read', async () => {
    const calls = await run(scenario('02-pipeline-deploys').map((s) => s.event));
    const deploymentStarted = calls.findIndex((c) => c.call === 'slack.chat.update' && JSON.stringify(c.input['blocks']).includes('d-7QX2KJ9AB'));
    expect(calls.filter((c) => c.call === 'codepipeline.getPipeline')).toHaveLength(1);
    // Shown while deploying, well before the pipeline action's SUCCEEDED event names it.
    expect(JSON.stringify(calls[deploymentStarted]?.input['blocks'])).toContain('deployment <');
    expect(JSON.stringify(calls[deploymentStarted]?.input['blocks'])).toContain('in progress');
  });

  it('still reach the card, at the end, when reading the pipeline is not allowed', async () => {
    const recorder = createRecorder({});
    const denied = { deployTarget: async () => Promise.reject(new PermanentError('AccessDeniedException')) };
    const deps = memoryNotifyDeps(CONFIG, recorder, { pipelines: denied, now: () => new Date() });
    for (const { event } of scenario('02-pipeline-deploys')) await notifyEvent(event, deps);
    const last = recorder.calls.filter((c) => c.call === 'slack.chat.update' && c.input['channel'] === 'C0TEAM0001').at(-1);
    expect(JSON.stringify(last?.input['blocks'])).toContain('d-7QX2KJ9AB');
  });
});

describe('failure details', () => {
  it('a failed build gets one thread reply per channel with the reason, the log tail and the mentions', async () => {
    const calls = await run(scenario('01-pipeline-build-fails').map((s) => s.event));
    const [reply] = threadReplies(calls, 'C0TEAM0001');
    const text = JSON.stringify(reply?.input['blocks']);
    expect(threadReplies(calls, 'C0TEAM0001')).toHaveLength(1);
    expect(text).toContain('Build / UnitTests');
    expect(text).toContain('COMMAND_EXECUTION_ERROR');
    expect(text).toContain('expected 10.005 to be 10.01');
    expect(text).toContain('<!subteam^S0ONCALL01>');
    // Read once for both channels' replies, once more for the email at the end of the run.
    expect(calls.filter((c) => c.call === 'logs.getLogEvents')).toHaveLength(2);
    const email = calls.filter((c) => c.call === 'sns.publish');
    expect(email).toHaveLength(1);
    expect(String(email[0]?.input['Subject'])).toBe('[pipeline-warden] payments-api FAILED (6f2b1c1e)');
    expect(String(email[0]?.input['Message'])).toContain('expected 10.005 to be 10.01');
  });

  it('a successful run sends no email at the failures level', async () => {
    const calls = await run(scenario('02-pipeline-deploys').map((s) => s.event));
    expect(calls.filter((c) => c.call === 'sns.publish')).toHaveLength(0);
    expect(threadReplies(calls, 'C0TEAM0001')).toHaveLength(0);
  });
});
