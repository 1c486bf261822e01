/**
 * The approval state machine (statemachines/approval.asl.yaml) executed locally, end to end with
 * the real approval code: the timer's reminders, escalation and deadline, decisions from Slack or
 * elsewhere, and a duplicate start. Only CodePipeline, Slack and email are stand-ins.
 */
import { describe, expect, it } from 'vitest';
import { handleApprovalClick } from '../../functions/approvals/app/click';
import { APPROVAL_ACTIONS } from '../../functions/approvals/domain/render';
import { approvalKey } from '../../functions/approvals/domain/types';
import { approvalConfig, approvalEvent, approvalWorld, REF, START } from '../support/approvals';

const KEY = approvalKey(REF);
const hours = (h: number) => new Date(Date.parse(START) + h * 3_600_000);
const texts = (w: ReturnType<typeof approvalWorld>) => w.calls('slack.chat.postMessage').map((c) => String(c.input['text']));

const ONE_APPROVER = `- name: prod
  approvers: [U0LEAD0001]
  whenStarterUnknown: any-approver
  remindEvery: 4h
  deadline: 24h`;

async function started(policy = ONE_APPROVER, options: Parameters<typeof approvalWorld>[1] = {}) {
  const w = approvalWorld(approvalConfig(policy), options);
  expect(await w.send(approvalEvent('STARTED', START))).toBe('started');
  return w;
}

const click = (w: ReturnType<typeof approvalWorld>, user: string, decision: 'approve' | 'reject', comment?: string) =>
  handleApprovalClick(
    { actionId: APPROVAL_ACTIONS[decision], value: KEY, user: { id: user, name: user.toLowerCase() }, ...(comment ? { comment } : {}) },
    w.deps,
  );

