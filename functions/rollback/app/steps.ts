/** The rollback state machine's Lambda task: one entry point, four steps (decide, act, check, report). */
import { PermanentError } from '../../kernel/errors';
import { formatIssue } from '../../kernel/issues';
import * as z from '../../kernel/zod';
import { actStep } from './act';
import { checkStep } from './check';
import { decideStep } from './decide';
import type { RollbackDeps } from './deps';
import { reportStep } from './report';
import { ReportState, RollbackInput, RollbackState } from './state';

export const StepPayload = z.discriminatedUnion('step', [
  z.object({ step: z.literal('decide'), input: RollbackInput, executionName: z.string().check(z.minLength(1)) }),
  z.object({ step: z.literal('act'), state: RollbackState }),
  z.object({ step: z.literal('check'), state: RollbackState }),
  z.object({ step: z.literal('report'), state: ReportState }),
]);

export async function runRollbackStep(payload: unknown, deps: RollbackDeps): Promise<unknown> {
  const parsed = StepPayload.safeParse(payload);
  if (!parsed.success) throw new PermanentError(`rollback step: bad input: ${parsed.error.issues.flatMap(formatIssue).join('; ')}`);
  const p = parsed.data;
  // Rolled back where the alarm went off: its account and region (organization mode).
  const alarm = p.step === 'decide' ? p.input.alarm : p.state.alarm;
  const here = deps.at ? { ...deps, ...deps.at({ account: alarm.account, region: alarm.region }) } : deps;
  return step(p, here);
}

function step(p: z.infer<typeof StepPayload>, deps: RollbackDeps): Promise<unknown> {
  switch (p.step) {
    case 'decide':
      return decideStep(p.input, p.executionName, deps);
    case 'act':
      return actStep(p.state, deps);
    case 'check':
      return checkStep(p.state, deps);
    case 'report':
      return reportStep(p.state, deps);
  }
}
