/**
 * The one approvals world (functions/approvals/world.ts) that replay, `npm run dev` and the tests
 * share (issue 11): it answers as CodePipeline does, whoever drives it.
 */
import { describe, expect, it } from 'vitest';
import { createApprovalPipelineWorld } from '../../../functions/approvals/world';
import type { RecordedCall } from '../../../functions/platform/recording';

const REF = {
  pipeline: 'payments-api',
  executionId: '9a7c4e21-5b3d',
  stage: 'Production',
  action: 'ApproveRelease',
  account: '123456789012',
  region: 'eu-west-1',
};
const at = (iso: string) => () => new Date(iso);

describe('approvals world', () => {
  it('a result needs the open attempt’s token: a wrong one is invalid, a second one finds it completed', async () => {
    const world = createApprovalPipelineWorld({ now: at('2026-11-23T10:00:00Z'), facts: () => ({}) });
    const open = await world.status(REF, false);
    expect(open).toEqual({ status: 'InProgress', token: 'token-1' });
    expect(await world.putResult(REF, { token: 'forged', status: 'Approved', summary: 's' })).toBe('invalid-token');
    expect(await world.putResult(REF, { token: 'token-1', status: 'Approved', summary: 's' })).toBe('recorded');
    expect(await world.putResult(REF, { token: 'token-1', status: 'Rejected', summary: 's' })).toBe('already-completed');
    expect(world.puts()).toEqual([expect.objectContaining({ status: 'Approved' })]);
    expect(world.putCalls).toHaveLength(3);
  });

  it('a decision made elsewhere counts from its time on; a retried stage is a new attempt, open, with its own token', async () => {
    let now = '2026-11-23T10:00:00Z';
    const world = createApprovalPipelineWorld({
      now: () => new Date(now),
      facts: () => ({ decided: { status: 'Rejected', at: '2026-11-23T11:00:00Z', by: 'erin' } }),
    });
    expect((await world.status(REF, false)).status).toBe('InProgress');
    now = '2026-11-23T11:00:00Z';
    expect(await world.status(REF, false)).toEqual({ status: 'Failed', by: 'erin' });
    world.retryStage(REF);
    expect(await world.attempts(REF)).toEqual([
      { actionExecutionId: 'ae-2', status: 'InProgress' },
      { actionExecutionId: 'ae-1', status: 'Failed', by: 'erin' },
    ]);
    expect(await world.status({ ...REF, actionExecutionId: 'ae-2' }, false)).toEqual({ status: 'InProgress', token: 'token-2' });
    expect(await world.status({ ...REF, actionExecutionId: 'ae-9' }, false)).toEqual({ status: 'unknown' });
  });

  it('records each call under its API name with the SDK input, as replay prints it', async () => {
    const calls: RecordedCall[] = [];
    const world = createApprovalPipelineWorld({ now: at('2026-11-23T10:00:00Z'), facts: () => ({ parallel: true }), calls });
    expect(await world.describe(REF)).toEqual({ parallel: true });
    await world.status(REF, true);
    await world.putResult(REF, { token: 'token-1', status: 'Approved', summary: 'ok' });
    expect(calls.map((c) => [c.call, c.input])).toEqual([
      ['codepipeline.getPipeline', { name: 'payments-api' }],
      ['codepipeline.getPipelineExecution', { pipelineName: 'payments-api', pipelineExecutionId: '9a7c4e21-5b3d' }],
      ['codepipeline.listActionExecutions', { pipelineName: 'payments-api', filter: { pipelineExecutionId: '9a7c4e21-5b3d' } }],
      [
        'codepipeline.putApprovalResult',
        {
          pipelineName: 'payments-api',
          stageName: 'Production',
          actionName: 'ApproveRelease',
          result: { status: 'Approved', summary: 'ok' },
          token: 'token-1',
        },
      ],
    ]);
  });
});
