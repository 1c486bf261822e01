/** Approvals and their audit trail in the cards table, against a real DynamoDB API (dynalite). */
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { createDynamoApprovalStore, createMemoryApprovalStore } from '../../functions/approvals/aws/store';
import { buildRequest } from '../../functions/approvals/domain/request';
import { type Approval, initialState } from '../../functions/approvals/domain/types';
import type { ApprovalStorePort } from '../../functions/approvals/ports';
import { ApprovalPolicySchema } from '../../functions/kernel/config/approvals';
import { CardConflictError } from '../../functions/kernel/errors';
import { useLocalDynamo } from '../support/local-dynamo';

const ref = { pipeline: 'payments-api', executionId: 'e-1', stage: 'Production', action: 'Approve', account: '123456789012', region: 'eu-west-1' };
const approval: Approval = {
  request: buildRequest({
    ref,
    startedAt: '2026-11-23T10:00:00Z',
    policy: ApprovalPolicySchema.parse({ name: 'p', approvers: ['U0LEAD0001'] }),
    initiator: {},
    channels: ['C0PAY00001'],
    topics: [],
    parallel: false,
  }),
  state: initialState(),
};

const localDynamo = useLocalDynamo('approvals-test');

describe.each([
  ['dynamodb', () => createDynamoApprovalStore({ client: localDynamo().doc, tableName: 'approvals-test', now: () => new Date('2026-11-23T10:00:00Z') })],
  ['memory', () => createMemoryApprovalStore()],
])('%s approval store', (_name, create: () => ApprovalStorePort) => {
  it('writes version by version and refuses a stale write, as two clicks at once would', async () => {
    const store = create();
    const key = `k-${Math.random()}`;
    expect(await store.get(key)).toBeUndefined();
    await store.put(key, approval, 0);
    await expect(store.put(key, approval, 0)).rejects.toBeInstanceOf(CardConflictError);
    const voted = { ...approval, state: { ...approval.state, votes: [{ userId: 'U0LEAD0001', decision: 'approve' as const, at: '2026-11-23T11:00:00Z' }] } };
    await store.put(key, voted, 1);
    await expect(store.put(key, approval, 1)).rejects.toBeInstanceOf(CardConflictError);
    expect(await store.get(key)).toEqual({ approval: voted, version: 2 });
  });
});

describe('audit trail', () => {
  it('keeps one item per decision under the pipeline, in time order, with who, what, comment and when; a retried write is idempotent', async () => {
    const store = createDynamoApprovalStore({ client: localDynamo().doc, tableName: 'approvals-test', now: () => new Date('2026-11-23T10:00:00Z') });
    const entry = {
      approvalKey: 'k',
      pipeline: 'audit-p',
      executionId: 'e-1',
      stage: 'Production',
      action: 'Approve',
      decision: 'approve' as const,
      via: 'slack' as const,
      slackUserId: 'U0LEAD0001',
      who: 'lee',
      comment: 'ok',
      at: '2026-11-23T11:00:00.000Z',
    };
    await store.audit(entry);
    await store.audit(entry);
    await store.audit({ ...entry, decision: 'approved', at: '2026-11-23T11:00:00.000Z' });
    const items = (await localDynamo().doc.send(new ScanCommand({ TableName: 'approvals-test' }))).Items!.filter((i) => i['pk'] === 'AUDIT#audit-p');
    expect(items.map((i) => i['sk'])).toEqual(['2026-11-23T11:00:00.000Z#k#U0LEAD0001#approve', '2026-11-23T11:00:00.000Z#k#U0LEAD0001#approved']);
    expect(items[0]!['entry']).toEqual(entry);
    expect(items[0]!['expiresAt']).toBe(Date.parse('2026-11-23T10:00:00Z') / 1000 + 365 * 86_400);
  });
});
