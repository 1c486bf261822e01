/**
 * Approvals and their audit trail, in the cards table:
 * `APPROVAL#<key>` / `APPROVAL` (the approval, `version`) and `AUDIT#<pipeline>` / `<time>#<key>#<who>`
 * (one entry per decision, readable per pipeline in time order). Conditional writes on `version`
 * keep two clicks, or a click and the timer, from overwriting each other.
 */
import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { CardConflictError } from '../../kernel/errors';
import { KEY_PREFIX } from '../../kernel/table-keys';
import * as z from '../../kernel/zod';
import { callAws, classifyAwsError } from '../../platform/aws-errors';
import { TTL_ATTRIBUTE } from '../../platform/dynamo-store';
import { parseStored } from '../../platform/stored-item';
import type { Approval } from '../domain/types';
import type { ApprovalStorePort, AuditEntry, StoredApproval } from '../ports';

/** A stored approval: every field the flow reads without a check of its own (optional ones are checked where read). */
const StoredApprovalItem = z.looseObject({
  approval: z.looseObject({
    request: z.looseObject({
      pipeline: z.string(),
      executionId: z.string(),
      stage: z.string(),
      action: z.string(),
      account: z.string(),
      region: z.string(),
      policy: z.string(),
      approvers: z.array(z.string()),
      required: z.union([z.literal(1), z.literal(2)]),
      allowSelfApproval: z.boolean(),
      startedAt: z.string(),
      deadline: z.string(),
      actionExpiresAt: z.string(),
      remindEveryMs: z.number(),
      onDeadline: z.enum(['reject', 'notify', 'approve']),
      initiator: z.looseObject({}),
      channels: z.array(z.string()),
      topics: z.array(z.string()),
      parallel: z.boolean(),
    }),
    state: z.looseObject({
      status: z.enum(['pending', 'approved', 'rejected']),
      votes: z.array(z.looseObject({ userId: z.string(), decision: z.enum(['approve', 'reject']), at: z.string() })),
      reminders: z.number(),
      escalated: z.boolean(),
      deadlineHandled: z.boolean(),
      messages: z.record(z.string(), z.string()),
      threads: z.record(z.string(), z.string()),
      emailed: z.array(z.string()),
    }),
  }),
  version: z.int().check(z.nonnegative()),
});

/** Audit entries are kept a year (TTL); approvals as long as run cards. */
const AUDIT_TTL_DAYS = 365;
const APPROVAL_TTL_DAYS = 90;

export function createDynamoApprovalStore(options: {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
  readonly now?: () => Date;
}): ApprovalStorePort {
  const { client, tableName } = options;
  const now = options.now ?? (() => new Date());
  const ttl = (days: number) => Math.floor(now().getTime() / 1000) + days * 86_400;
  const key = (k: string) => ({ pk: `${KEY_PREFIX.approval}${k}`, sk: 'APPROVAL' });
  return {
    async get(k) {
      const out = await call(() => client.send(new GetCommand({ TableName: tableName, Key: key(k), ConsistentRead: true })));
      if (!out.Item) return undefined;
      const { approval, version } = parseStored(StoredApprovalItem, out.Item, `approval ${k}`);
      return { approval: approval as Approval, version };
    },
    async put(k, approval, expectedVersion) {
      const condition =
        expectedVersion === 0
          ? { ConditionExpression: 'attribute_not_exists(pk)' }
          : { ConditionExpression: 'version = :expected', ExpressionAttributeValues: { ':expected': expectedVersion } };
      const Item = {
        ...key(k),
        approval: JSON.parse(JSON.stringify(approval)) as Approval,
        version: expectedVersion + 1,
        [TTL_ATTRIBUTE]: ttl(APPROVAL_TTL_DAYS),
      };
      try {
        await client.send(new PutCommand({ TableName: tableName, Item, ...condition }));
      } catch (error) {
        if (error instanceof Error && error.name === 'ConditionalCheckFailedException')
          throw new CardConflictError(`approval ${k}: version ${expectedVersion} is no longer current`, { cause: error });
        throw classifyAwsError('DynamoDB (approvals)', error);
      }
    },
    async audit(entry) {
      const Item = {
        pk: `${KEY_PREFIX.audit}${entry.pipeline}`,
        sk: `${entry.at}#${entry.approvalKey}#${entry.slackUserId ?? entry.via}#${entry.decision}`,
        entry: JSON.parse(JSON.stringify(entry)) as AuditEntry,
        [TTL_ATTRIBUTE]: ttl(AUDIT_TTL_DAYS),
      };
      // The same decision written twice (a retried invocation) lands on the same key: idempotent.
      await call(() => client.send(new PutCommand({ TableName: tableName, Item })));
    },
  };
}

/**
 * The same contract in memory: replay and the tests of the approval flow (test/contracts/
 * approval-store.contract.test.ts runs the same cases against both). Audit entries are keyed as the
 * table keys them (pipeline, then time, approval, who and decision), so a retried write replaces
 * the entry it repeats instead of adding one; `audits` lists them in the order first written,
 * `trail(pipeline)` as a Query on `AUDIT#<pipeline>` reads them, in time order.
 */
export function createMemoryApprovalStore(): ApprovalStorePort & {
  readonly audits: AuditEntry[];
  readonly trail: (pipeline: string) => AuditEntry[];
  readonly all: () => Map<string, StoredApproval>;
} {
  const items = new Map<string, StoredApproval>();
  const audits: AuditEntry[] = [];
  /** `<pipeline>\n<sort key>` → where that entry is in `audits`. */
  const auditAt = new Map<string, number>();
  const copy = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;
  const sortKey = (entry: AuditEntry) => `${entry.at}#${entry.approvalKey}#${entry.slackUserId ?? entry.via}#${entry.decision}`;
  return {
    audits,
    trail: (pipeline) =>
      audits
        .filter((entry) => entry.pipeline === pipeline)
        .map((entry) => ({ entry, key: sortKey(entry) }))
        .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
        .map(({ entry }) => copy(entry)),
    all: () => new Map(items),
    async get(k) {
      const item = items.get(k);
      return item ? copy(item) : undefined;
    },
    async put(k, approval, expectedVersion) {
      if ((items.get(k)?.version ?? 0) !== expectedVersion) throw new CardConflictError(`approval ${k}: version ${expectedVersion} is no longer current`);
      items.set(k, { approval: copy(approval), version: expectedVersion + 1 });
    },
    async audit(entry) {
      const key = `${entry.pipeline}\n${sortKey(entry)}`;
      const same = auditAt.get(key);
      if (same === undefined) auditAt.set(key, audits.push(copy(entry)) - 1);
      else audits[same] = copy(entry);
    },
  };
}

const call = <T>(fn: () => Promise<T>): Promise<T> => callAws('DynamoDB (approvals)', fn);
