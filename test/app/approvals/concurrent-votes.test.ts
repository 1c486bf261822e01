/**
 * Approvers clicking at the same moment (issue 10, finding 1), as separate workers: each click
 * handler has its own DynamoDB client on one real DynamoDB API (dynalite), and CodePipeline answers
 * with a network's latency, so the workers read, decide and write interleaved. The vote that
 * completes the quorum, whichever worker stores it, sends exactly one PutApprovalResult.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { handleApprovalClick } from '../../../functions/approvals/app/click';
import { createDynamoApprovalStore } from '../../../functions/approvals/aws/store';
import { APPROVAL_ACTIONS } from '../../../functions/approvals/domain/render';
import { approvalKey } from '../../../functions/approvals/domain/types';
import { approvalConfig, approvalEvent, approvalWorld, REF, START } from '../../support/approvals';
import { useLocalDynamo } from '../../support/local-dynamo';

const TABLE = 'approvals-race';
const dynamo = useLocalDynamo(TABLE);

/** A store as one Lambda worker has it: its own client and connection. */
function workerStore() {
  const client = new DynamoDBClient({ endpoint: dynamo().endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  return createDynamoApprovalStore({ client: DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } }), tableName: TABLE });
}

async function started(policy: string, pipeline: string) {
  const w = approvalWorld(approvalConfig(policy), { approvals: workerStore(), latencyMs: 15 });
  // One pipeline per test: the table is shared by the file's tests.
  const event = approvalEvent('STARTED', START) as { detail: Record<string, unknown> };
  event.detail['pipeline'] = pipeline;
  await w.send(event);
  return w;
}

const clickAll = (w: Awaited<ReturnType<typeof started>>, key: string, users: readonly string[], decision: 'approve' | 'reject' = 'approve') =>
  Promise.all(
    users.map((id) =>
      handleApprovalClick({ actionId: APPROVAL_ACTIONS[decision], value: key, user: { id, name: id.toLowerCase() } }, { ...w.deps, approvals: workerStore() }),
    ),
  );

const audits = async (pipeline: string) =>
  (
    (
      await dynamo().doc.send(
        new QueryCommand({ TableName: TABLE, KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': `AUDIT#${pipeline}` } }),
      )
    ).Items ?? []
  ).map((i) => i['entry']);

describe('concurrent votes on DynamoDB (issue 10)', () => {
  it('two approvers of a required: 2 policy at the same moment: one PutApprovalResult, approved, one of them is told it is approved', async () => {
    const w = await started('- name: prod\n  approvers: [U0LEAD0001, U0OTHER001]\n  required: 2', 'payments-race-two');
    const key = approvalKey({ ...REF, pipeline: 'payments-race-two' });
    const answers = await clickAll(w, key, ['U0LEAD0001', 'U0OTHER001']);
    expect(w.pipeline.putCalls).toEqual([expect.objectContaining({ status: 'Approved', token: 'token-1' })]);
    expect(answers.map((a) => (a.kind === 'done' ? a.text : a.kind)).sort()).toEqual([
      '1 of 2 approvals',
      expect.stringMatching(/^approved by <@U0(LEAD0001|OTHER001)> and <@U0(LEAD0001|OTHER001)>$/),
    ]);
    const stored = await workerStore().get(key);
    expect(stored?.approval.state).toMatchObject({ status: 'approved', outcome: { via: 'slack', status: 'approved' } });
    expect(stored?.approval.state.votes.map((v) => v.userId).sort()).toEqual(['U0LEAD0001', 'U0OTHER001']);
    expect((await audits('payments-race-two')).filter((a) => a.decision === 'approved')).toHaveLength(1);
    await w.machines.finish();
  });

  it('three simultaneous decisive clicks send one PutApprovalResult, not three; the others are told it is already being decided', async () => {
    const w = await started('- name: prod\n  approvers: [U0LEAD0001, U0OTHER001, U0THIRD001]\n  whenStarterUnknown: any-approver', 'payments-race-three');
    const key = approvalKey({ ...REF, pipeline: 'payments-race-three' });
    const answers = await clickAll(w, key, ['U0LEAD0001', 'U0OTHER001', 'U0THIRD001']);
    expect(w.pipeline.putCalls).toHaveLength(1);
    expect(answers.filter((a) => a.kind === 'done')).toHaveLength(1);
    for (const refused of answers.filter((a) => a.kind === 'refused')) {
      expect(refused).toMatchObject({ ephemeral: expect.stringMatching(/^This approval is already (being )?approved/) });
      expect(refused).not.toMatchObject({ ephemeral: expect.stringContaining('outside Slack') });
    }
    expect((await workerStore().get(key))?.approval.state).toMatchObject({ status: 'approved', outcome: { via: 'slack' } });
    await w.machines.finish();
  });

  it('an approval and a rejection at the same moment: exactly one result reaches CodePipeline, and the card records that one', async () => {
    const w = await started('- name: prod\n  approvers: [U0LEAD0001, U0OTHER001]\n  whenStarterUnknown: any-approver', 'payments-race-mixed');
    const key = approvalKey({ ...REF, pipeline: 'payments-race-mixed' });
    await Promise.all([clickAll(w, key, ['U0LEAD0001'], 'approve'), clickAll(w, key, ['U0OTHER001'], 'reject')]);
    expect(w.pipeline.putCalls).toHaveLength(1);
    const status = w.pipeline.putCalls[0]?.status === 'Approved' ? 'approved' : 'rejected';
    expect((await workerStore().get(key))?.approval.state).toMatchObject({ status, outcome: { via: 'slack', status } });
    await w.machines.finish();
  });
});
