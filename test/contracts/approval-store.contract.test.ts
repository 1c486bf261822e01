/**
 * ApprovalStorePort: the same cases against the DynamoDB approval store (dynalite: real conditional
 * writes) and the memory one (`warden replay`, the approval flow's tests). The audit trail is read
 * as people read it, per pipeline: a Query on `AUDIT#<pipeline>`, and `trail(pipeline)` in memory.
 */
import { describe, expect, it } from 'vitest';
import { createDynamoApprovalStore, createMemoryApprovalStore } from '../../functions/approvals/aws/store';
import { buildRequest } from '../../functions/approvals/domain/request';
import { type Approval, initialState } from '../../functions/approvals/domain/types';
import type { ApprovalStorePort, AuditEntry } from '../../functions/approvals/ports';
import { ApprovalPolicySchema } from '../../functions/kernel/config/approvals';
import { CardConflictError } from '../../functions/kernel/errors';
import { auditTrail, useFreshTables } from '../support/contracts';

const tables = useFreshTables('approvals');

const ref = { pipeline: 'payments-api', executionId: 'e-1', stage: 'Production', action: 'Approve', account: '123456789012', region: 'eu-west-1' };
const approval: Approval = {
  request: buildRequest({
    ref,
    startedAt: '2026-11-23T10:00:00Z',
    policy: ApprovalPolicySchema.parse({ name: 'p', approvers: ['U0LEAD0001', 'U0LEAD0002'], required: 2 }),
    initiator: {},
    channels: ['C0PAY00001'],
    topics: [],
    parallel: false,
  }),
  state: initialState(),
};
const vote = (userId: string, at: string, base: Approval = approval): Approval => ({
  ...base,
  state: { ...base.state, votes: [...base.state.votes, { userId, decision: 'approve', at }] },
});

const entry = (extra: Partial<AuditEntry> = {}): AuditEntry => ({
  approvalKey: 'payments-api/e-1/Production/Approve',
  pipeline: 'payments-api',
  executionId: 'e-1',
  stage: 'Production',
  action: 'Approve',
  decision: 'approve',
  via: 'slack',
  slackUserId: 'U0LEAD0001',
  who: 'lee',
  comment: 'ok',
  at: '2026-11-23T11:00:00.000Z',
  ...extra,
});

interface Subject {
  readonly store: ApprovalStorePort;
  /** The pipeline's audit trail as it is read back. */
  readonly trail: (pipeline: string) => Promise<unknown[]>;
}

