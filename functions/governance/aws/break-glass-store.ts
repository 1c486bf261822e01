/**
 * Break-glass bypasses and their audit trail, in the cards table: `GOVERNANCE#BYPASSES` /
 * `<pipeline>#<stage>` (the bypass), and `AUDIT#<pipeline>` / `<time>#bypass#<stage>#<event>` beside
 * the approvals' audit entries, so one query per pipeline reads every decision a person made.
 */
import { DeleteCommand, type DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Place } from '../../kernel/ports';
import { KEY_PREFIX } from '../../kernel/table-keys';
import { callAws } from '../../platform/aws-errors';
import { TTL_ATTRIBUTE } from '../../platform/dynamo-store';
import { parseStored } from '../../platform/stored-item';
import { type Bypass, BypassSchema } from '../domain/enforcement';
import type { BypassesPort } from '../ports';

const BYPASSES_PK = `${KEY_PREFIX.governance}BYPASSES`;
/** A bypass is gone within an hour (used or expired); the item lingers a day at most. */
const BYPASS_TTL_S = 86_400;
const AUDIT_TTL_S = 365 * 86_400;

export function createDynamoBypasses(options: {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
  readonly now?: () => Date;
  /** Organization mode: this account's and region's bypasses (`GOVERNANCE#BYPASSES#<account>/<region>`). */
  readonly place?: Place;
}): BypassesPort {
  const { client, tableName } = options;
  const PK = options.place ? `${BYPASSES_PK}#${options.place.account}/${options.place.region}` : BYPASSES_PK;
  const now = options.now ?? (() => new Date());
  const expires = (s: number) => Math.floor(now().getTime() / 1000) + s;
  return {
    async list() {
      const items: Bypass[] = [];
      let start: Record<string, unknown> | undefined;
      do {
        const out = await call(() =>
          client.send(
            new QueryCommand({
              TableName: tableName,
              KeyConditionExpression: 'pk = :pk',
              ExpressionAttributeValues: { ':pk': PK },
              ConsistentRead: true,
              ExclusiveStartKey: start,
            }),
          ),
        );
        items.push(...(out.Items ?? []).map((i) => parseStored(BypassSchema, i['bypass'], `bypass ${String(i['sk'])}`)));
        start = out.LastEvaluatedKey;
      } while (start);
      return items;
    },
    async put(bypass) {
      await call(() =>
        client.send(
          new PutCommand({ TableName: tableName, Item: { pk: PK, sk: `${bypass.pipeline}#${bypass.stage}`, bypass, [TTL_ATTRIBUTE]: expires(BYPASS_TTL_S) } }),
        ),
      );
    },
    async remove(pipeline, stage) {
      await call(() => client.send(new DeleteCommand({ TableName: tableName, Key: { pk: PK, sk: `${pipeline}#${stage}` } })));
    },
    async audit(entry) {
      const Item = {
        pk: `${KEY_PREFIX.audit}${entry.pipeline}`,
        sk: `${entry.at}#bypass#${entry.stage}#${entry.event}`,
        entry,
        [TTL_ATTRIBUTE]: expires(AUDIT_TTL_S),
      };
      await call(() => client.send(new PutCommand({ TableName: tableName, Item })));
    },
  };
}

const call = <T>(fn: () => Promise<T>): Promise<T> => callAws('DynamoDB (break-glass)', fn);
