/**
 * The rollback execution's state, as it travels between the state machine's steps: the starter's
 * input, then the decision and where to explain it, then the progress of the rollback.
 */

import * as z from '../../kernel/zod';
import { Progress } from '../domain/progress';
import { AlarmInfo, Decision, Target } from '../domain/types';

/** What the starter hands each execution: one alarm, one guarded target, the guard that maps them. */
export const RollbackInput = z.object({ alarm: AlarmInfo, target: Target, guard: z.string().check(z.minLength(1)) });
export type RollbackInput = z.infer<typeof RollbackInput>;

/** Where the explanation goes: Slack channels (in the run's thread when it has a card) and SNS topics. */
export const Where = z.object({
  slack: z.array(z.object({ channel: z.string(), threadTs: z.optional(z.string()) })),
  topics: z.array(z.string()),
});
export type Where = z.infer<typeof Where>;

export const StepError = z.object({ Error: z.optional(z.string()), Cause: z.optional(z.string()) });

export const RollbackState = z.object({
  ...RollbackInput.shape,
  executionName: z.string(),
  decidedAt: z.iso.datetime({ offset: true }),
  decision: Decision,
  where: Where,
  progress: z.optional(Progress),
});
export type RollbackState = z.infer<typeof RollbackState>;

/** What Report receives: a full state, or (a step failed early) the input with the error. */
export const ReportState = z.object({
  ...RollbackInput.shape,
  executionName: z.optional(z.string()),
  decision: z.optional(Decision),
  where: z.optional(Where),
  progress: z.optional(Progress),
  error: z.optional(StepError),
});
export type ReportState = z.infer<typeof ReportState>;