describe.each<[string, () => Promise<Subject>]>([
  [
    'memory',
    async () => {
      const store = createMemoryApprovalStore();
      return { store, trail: async (pipeline) => store.trail(pipeline) };
    },
  ],
  [
    'dynamodb',
    async () => {
      const tableName = await tables.fresh();
      const store = createDynamoApprovalStore({ client: tables.dynamo().doc, tableName, now: () => new Date('2026-11-23T10:00:00Z') });
      return { store, trail: (pipeline) => auditTrail(tables.dynamo(), tableName, pipeline) };
    },
  ],
])('%s approval store', (_name, make) => {
  it('has no approval for a key it never stored', async () => {
    const { store } = await make();
    expect(await store.get('payments-api/none')).toBeUndefined();
  });

  it('creates an approval at version 1 (expected version 0), and each put at the current version writes the next one', async () => {
    const { store } = await make();
    await store.put('k1', approval, 0);
    expect(await store.get('k1')).toEqual({ approval, version: 1 });
    const once = vote('U0LEAD0001', '2026-11-23T11:00:00.000Z');
    const twice = vote('U0LEAD0002', '2026-11-23T11:01:00.000Z', once);
    await store.put('k1', once, 1);
    await store.put('k1', twice, 2);
    expect(await store.get('k1')).toEqual({ approval: twice, version: 3 });
  });

  it('refuses a stale version, an existing approval at 0, a missing one at 1 and a version from the future, with CardConflictError, keeping what is stored', async () => {
    const { store } = await make();
    const voted = vote('U0LEAD0001', '2026-11-23T11:00:00.000Z');
    await store.put('k2', approval, 0);
    await store.put('k2', voted, 1);
    await expect(store.put('k2', approval, 1)).rejects.toBeInstanceOf(CardConflictError);
    await expect(store.put('k2', approval, 0)).rejects.toBeInstanceOf(CardConflictError);
    await expect(store.put('k2', approval, 5)).rejects.toBeInstanceOf(CardConflictError);
    await expect(store.put('k2-missing', approval, 1)).rejects.toBeInstanceOf(CardConflictError);
    expect(await store.get('k2')).toEqual({ approval: voted, version: 2 });
    expect(await store.get('k2-missing')).toBeUndefined();
  });

  it('of two clicks written at once from the same version, exactly one lands; the other gets CardConflictError', async () => {
    const { store } = await make();
    await store.put('k3', approval, 0);
    const clicks = [vote('U0LEAD0001', '2026-11-23T11:00:00.000Z'), vote('U0LEAD0002', '2026-11-23T11:00:00.000Z')];
    const results = await Promise.allSettled(clicks.map((click) => store.put('k3', click, 1)));
    const winner = results.findIndex((r) => r.status === 'fulfilled');
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(results.filter((r) => r.status === 'rejected' && r.reason instanceof CardConflictError)).toHaveLength(1);
    expect(await store.get('k3')).toEqual({ approval: clicks[winner], version: 2 });
  });

  it('keeps approvals apart by key', async () => {
    const { store } = await make();
    const voted = vote('U0LEAD0001', '2026-11-23T11:00:00.000Z');
    await store.put('payments-api/e-1/Production/Approve', approval, 0);
    await store.put('payments-api/e-2/Production/Approve', voted, 0);
    expect((await store.get('payments-api/e-1/Production/Approve'))?.approval).toEqual(approval);
    expect((await store.get('payments-api/e-2/Production/Approve'))?.approval).toEqual(voted);
  });

  it('reads back the JSON form of what was put: an undefined optional field is absent', async () => {
    const { store } = await make();
    const withGaps: Approval = { ...approval, state: { ...approval.state, outcome: undefined, claim: undefined } };
    await store.put('k4', withGaps, 0);
    const stored = await store.get('k4');
    expect(stored?.approval).toStrictEqual(JSON.parse(JSON.stringify(withGaps)));
    expect(Object.keys(stored?.approval.state ?? {})).not.toContain('outcome');
  });

  it('hands out copies: changing an approval after put or after get does not change what is stored', async () => {
    const { store } = await make();
    const mine = structuredClone(approval);
    await store.put('k5', mine, 0);
    (mine.state.votes as unknown[]).push({ userId: 'U0AFTERPUT', decision: 'approve', at: '2026-11-23T11:00:00.000Z' });
    const read = await store.get('k5');
    (read?.approval.state.votes as unknown[] | undefined)?.push({ userId: 'U0AFTERGET', decision: 'approve', at: '2026-11-23T11:00:00.000Z' });
    expect((await store.get('k5'))?.approval).toEqual(approval);
  });

  it("audits each decision once under its pipeline, in time order whatever order they were written in; other pipelines' entries are apart", async () => {
    const { store, trail } = await make();
    const first = entry({ at: '2026-11-23T11:00:00.000Z' });
    const second = entry({ slackUserId: 'U0LEAD0002', who: 'ada', comment: undefined, at: '2026-11-23T11:05:00.000Z' });
    const final = entry({ decision: 'approved', at: '2026-11-23T11:05:00.000Z' });
    const deadline = entry({
      decision: 'rejected',
      via: 'deadline',
      slackUserId: undefined,
      who: undefined,
      comment: undefined,
      at: '2026-11-23T12:00:00.000Z',
    });
    await store.audit(final);
    await store.audit(second);
    await store.audit(first);
    await store.audit(entry({ pipeline: 'web-frontend', at: '2026-11-23T10:00:00.000Z' }));
    await store.audit(deadline);
    // Same time, same approval: by who (the user, or `via` without one), then by decision.
    expect(await trail('payments-api')).toStrictEqual([first, final, second, deadline].map((e) => JSON.parse(JSON.stringify(e))));
    expect(await trail('web-frontend')).toEqual([entry({ pipeline: 'web-frontend', at: '2026-11-23T10:00:00.000Z' })]);
    expect(await trail('no-such-pipeline')).toEqual([]);
  });

  it('a retried audit write (the same decision, by the same person, at the same time) is kept once, as last written', async () => {
    const { store, trail } = await make();
    await store.audit(entry());
    await store.audit(entry());
    await store.audit(entry({ comment: 'ok, retried' }));
    expect(await trail('payments-api')).toEqual([entry({ comment: 'ok, retried' })]);
  });
});