describe('approval state machine', () => {
  it('approved in time: the result goes to CodePipeline, the card says so, the timer is stopped', async () => {
    const w = await started();
    expect(texts(w)).toEqual(['Approval needed: payments-api › Production › ApproveRelease']);
    await w.clock.advanceTo(hours(1));
    expect(await click(w, 'U0LEAD0001', 'approve', 'looks good')).toEqual({ kind: 'done', text: 'approved by <@U0LEAD0001>' });
    expect(w.pipeline.puts).toEqual([
      expect.objectContaining({
        status: 'Approved',
        token: 'token-1',
        summary: 'Approved by u0lead0001 (U0LEAD0001) from Slack via pipeline-warden: "looks good"',
      }),
    ]);
    expect(w.calls('slack.chat.update').at(-1)?.input['text']).toBe('Approved: payments-api › Production › ApproveRelease');
    expect(w.calls('sfn.stopExecution')).toHaveLength(1);
    await w.clock.advanceTo(hours(48));
    const [run] = await w.machines.finish();
    expect(run?.result.status).toBe('ABORTED');
    expect(texts(w)).toHaveLength(1); // no reminder after the decision
    expect(w.approvals.audits.map((a) => [a.decision, a.via, a.slackUserId, a.comment])).toEqual([
      ['approve', 'slack', 'U0LEAD0001', 'looks good'],
      ['approved', 'slack', 'U0LEAD0001', 'looks good'],
    ]);
  });

  it('rejected from Slack: Rejected with the person and comment, timer stopped', async () => {
    const w = await started();
    await w.clock.advanceTo(hours(2));
    expect(await click(w, 'U0LEAD0001', 'reject', 'not today')).toMatchObject({ kind: 'done' });
    expect(w.pipeline.puts).toEqual([
      expect.objectContaining({ status: 'Rejected', summary: 'Rejected by u0lead0001 (U0LEAD0001) from Slack via pipeline-warden: "not today"' }),
    ]);
    expect((await w.machines.finish())[0]?.result.status).toBe('ABORTED');
  });

  it('deadline → reject: reminders every 4 h, then Rejected with a summary saying the deadline passed', async () => {
    const w = await started();
    await w.clock.advanceTo(hours(30));
    const [run] = await w.machines.finish();
    expect(run?.result.status).toBe('SUCCEEDED');
    const reminders = texts(w).filter((t) => t.startsWith('🔔'));
    expect(reminders).toHaveLength(5); // at 4, 8, 12, 16, 20 h; the one due at 24 h is the deadline's message
    expect(w.pipeline.puts).toEqual([
      {
        status: 'Rejected',
        token: 'token-1',
        summary: 'No decision within 1d: rejected automatically by pipeline-warden (policy "prod")',
        at: hours(24).toISOString(),
      },
    ]);
    expect(texts(w).at(-1)).toMatch(/^⏰ The deadline .* passed \(1d\): rejected automatically under policy "prod"\.$/);
    expect(w.approvals.audits).toEqual([expect.objectContaining({ decision: 'rejected', via: 'deadline' })]);
  });

  it("deadline with `notify`: no result is put; reminders go on until CodePipeline's own timeout ends the timer", async () => {
    const w = await started(`${ONE_APPROVER}\n  onDeadline: notify`, { timeoutMinutes: 48 * 60 });
    await w.clock.advanceTo(hours(60));
    const [run] = await w.machines.finish();
    expect(run?.result.status).toBe('SUCCEEDED');
    expect(w.pipeline.puts).toEqual([]);
    const all = texts(w);
    expect(all.filter((t) => t.startsWith('⏰'))).toHaveLength(1);
    expect(all.find((t) => t.startsWith('⏰'))).toMatch(/only reminds: the approval stays open until 2026-11-25 10:00:00 UTC/);
    // 4 h cadence over the 48 h the action lives: 11 reminders (the one at 24 h became the deadline notice).
    expect(all.filter((t) => t.startsWith('🔔'))).toHaveLength(10);
  });

  it('escalates once, calling in the backup group, at escalateAfter', async () => {
    const w = await started(`${ONE_APPROVER}\n  escalateAfter: 6h\n  escalateTo: [S0BACKUP01]`);
    await w.clock.advanceTo(hours(10));
    const escalations = w.calls('slack.chat.postMessage').filter((c) => String(c.input['text']).startsWith('🚨'));
    expect(escalations).toHaveLength(1);
    expect(escalations[0]?.at).toBe(hours(6).toISOString());
    expect(JSON.stringify(escalations[0]?.input['blocks'])).toContain('<!subteam^S0BACKUP01>');
    await w.machines.finish();
  });

  it('decided elsewhere: the action event updates the card and stops the timer; nothing is put', async () => {
    const w = await started();
    w.pipeline.decideInConsole('Succeeded', hours(3).toISOString());
    expect(await w.send(approvalEvent('SUCCEEDED', hours(3).toISOString(), 'checked with QA'))).toBe('decided');
    expect(w.calls('sfn.stopExecution')).toHaveLength(1);
    expect(JSON.stringify(w.calls('slack.chat.update').at(-1)?.input['blocks'])).toContain('Approved outside Slack by erin');
    await w.clock.advanceTo(hours(30));
    expect((await w.machines.finish())[0]?.result.status).toBe('ABORTED');
    expect(w.pipeline.puts).toEqual([]);
    expect(texts(w).filter((t) => t.startsWith('🔔'))).toEqual([]);
  });

  it('decided in the console with the event lost: the next tick sees it and the timer ends', async () => {
    const w = await started();
    w.pipeline.decideInConsole('Failed', hours(1).toISOString());
    await w.clock.advanceTo(hours(30));
    expect((await w.machines.finish())[0]?.result.status).toBe('SUCCEEDED');
    expect(w.pipeline.puts).toEqual([]);
    expect(texts(w).filter((t) => t.startsWith('🔔'))).toEqual([]);
    expect(w.approvals.audits).toEqual([expect.objectContaining({ decision: 'rejected', via: 'elsewhere', at: hours(4).toISOString() })]);
  });

  it('a duplicate STARTED event starts nothing new: one execution, one card', async () => {
    const w = await started();
    expect(await w.send(approvalEvent('STARTED', START))).toBe('duplicate');
    expect(w.calls('sfn.startExecution')).toHaveLength(2);
    expect(texts(w)).toHaveLength(1);
    expect(await w.machines.finish()).toHaveLength(1);
  });

  // The first attempt ends at its deadline: the local scheduler miscounts a stopped execution's sleep
  // (tools/step-functions/local-sfn.ts, reported), and a deadline ends the timer without a stop.
  it("a retried stage's approval is its own approval: a new card and timer, its click decides the new attempt, the audit tells the attempts apart (issue 10)", async () => {
    const w = await started();
    await w.clock.advanceTo(hours(25));
    // RetryStageExecution after the rejection: the same pipeline execution runs the approval action again.
    w.pipeline.retryStage();
    expect(await w.send(approvalEvent('STARTED', hours(25).toISOString()))).toBe('started');
    expect(texts(w).filter((t) => t.startsWith('Approval needed'))).toHaveLength(2);
    const names = w.calls('sfn.startExecution').map((c) => String(c.input['name']));
    expect(new Set(names).size).toBe(2);
    for (const name of names) expect(name).toMatch(/^[A-Za-z0-9_-]{1,80}$/);
    const retried = approvalKey({ ...REF, actionExecutionId: 'ae-2' });
    const answer = await handleApprovalClick({ actionId: APPROVAL_ACTIONS.approve, value: retried, user: { id: 'U0LEAD0001', name: 'lee' } }, w.deps);
    expect(answer).toEqual({ kind: 'done', text: 'approved by <@U0LEAD0001>' });
    expect(w.pipeline.puts.map((p) => [p.status, p.token])).toEqual([
      ['Rejected', 'token-1'],
      ['Approved', 'token-2'],
    ]);
    expect(w.approvals.audits.map((a) => [a.actionExecutionId, a.decision, a.via])).toEqual([
      ['ae-1', 'rejected', 'deadline'],
      ['ae-2', 'approve', 'slack'],
      ['ae-2', 'approved', 'slack'],
    ]);
    expect((await w.machines.finish()).map((r) => r.result.status)).toEqual(['SUCCEEDED', 'ABORTED']);
  });

  it("a retried stage's approval gets its own reminders and deadline (issue 10)", async () => {
    const w = await started();
    await w.clock.advanceTo(hours(25));
    w.pipeline.retryStage();
    await w.send(approvalEvent('STARTED', hours(25).toISOString()));
    await w.clock.advanceTo(hours(55));
    expect(texts(w).filter((t) => t.startsWith('🔔'))).toHaveLength(10);
    expect(w.pipeline.puts.map((p) => [p.status, p.token, p.at])).toEqual([
      ['Rejected', 'token-1', hours(24).toISOString()],
      ['Rejected', 'token-2', hours(49).toISOString()],
    ]);
    expect((await w.machines.finish()).map((r) => r.result.status)).toEqual(['SUCCEEDED', 'SUCCEEDED']);
  });

  it('a click after the deadline decided changes nothing and says why', async () => {
    const w = await started();
    await w.clock.advanceTo(hours(25));
    expect(await click(w, 'U0LEAD0001', 'approve')).toEqual({ kind: 'refused', ephemeral: 'This approval is already rejected. Nothing changed.' });
    expect(w.pipeline.puts).toHaveLength(1);
    await w.machines.finish();
  });

  it('a step that keeps failing ends the timer as failed, after saying so in the thread', async () => {
    const w = await started();
    w.deps.approvals.get = async () => {
      throw Object.assign(new Error('table gone'), { name: 'PermanentError' });
    };
    await w.clock.advanceTo(hours(5));
    const [run] = await w.machines.finish();
    expect(run?.result).toMatchObject({ status: 'FAILED', error: 'ApprovalTimerFailed' });
  });
});
