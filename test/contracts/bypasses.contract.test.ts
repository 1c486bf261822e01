/**
 * Governance's BypassesPort (break-glass): the same cases against the DynamoDB store (dynalite) and
 * the memory one (`warden replay`, `npm run dev`, the governance tests). The audit trail is read as
 * people read it, per pipeline: a Query on `AUDIT#<pipeline>`, and the memory store's `audits`.
 *
 * The port promises no order for `list` (the DynamoDB store lists by `<pipeline>#<stage>`, the
 * memory one in the order first put), so these cases compare lists as sets.
 */
import { describe, expect, it } from 'vitest';
import type { Bypass, BypassesPort } from '../../functions/governance/app/deps';
import { createDynamoBypasses } from '../../functions/governance/aws/break-glass-store';
import { createMemoryBypasses } from '../../functions/governance/world';
import { auditTrail, useFreshTables } from '../support/contracts';

const tables = useFreshTables('bypasses');

const bypass = (extra: Partial<Bypass> = {}): Bypass => ({
  pipeline: 'orders-service',
  stage: 'Prod',
  freeze: 'year-end',
  by: 'U0RELEASE1',
  at: '2026-11-23T10:00:00.000Z',
  latestExecutionId: 'exec-1',
  ...extra,
});

type AuditEntry = Parameters<BypassesPort['audit']>[0];
const granted: AuditEntry = {
  pipeline: 'orders-service',
  stage: 'Prod',
  freeze: 'year-end',
  event: 'granted',
  by: 'U0RELEASE1',
  at: '2026-11-23T10:00:00.000Z',
};
const used: AuditEntry = {
  pipeline: 'orders-service',
  stage: 'Prod',
  freeze: 'year-end',
  event: 'used',
  executionId: 'exec-2',
  at: '2026-11-23T10:07:00.000Z',
};
const expired: AuditEntry = { pipeline: 'orders-service', stage: 'QA', freeze: 'year-end', event: 'expired', at: '2026-11-23T11:00:00.000Z' };

/** A list in one order, to compare as a set. */
const sorted = (bypasses: readonly Bypass[]) => [...bypasses].sort((a, b) => `${a.pipeline}#${a.stage}`.localeCompare(`${b.pipeline}#${b.stage}`));

interface Subject {
  readonly bypasses: BypassesPort;
  /** The pipeline's audit trail as it is read back. */
  readonly trail: (pipeline: string) => Promise<unknown[]>;
}

describe.each<[string, () => Promise<Subject>]>([
  [
    'memory',
    async () => {
      const bypasses = createMemoryBypasses();
      return { bypasses, trail: async (pipeline) => bypasses.audits.filter((a) => a.pipeline === pipeline) };
    },
  ],
  [
    'dynamodb',
    async () => {
      const tableName = await tables.fresh();
      const bypasses = createDynamoBypasses({ client: tables.dynamo().doc, tableName, now: () => new Date('2026-11-23T10:00:00Z') });
      return { bypasses, trail: (pipeline) => auditTrail(tables.dynamo(), tableName, pipeline) };
    },
  ],
])('%s bypasses', (_name, make) => {
  it('lists nothing before a bypass is put, then what was put, deep-equal', async () => {
    const { bypasses } = await make();
    expect(await bypasses.list()).toEqual([]);
    const { latestExecutionId: _none, ...withoutExecution } = bypass({ stage: 'QA' });
    await bypasses.put(bypass());
    await bypasses.put(withoutExecution);
    expect(sorted(await bypasses.list())).toStrictEqual([bypass(), withoutExecution]);
  });

  it('keeps one bypass per stage: putting the same stage again replaces it; other stages and pipelines are apart', async () => {
    const { bypasses } = await make();
    await bypasses.put(bypass());
    await bypasses.put(bypass({ stage: 'QA' }));
    await bypasses.put(bypass({ pipeline: 'web-frontend' }));
    await bypasses.put(bypass({ by: 'U0OTHER0001', at: '2026-11-23T10:05:00.000Z' }));
    expect(sorted(await bypasses.list())).toEqual([
      bypass({ by: 'U0OTHER0001', at: '2026-11-23T10:05:00.000Z' }),
      bypass({ stage: 'QA' }),
      bypass({ pipeline: 'web-frontend' }),
    ]);
  });

  it("remove takes that stage's bypass only; removing one that is not there is harmless", async () => {
    const { bypasses } = await make();
    await bypasses.put(bypass());
    await bypasses.put(bypass({ stage: 'QA' }));
    await bypasses.put(bypass({ pipeline: 'web-frontend' }));
    await bypasses.remove('orders-service', 'Prod');
    await bypasses.remove('orders-service', 'Prod');
    await bypasses.remove('no-such-pipeline', 'Prod');
    expect(sorted(await bypasses.list())).toEqual([bypass({ stage: 'QA' }), bypass({ pipeline: 'web-frontend' })]);
    await bypasses.put(bypass());
    expect(sorted(await bypasses.list())).toEqual([bypass(), bypass({ stage: 'QA' }), bypass({ pipeline: 'web-frontend' })]);
  });

  it('audits granted, used and expired under the pipeline, in the order they happened', async () => {
    const { bypasses, trail } = await make();
    await bypasses.audit(granted);
    await bypasses.audit(used);
    await bypasses.audit(expired);
    await bypasses.audit({ ...granted, pipeline: 'web-frontend' });
    expect(await trail('orders-service')).toStrictEqual([granted, used, expired]);
    expect(await trail('web-frontend')).toStrictEqual([{ ...granted, pipeline: 'web-frontend' }]);
    expect(await trail('no-such-pipeline')).toEqual([]);
  });

  // Drift (functions/governance/world.ts, not changed here): the DynamoDB store writes each audit
  // entry under `<at>#bypass#<stage>#<event>`, so the same entry written again (a retried
  // invocation) replaces itself; the memory store pushes it again, and lists the trail twice.
  it('an audit entry written again (a retry) is kept once, as last written', async () => {
    const { bypasses, trail } = await make();
    await bypasses.audit(used);
    await bypasses.audit(used);
    await bypasses.audit({ ...used, executionId: 'exec-3' });
    expect(await trail('orders-service')).toEqual([{ ...used, executionId: 'exec-3' }]);
  });

  // Drift (functions/governance/world.ts, not changed here): the table reads the trail in time
  // order (the sort key starts with `at`); the memory store keeps the order entries were written in.
  it('reads the audit trail in time order whatever order it was written in', async () => {
    const { bypasses, trail } = await make();
    await bypasses.audit(expired);
    await bypasses.audit(used);
    await bypasses.audit(granted);
    expect(await trail('orders-service')).toStrictEqual([granted, used, expired]);
  });

  // Drift (functions/governance/world.ts, not changed here): the DynamoDB store hands out what it
  // read, and stores what was sent; the memory store keeps and lists the caller's own objects, so a
  // change to one (past the `Readonly` type) changes what is stored.
  it('hands out copies: changing a bypass after put or after list does not change what is stored', async () => {
    const { bypasses } = await make();
    const mine = { ...bypass() };
    await bypasses.put(mine);
    Object.assign(mine, { by: 'U0CHANGED01' });
    const [listed] = await bypasses.list();
    Object.assign(listed ?? {}, { freeze: 'changed after list' });
    expect(await bypasses.list()).toEqual([bypass()]);
  });
});
