/** The approval state machine's Lambda task: one entry point, three steps (prepare, tick, failed). */

import { PermanentError } from '../../kernel/errors';
import { formatIssue } from '../../kernel/issues';
import * as z from '../../kernel/zod';
import { approvalKey } from '../domain/types';
import type { ApprovalDeps } from './deps';
import { prepareApproval, type StepResult } from './prepare';
import { tickApproval } from './tick';

const text = z.string().check(z.minLength(1));
const Ref = z.object({ pipeline: text, executionId: text, stage: text, action: text, account: z.string(), region: text, actionExecutionId: z.optional(text) });

export const StepPayload = z.discriminatedUnion('step', [
  z.object({ step: z.literal('prepare'), input: z.object({ ref: Ref, startedAt: z.iso.datetime({ offset: true }), executionArn: z.optional(z.string()) }) }),
  z.object({ step: z.literal('tick'), key: text }),
  z.object({
    step: z.literal('failed'),
    state: z.object({
      key: z.optional(z.string()),
      ref: z.optional(Ref),
      error: z.optional(z.object({ Error: z.optional(z.string()), Cause: z.optional(z.string()) })),
    }),
  }),
]);

type FailedState = Extract<z.infer<typeof StepPayload>, { step: 'failed' }>['state'];

export async function runApprovalStep(payload: unknown, deps: ApprovalDeps): Promise<StepResult> {
  const parsed = StepPayload.safeParse(payload);
  if (!parsed.success) throw new PermanentError(`approval step: bad input: ${parsed.error.issues.flatMap(formatIssue).join('; ')}`);
  const p = parsed.data;
  switch (p.step) {
    case 'prepare':
      return prepareApproval(p.input, deps);
    case 'tick':
      return tickApproval(p.key, deps);
    case 'failed':
      return reportFailure(p.state, deps);
  }
}

/** Tells the approval's thread that its timer stopped; the approval itself stays open in CodePipeline. */
async function reportFailure(state: FailedState, deps: ApprovalDeps): Promise<StepResult> {
  const key = state.key ?? (state.ref ? approvalKey(state.ref) : '');
  const why = [state.error?.Error, state.error?.Cause].filter(Boolean).join(': ').slice(0, 500) || 'unknown error';
  deps.logger.warn('approval timer failed', { approval: key, error: why });
  const stored = key ? await deps.approvals.get(key) : undefined;
  for (const [channel, ts] of Object.entries(stored?.approval.state.messages ?? {})) {
    const text = `⚠️ The approval timer stopped (${why}). No more reminders or deadline: decide in Slack while the buttons work, or in the console.`;
    await deps.slack.postMessage({
      channel,
      threadTs: stored?.approval.state.threads[channel] ?? ts,
      text,
      blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }],
    });
  }
  return { key, done: true };
}
