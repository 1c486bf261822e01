/** The notify rules (pipeline, build, deployment, package, alarm, CodeCommit): the hot path, as the queue feeds it. */
import { Logger } from '@aws-lambda-powertools/logger';
import { picomatchGlobs } from '../../functions/kernel/glob-picomatch';
import { notifyEvent } from '../../functions/notify/app/notify-event';
import { processRecord } from '../../functions/notify/app/process-record';
import type { ReplayTargetFactory } from './types';

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
    now: () => shared.clock.now(),
  };
  const silent = new Logger({ logLevel: 'SILENT' });
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

/** The problems a dead letter carries, from the SendMessage request's `problems` attribute (one per line). */
function deadLetterProblems(input: Record<string, unknown>): string[] {
  const attributes = input['MessageAttributes'] as Record<string, { StringValue?: string }> | undefined;
  return (attributes?.['problems']?.StringValue ?? '').split('\n');
}
