/** Break-glass bypasses and their audit entries in the cards table, against a real DynamoDB API (dynalite). */
import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { createDynamoBypasses } from '../../functions/governance/aws/break-glass-store';
import { PermanentError } from '../../functions/kernel/errors';
import { useLocalDynamo } from '../support/local-dynamo';

const localDynamo = useLocalDynamo('break-glass');

describe('break-glass store', () => {
  it("keeps one bypass per stage, lists them, removes them; audit entries sit beside the approvals' under AUDIT#<pipeline>", async () => {
    const store = createDynamoBypasses({ client: localDynamo().doc, tableName: 'break-glass', now: () => new Date('2026-11-23T10:00:00Z') });
    const bypass = {
      pipeline: 'orders-service',
      stage: 'Prod',
      freeze: 'year-end',
      by: 'U0RELEASE1',
      at: '2026-11-23T10:00:00.000Z',
      latestExecutionId: 'exec-1',
    };
    await store.put(bypass);
    await store.put({ ...bypass, by: 'U0OTHER0001' }); // the same stage again replaces it
    await store.put({ ...bypass, pipeline: 'web-frontend' });
    expect((await store.list()).map((b) => [b.pipeline, b.by])).toEqual([
      ['orders-service', 'U0OTHER0001'],
      ['web-frontend', 'U0RELEASE1'],
    ]);
    await store.remove('orders-service', 'Prod');
    expect((await store.list()).map((b) => b.pipeline)).toEqual(['web-frontend']);

    await store.audit({ pipeline: 'orders-service', stage: 'Prod', freeze: 'year-end', event: 'granted', by: 'U0RELEASE1', at: '2026-11-23T10:00:00.000Z' });
    await store.audit({ pipeline: 'orders-service', stage: 'Prod', freeze: 'year-end', event: 'used', at: '2026-11-23T10:07:00.000Z' });
    const audit = await localDynamo().doc.send(
      new QueryCommand({ TableName: 'break-glass', KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': 'AUDIT#orders-service' } }),
    );
    expect(audit.Items?.map((i) => [i['sk'], (i['entry'] as { by?: string }).by])).toEqual([
      ['2026-11-23T10:00:00.000Z#bypass#Prod#granted', 'U0RELEASE1'],
      ['2026-11-23T10:07:00.000Z#bypass#Prod#used', undefined],
    ]);
  });

  it('a stored bypass that is not one (a hand edit) is refused with what is wrong, not half-read (issue 11)', async () => {
    const store = createDynamoBypasses({ client: localDynamo().doc, tableName: 'break-glass', now: () => new Date('2026-11-23T10:00:00Z') });
    await localDynamo().doc.send(
      new PutCommand({ TableName: 'break-glass', Item: { pk: 'GOVERNANCE#BYPASSES', sk: 'api#Prod', bypass: { pipeline: 'api', stage: 'Prod', by: 42 } } }),
    );
    const error = await store.list().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PermanentError);
    expect((error as Error).message).toMatch(/^bypass api#Prod: the stored item is malformed \(.*freeze.*by/);
  });
});
