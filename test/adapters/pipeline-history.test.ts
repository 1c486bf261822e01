/** Delivery facts read back from CodePipeline history (aws-sdk-client-mock): deployments, retried failures, rollbacks, paging. */
import { CodePipelineClient, GetPipelineExecutionCommand, ListActionExecutionsCommand, ListPipelineExecutionsCommand } from '@aws-sdk/client-codepipeline';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it } from 'vitest';
import { pipelineHistoryFacts } from '../../functions/platform/pipeline-history';

const cp = mockClient(CodePipelineClient);
const at = (iso: string) => new Date(`2026-11-${iso}Z`);
const query = { pipeline: 'web', since: at('01T00:00:00'), productionStages: ['Prod'], account: '111111111111', region: 'eu-west-1' };
const place = { account: '111111111111', region: 'eu-west-1', pipeline: 'web' };
const action = (pipelineExecutionId: string, stageName: string, status: 'Succeeded' | 'Failed', start: string, end: string) => ({
  pipelineExecutionId,
  stageName,
  actionName: 'Deploy',
  status,
  startTime: at(start),
  lastUpdateTime: at(end),
});

describe('pipelineHistoryFacts', () => {
  beforeEach(() => cp.reset());

  it('reads every page until executions start before the window, and turns them into facts', async () => {
    cp.on(ListPipelineExecutionsCommand, { pipelineName: 'web' }).resolvesOnce({
      pipelineExecutionSummaries: [
        {
          pipelineExecutionId: 'rb',
          status: 'Succeeded',
          executionType: 'ROLLBACK',
          trigger: { triggerType: 'ManualRollback' },
          startTime: at('03T12:00:00'),
          lastUpdateTime: at('03T12:05:00'),
        },
        { pipelineExecutionId: 'e2', status: 'Succeeded', executionType: 'STANDARD', startTime: at('03T10:00:00'), lastUpdateTime: at('03T10:40:00') },
      ],
      nextToken: 'page-2',
    });
    cp.on(ListPipelineExecutionsCommand, { pipelineName: 'web', nextToken: 'page-2' }).resolves({
      pipelineExecutionSummaries: [
        { pipelineExecutionId: 'e1', status: 'Failed', startTime: at('02T10:00:00'), lastUpdateTime: at('02T10:20:00') },
        { pipelineExecutionId: 'old', status: 'Succeeded', startTime: at('01T00:00:00'), lastUpdateTime: new Date('2026-10-31T23:00:00Z') },
      ],
    });
    // e2: Beta then Prod, Prod first failed and was retried; the retry succeeded (a retried stage still failed once).
    cp.on(ListActionExecutionsCommand, { filter: { pipelineExecutionId: 'e2' } }).resolvesOnce({
      actionExecutionDetails: [action('e2', 'Beta', 'Succeeded', '03T10:01:00', '03T10:05:00'), action('e2', 'Prod', 'Failed', '03T10:06:00', '03T10:10:00')],
      nextToken: 'actions-2',
    });
    cp.on(ListActionExecutionsCommand, { filter: { pipelineExecutionId: 'e2' }, nextToken: 'actions-2' }).resolves({
      actionExecutionDetails: [action('e2', 'Prod', 'Succeeded', '03T10:30:00', '03T10:40:00')],
    });
    cp.on(ListActionExecutionsCommand, { filter: { pipelineExecutionId: 'e1' } }).resolves({
      actionExecutionDetails: [action('e1', 'Beta', 'Failed', '02T10:01:00', '02T10:20:00')],
    });
    cp.on(GetPipelineExecutionCommand, { pipelineExecutionId: 'e2' }).resolves({
      pipelineExecution: {
        artifactRevisions: [
          { name: 'Source', created: at('03T09:00:00') },
          { name: 'Other', created: at('03T09:30:00') },
        ],
      },
    });

    const facts = await pipelineHistoryFacts(new CodePipelineClient({ region: 'eu-west-1' }), query);

    expect(facts).toEqual([
      { ...place, executionId: 'rb', kind: 'rollback', by: 'codepipeline', at: '2026-11-03T12:00:00.000Z' },
      { ...place, executionId: 'e2', kind: 'failed-deployment', stage: 'Prod', at: '2026-11-03T10:10:00.000Z' },
      {
        ...place,
        executionId: 'e2',
        kind: 'deployment',
        at: '2026-11-03T10:40:00.000Z',
        startedAt: '2026-11-03T10:00:00.000Z',
        committedAt: '2026-11-03T09:00:00.000Z',
      },
      // e1 failed before production: no production fact at all.
    ]);
    expect(cp).toHaveReceivedCommandTimes(ListPipelineExecutionsCommand, 2);
    // Neither the rollback execution nor the execution last updated before the window is asked for its actions.
    expect(cp).toHaveReceivedCommandTimes(ListActionExecutionsCommand, 3);
    expect(cp).toHaveReceivedCommandTimes(GetPipelineExecutionCommand, 1);
  });

  it('a deployment without a revision time has no committedAt (lead time then starts at the execution)', async () => {
    cp.on(ListPipelineExecutionsCommand).resolves({
      pipelineExecutionSummaries: [{ pipelineExecutionId: 'e1', startTime: at('02T10:00:00'), trigger: { triggerType: 'StartPipelineExecution' } }],
    });
    cp.on(ListActionExecutionsCommand).resolves({ actionExecutionDetails: [action('e1', 'Prod', 'Succeeded', '02T10:10:00', '02T10:20:00')] });
    cp.on(GetPipelineExecutionCommand).resolves({ pipelineExecution: { artifactRevisions: [{ name: 'Source' }] } });
    expect(await pipelineHistoryFacts(new CodePipelineClient({ region: 'eu-west-1' }), query)).toEqual([
      { ...place, executionId: 'e1', kind: 'deployment', at: '2026-11-02T10:20:00.000Z', startedAt: '2026-11-02T10:00:00.000Z' },
    ]);
  });
});
