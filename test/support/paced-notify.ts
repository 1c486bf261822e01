/**
 * notify's batch path as the Lambda runs it, paced (issue 12) in memory: the card store, Slack's
 * budget, the recorder's Slack and email, a redelivery recorder that holds the delayed messages as
 * SQS would, and a clock the test moves. For the pacing and unclaimed-build tests.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import type { Config } from '../../functions/kernel/config/schema';
import type { SlackPort } from '../../functions/kernel/ports';
import { processBatch } from '../../functions/notify/app/process-batch';
import { type Redelivery, redeliveryBody } from '../../functions/notify/domain/redelivery';
import { createMemoryCardStore } from '../../functions/platform/memory-store';
import { createRecorder } from '../../functions/platform/recording';
import { createMemorySlackBudget } from '../../functions/platform/slack-budget-memory';
import { memoryNotifyDeps, sampleWorld, TWO_CHANNELS } from './scenarios';

export interface PacedNotifyOptions {
  /** The clock's start (epoch ms). */
  readonly start: number;
  readonly config?: Config;
  /** Wraps the recorder's Slack (a 429, say). */
  readonly slack?: (recorded: SlackPort) => SlackPort;
}

export function pacedNotify(options: PacedNotifyOptions) {
  let now = options.start;
  const recorder = createRecorder(sampleWorld());
  const budget = createMemorySlackBudget();
  const scheduled: Array<{ redelivery: Redelivery; at: Date }> = [];
  const store = createMemoryCardStore();
  const notify = memoryNotifyDeps(options.config ?? TWO_CHANNELS, recorder, {
    store,
    slack: options.slack ? options.slack(recorder.slack) : recorder.slack,
    now: () => new Date(now),
    pacing: { budget, redelivery: { schedule: async (r, at) => void scheduled.push({ redelivery: { run: r.run, subject: r.subject }, at }) } },
  });
  const deps = { deadLetter: recorder.deadLetter, logger: new Logger({ logLevel: 'SILENT' }), notify };
  let seq = 0;
  const send = (...bodies: string[]) =>
    processBatch(
      bodies.map((body) => ({ id: `m-${++seq}`, body })),
      deps,
    );
  /** Delivers the scheduled redeliveries due by now, as SQS would. */
  const redeliver = async () => {
    const due = scheduled.filter((s) => s.at.getTime() <= now);
    scheduled.splice(0, scheduled.length, ...scheduled.filter((s) => !due.includes(s)));
    return send(...due.map((s) => redeliveryBody(s.redelivery)));
  };
  /** Recorded calls by name (`slack.chat.update`). */
  const calls = (call: string) => recorder.calls.filter((c) => c.call === call);
  const setNow = (ms: number) => {
    now = ms;
  };
  return { recorder, budget, scheduled, store, send, redeliver, calls, setNow };
}
