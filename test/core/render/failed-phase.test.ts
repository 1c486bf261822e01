/**
 * The card's line and the thread's reply name the same failed phase (issue 11, "knowledge
 * repeated"): the first failed phase CodeBuild gave a reason for, else the first failed phase.
 * Through the hot path: the sample failing run, its build's BUILD phase failing without a reason
 * and POST_BUILD with one.
 */
import { describe, expect, it } from 'vitest';
import { notifyEvent } from '../../../functions/notify/app/notify-event';
import { createRecorder } from '../../../functions/platform/recording';
import { config, memoryNotifyDeps, sampleWorld, scenario } from '../../support/scenarios';

const CONFIG = config('version: 1\nroutes:\n  - match: { pipelines: ["*"] }\n    slack: { channels: [C0TEAM0001], level: all }\n');

function withPostBuildReason(event: Record<string, any>) {
  const phases = event['detail']?.['additional-information']?.['phases'] as Array<Record<string, unknown>> | undefined;
  for (const phase of phases ?? []) {
    if (phase['phase-type'] === 'BUILD' && phase['phase-status'] === 'FAILED') phase['phase-context'] = [];
    if (phase['phase-type'] === 'POST_BUILD') {
      phase['phase-status'] = 'FAILED';
      phase['phase-context'] = [': COMMAND_EXECUTION_ERROR: Error while executing command: ./upload-report.sh. Reason: exit status 2'];
    }
  }
  return event;
}

describe('the failed phase', () => {
  it('is the same on the card and in the thread: the one CodeBuild gave a reason for', async () => {
    const recorder = createRecorder(sampleWorld());
    const deps = memoryNotifyDeps(CONFIG, recorder);
    for (const { event } of scenario('01-pipeline-build-fails')) await notifyEvent(withPostBuildReason(structuredClone(event)), deps);
    const posts = recorder.calls.filter((c) => c.call.startsWith('slack.chat.'));
    const card = JSON.stringify(posts.filter((c) => !c.input['thread_ts']).at(-1)?.input['blocks']);
    const thread = JSON.stringify(posts.filter((c) => c.input['thread_ts']).map((c) => c.input['blocks']));
    expect(card).toMatch(/build <[^>]+> failed in POST_BUILD/);
    expect(thread).toContain('phase POST_BUILD: COMMAND_EXECUTION_ERROR');
    expect(card).not.toMatch(/failed in BUILD/);
  });
});
