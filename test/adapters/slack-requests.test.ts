import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { PermanentError, RetryableError } from '../../functions/kernel/errors';
import { createDynamoSlackRequests, createMemorySlackRequests, REPLAY_TTL_SECONDS, requestKey } from '../../functions/slack-actions/aws/requests';
import { MAX_SKEW_SECONDS } from '../../functions/slack-actions/aws/signature';
import type { SlackRequestsPort } from '../../functions/slack-actions/ports';
import { useLocalDynamo } from '../support/local-dynamo';

const NOW = new Date('2026-11-23T06:00:00Z');
const SIG = 'a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503';
const later = (seconds: number) => new Date(NOW.getTime() + seconds * 1000);

const localDynamo = useLocalDynamo('cards-requests');

/** The same contract for the DynamoDB store (against dynalite) and the in-memory one (`npm run dev`). */
describe.each<[string, () => SlackRequestsPort]>([
  ['dynamo', () => createDynamoSlackRequests({ client: localDynamo().doc, tableName: 'cards-requests' })],
  ['memory', () => createMemorySlackRequests()],
])('%s request store', (_name, make) => {
  it('accepts a signature once, then reports every copy as replayed', async () => {
    const store = make();
    const sig = `${SIG.slice(0, 60)}${_name.slice(0, 4)}`;
    expect(await store.claim(sig, NOW)).toBe('first');
    expect(await store.claim(sig, later(1))).toBe('replayed');
    expect(await store.claim(sig, later(299))).toBe('replayed');
  });

  it('lets exactly one of many concurrent copies through', async () => {
    const store = make();
    const sig = `concurrent-${_name}`;
    const results = await Promise.all(Array.from({ length: 20 }, () => store.claim(sig, NOW)));
    expect(results.filter((r) => r === 'first')).toHaveLength(1);
  });

  it('keeps different signatures apart', async () => {
    const store = make();
    expect(await store.claim(`one-${_name}`, NOW)).toBe('first');
    expect(await store.claim(`two-${_name}`, NOW)).toBe('first');
  });
});

describe('dynamo request store', () => {
  it('writes SLACK-REQUEST#<signature> with a TTL past the five-minute window', async () => {
    await createDynamoSlackRequests({ client: localDynamo().doc, tableName: 'cards-requests' }).claim('ttl-check', NOW);
    const { Item } = await localDynamo().doc.send(new GetCommand({ TableName: 'cards-requests', Key: requestKey('ttl-check') }));
    expect(Item).toEqual({ pk: 'SLACK-REQUEST#ttl-check', sk: 'REQUEST', expiresAt: Math.floor(NOW.getTime() / 1000) + REPLAY_TTL_SECONDS });
    // Accepted at `now` means a timestamp ≥ now − 5 min, which verifies until ≤ now + 10 min.
    expect(REPLAY_TTL_SECONDS).toBeGreaterThanOrEqual(2 * MAX_SKEW_SECONDS);
  });

  it('sorts failures: throttling is retryable, a missing table is not', async () => {
    const failing = (name: string, status: number): DynamoDBDocumentClient =>
      ({
        send: async () => {
          throw Object.assign(new Error('boom'), { name, $metadata: { httpStatusCode: status } });
        },
      }) as unknown as DynamoDBDocumentClient;
    const throttled = createDynamoSlackRequests({ client: failing('ProvisionedThroughputExceededException', 400), tableName: 't' });
    await expect(throttled.claim('x', NOW)).rejects.toBeInstanceOf(RetryableError);
    const missing = createDynamoSlackRequests({ client: localDynamo().doc, tableName: 'no-such-table' });
    await expect(missing.claim('x', NOW)).rejects.toBeInstanceOf(PermanentError);
  });

  it('never writes over an item that is there (a card, a link or an earlier request)', async () => {
    await localDynamo().doc.send(new PutCommand({ TableName: 'cards-requests', Item: { ...requestKey('preexisting'), note: 'keep' } }));
    expect(await createDynamoSlackRequests({ client: localDynamo().doc, tableName: 'cards-requests' }).claim('preexisting', NOW)).toBe('replayed');
    const { Item } = await localDynamo().doc.send(new GetCommand({ TableName: 'cards-requests', Key: requestKey('preexisting') }));
    expect(Item?.['note']).toBe('keep');
  });
});

describe('memory request store', () => {
  it('forgets a signature after the TTL (the timestamp check refuses such a request anyway)', async () => {
    const store = createMemorySlackRequests();
    expect(await store.claim('old', NOW)).toBe('first');
    expect(await store.claim('other', later(REPLAY_TTL_SECONDS + 1))).toBe('first');
    expect(await store.claim('old', later(REPLAY_TTL_SECONDS + 2))).toBe('first');
  });
});
