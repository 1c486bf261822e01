/**
 * Claiming a stage before closing it, against a local DynamoDB (dynalite): the conditional write
 * lets exactly one of two concurrent runs close a stage, and still lets a run retry a close whose
 * call never landed.
 */

import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import type { TransitionRecord } from '../../functions/governance/app/deps';
import { createDynamoTransitionRecords } from '../../functions/governance/aws/governance';
import { PermanentError, RetryableError } from '../../functions/kernel/errors';
import { useLocalDynamo } from '../support/local-dynamo';

const TABLE = 'governance-claims';
const record = (
  disabledAt: string,
  reason = 'pipeline-warden - rule production-approval',
  state: TransitionRecord['state'] = 'disabled',
): TransitionRecord => ({ pipeline: 'payments-api', stage: 'Production', reason, disabledAt, state });

describe('transition records: claim (dynalite)', () => {
  const localDynamo = useLocalDynamo(TABLE);
  const store = () => createDynamoTransitionRecords({ client: localDynamo().doc, tableName: TABLE });

  it('of two runs that saw no record, only the first claims the stage', async () => {
    const records = store();
    expect(await records.claim(record('2026-11-23T10:00:00.000Z'), undefined)).toBe(true);
    expect(await records.claim(record('2026-11-23T10:00:00.002Z'), undefined)).toBe(false);
    expect(await records.list()).toEqual([record('2026-11-23T10:00:00.000Z')]);
  });

  it('a run that saw the current record claims again (the earlier call never landed); a run that saw an older one does not', async () => {
    const records = store();
    const current = (await records.list())[0]!;
    expect(await records.claim(record('2026-11-23T10:05:00.000Z'), current)).toBe(true);
    // `current` is now stale: another run re-claimed in between.
    expect(await records.claim(record('2026-11-23T10:05:00.001Z'), current)).toBe(false);
    expect((await records.list())[0]?.disabledAt).toBe('2026-11-23T10:05:00.000Z');
  });

  it('a record a person released, or one for another reason, is what the claim is checked against', async () => {
    const records = store();
    const released = record('2026-11-23T11:00:00.000Z', 'pipeline-warden - rule production-approval', 'released');
    await records.put(released);
    expect(
      await records.claim(record('2026-11-23T11:05:00.000Z', 'pipeline-warden - freeze year-end until 2027-01-04 08.00 Europe-Berlin'), {
        ...released,
        state: 'disabled',
      }),
    ).toBe(false);
    expect(await records.claim(record('2026-11-23T11:05:00.000Z', 'pipeline-warden - freeze year-end until 2027-01-04 08.00 Europe-Berlin'), released)).toBe(
      true,
    );
  });

  it('other failures are ours: throttling retryable, a missing table permanent', async () => {
    const throttled = mockClient(DynamoDBDocumentClient);
    throttled
      .on(PutCommand)
      .rejects(Object.assign(new Error('slow down'), { name: 'ProvisionedThroughputExceededException', $metadata: { httpStatusCode: 400 } }));
    await expect(
      createDynamoTransitionRecords({ client: DynamoDBDocumentClient.from(localDynamo().doc), tableName: TABLE }).claim(record('x'), undefined),
    ).rejects.toBeInstanceOf(RetryableError);
    throttled.restore();
    await expect(createDynamoTransitionRecords({ client: localDynamo().doc, tableName: 'no-such-table' }).claim(record('x'), undefined)).rejects.toBeInstanceOf(
      PermanentError,
    );
  });
});
