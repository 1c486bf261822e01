/**
 * What the contract tests (test/contracts/) share: each runs the same cases against a port's
 * DynamoDB adapter, on a local DynamoDB (dynalite), and against its in-memory fake, so replay and
 * the tests cannot drift from production.
 *
 * @example
 * const tables = useFreshTables('approvals');
 * describe.each([
 *   ['memory', async () => createMemoryApprovalStore()],
 *   ['dynamodb', async () => createDynamoApprovalStore({ client: tables.dynamo().doc, tableName: await tables.fresh() })],
 * ])('%s approval store', (name, make) => { … });
 */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { KEY_PREFIX } from '../../functions/kernel/table-keys';
import { type LocalDynamo, useLocalDynamo } from './local-dynamo';

export interface FreshTables {
  readonly dynamo: () => LocalDynamo;
  /** A new, empty cards table on the local DynamoDB, as a new fake starts empty. */
  readonly fresh: () => Promise<string>;
}

/** A local DynamoDB for the enclosing test file, and fresh tables on it (`<prefix>-<n>`). */
export function useFreshTables(prefix: string): FreshTables {
  const dynamo = useLocalDynamo();
  let tables = 0;
  return {
    dynamo,
    fresh: async () => {
      const name = `${prefix}-${++tables}`;
      await dynamo().createTable(name);
      return name;
    },
  };
}

/**
 * The audit trail of one pipeline as it is read from the table (`AUDIT#<pipeline>`, a consistent
 * Query): the approvals' and break-glass entries, in sort-key (time) order.
 */
export async function auditTrail(dynamo: LocalDynamo, tableName: string, pipeline: string): Promise<unknown[]> {
  const out = await dynamo.doc.send(
    new QueryCommand({
      TableName: tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': `${KEY_PREFIX.audit}${pipeline}` },
      ConsistentRead: true,
    }),
  );
  return (out.Items ?? []).map((item) => item['entry']);
}
