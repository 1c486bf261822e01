/** The notify rules (pipeline, build, deployment, package, alarm, CodeCommit): the hot path, as the queue feeds it. */
import { Logger } from '@aws-lambda-powertools/logger';
import { picomatchGlobs } from '../../functions/kernel/glob-picomatch';
import { notifyEvent } from '../../functions/notify/app/notify-event';
import { processBatch } from '../../functions/notify/app/process-batch';
import { processRecord } from '../../functions/notify/app/process-record';
import { REPLAY_BUDGET } from '../replay-queue';
import type { ReplayShared, ReplayTargetFactory } from './types';

const NOTIFY_PATTERNS = ['codepipeline', 'codebuild', 'codedeploy', 'codeartifact', 'codecommit', 'alarm'].map((family) => `${family}.pattern.json`);

export const notifyTargets: ReplayTargetFactory = (shared) => {
  const { recorder } = shared;
  const deps = {
    config: shared.config,
    globs: picomatchGlobs(),
    store: shared.store,
    slack: recorder.slack,
    email: recorder.email,
    logs: recorder.logs,
    pipelines: recorder.pipelines,
    tags: recorder.tags,
    commits: recorder.commits,
    diagnostics: recorder.diagnostics,
    defaultTopicArn: shared.defaultTopicArn,
    ...(shared.insights ? { insights: shared.insights } : {}),
    // With a queue, redeliveries (an unclaimed build's announcement) are scheduled on it; the budget never holds anything back.
    ...(shared.queue ? { pacing: { budget: REPLAY_BUDGET, redelivery: shared.queue.redelivery } } : {}),
    now: () => shared.clock.now(),
  };
  const silent = new Logger({ logLevel: 'SILENT' });
  if (shared.queue) consumeRedeliveries(shared, deps);
  const run = async (event: unknown) => {
    const start = recorder.calls.length;
    const outcome = await processRecord(JSON.stringify(event), { deadLetter: recorder.deadLetter, logger: silent, notify: (e) => notifyEvent(e, deps) });
    if (outcome !== 'rejected') return;
    // The dead-letter send is how the stack rejects; replay shows it as the event's error instead.
    const index = recorder.calls.findIndex((c, i) => i >= start && c.call === 'sqs.sendMessage');
    const [letter] = recorder.calls.splice(index, 1);
    if (!letter) throw new Error('replay notify: the event was rejected but no dead-letter send was recorded');
    return { error: `rejected, sent to the dead-letter queue: ${deadLetterProblems(letter.input).join('; ')}` };
  };
  // One event matches at most one notify rule: one target per pattern file keeps the rule ↔ target map exact.
  return NOTIFY_PATTERNS.map((pattern) => ({ pattern, run }));
};

/**
 * notify's queue hands a due redelivery to the Lambda's own batch path (functions/notify/app/process-batch.ts),
 * as one record: what production does with the SQS message. A record SQS would retry is shown as the entry's problem.
 */
function consumeRedeliveries(shared: ReplayShared, notify: Parameters<typeof processBatch>[1]['notify']): void {
  const problems: string[] = [];
  const logger = {
    debug: () => undefined,
    info: () => undefined,
    setCorrelationId: () => undefined,
    error: (_message: unknown, ...extra: unknown[]) => {
      const { error, problems: rejected } = (extra[0] ?? {}) as { error?: unknown; problems?: unknown };
      if (Array.isArray(rejected)) problems.push(...rejected.map(String));
      else problems.push(error instanceof Error ? error.message : String(error));
    },
  };
  shared.queue?.consume(async (body) => {
    problems.length = 0;
    const { failed, results } = await processBatch([{ id: 'redelivery', body }], { deadLetter: shared.recorder.deadLetter, logger, notify });
    if (failed.length > 0) return `failed, SQS would deliver it again: ${problems.join('; ')}`;
    if (results.get('redelivery') === 'rejected') return `rejected, sent to the dead-letter queue: ${problems.join('; ')}`;
    return undefined;
  });
}

/** The problems a dead letter carries, from the SendMessage request's `problems` attribute (one per line). */
function deadLetterProblems(input: Record<string, unknown>): string[] {
  const attributes = input['MessageAttributes'] as Record<string, { StringValue?: string }> | undefined;
  return (attributes?.['problems']?.StringValue ?? '').split('\n');
}
