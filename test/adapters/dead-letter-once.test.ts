/**
 * A dead letter is sent once per record body, on a local DynamoDB (dynalite): a duplicate of an
 * unreadable event is not dead-lettered twice, another body is, and a letter the queue did not take
 * is forgotten so the record's retry sends it.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import type { DeadLetter } from '../../functions/kernel/ports';
import { letterKey, sendOnce } from '../../functions/notify/aws/dead-letter-once';
import { useFreshTables } from '../support/contracts';

const tables = useFreshTables('letters');
const letter = (body: string): DeadLetter => ({ body, errorName: 'EventRejectedError', problems: ['body: not JSON'] });

describe('dead letters sent once', () => {
  it('sends a body once, another body too, and remembers each for 24 hours', async () => {
    const tableName = await tables.fresh();
    const sent: string[] = [];
    const now = new Date('2026-12-02T10:00:00Z');
    const once = sendOnce({ send: async (l) => void sent.push(l.body) }, { client: tables.dynamo().doc, tableName, now: () => now });
    await once.send(letter('{not json'));
    await once.send(letter('{not json'));
    await once.send(letter('{"also":"broken"}'));
    expect(sent).toEqual(['{not json', '{"also":"broken"}']);
    const record = (await tables.dynamo().doc.send(new GetCommand({ TableName: tableName, Key: letterKey('{not json') }))).Item;
    expect(record).toMatchObject({ pk: 'IDEMPOTENCY#dead-letter', expiresAt: now.getTime() / 1000 + 86_400 });
  });

  it('a letter the queue refused is forgotten: the retry of the record sends it', async () => {
    const tableName = await tables.fresh();
    let fail = true;
    const sent: string[] = [];
    const once = sendOnce(
      {
        send: async (l) => {
          if (fail) throw new Error('queue unavailable');
          sent.push(l.body);
        },
      },
      { client: tables.dynamo().doc, tableName },
    );
    await expect(once.send(letter('{x'))).rejects.toThrow('queue unavailable');
    fail = false;
    await once.send(letter('{x'));
    expect(sent).toEqual(['{x']);
  });
});
