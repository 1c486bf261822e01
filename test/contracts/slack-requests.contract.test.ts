/**
 * SlackRequestsPort (replay protection): the same cases against the DynamoDB store (dynalite: a
 * real conditional put) and the memory one (`npm run dev`, tests).
 *
 * What happens to a signature claimed more than REPLAY_TTL_SECONDS ago is left open on purpose:
 * DynamoDB deletes an expired item lazily (hours or days late), so the real store answers
 * `replayed` until then and `first` after; the memory store forgets at once. No caller can tell:
 * the signature check refuses such a request (a timestamp more than five minutes off) first.
 */
import { describe, expect, it } from 'vitest';
import { createDynamoSlackRequests, createMemorySlackRequests, REPLAY_TTL_SECONDS } from '../../functions/slack-actions/aws/requests';
import type { SlackRequestsPort } from '../../functions/slack-actions/ports';
import { useFreshTables } from '../support/contracts';

const tables = useFreshTables('requests');

const NOW = new Date('2026-11-23T06:00:00.250Z');
const later = (seconds: number) => new Date(NOW.getTime() + seconds * 1000);
const SIGNATURE = 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503';

describe.each<[string, () => Promise<SlackRequestsPort>]>([
  ['memory', async () => createMemorySlackRequests()],
  ['dynamodb', async () => createDynamoSlackRequests({ client: tables.dynamo().doc, tableName: await tables.fresh() })],
])('%s request store', (_name, make) => {
  it('claims a signature first once, then answers replayed for every copy until the replay window is over', async () => {
    const requests = await make();
    expect(await requests.claim(SIGNATURE, NOW)).toBe('first');
    expect(await requests.claim(SIGNATURE, NOW)).toBe('replayed');
    expect(await requests.claim(SIGNATURE, later(1))).toBe('replayed');
    expect(await requests.claim(SIGNATURE, later(REPLAY_TTL_SECONDS - 1))).toBe('replayed');
  });

  it('answers replayed for a copy whose container clock is behind the first one', async () => {
    const requests = await make();
    expect(await requests.claim(SIGNATURE, NOW)).toBe('first');
    expect(await requests.claim(SIGNATURE, later(-30))).toBe('replayed');
  });

  it('lets exactly one of many concurrent copies through', async () => {
    const requests = await make();
    const results = await Promise.all(Array.from({ length: 20 }, () => requests.claim(SIGNATURE, NOW)));
    expect(results.filter((r) => r === 'first')).toHaveLength(1);
    expect(results.filter((r) => r === 'replayed')).toHaveLength(19);
  });

  it('keeps signatures apart: another signature, even a prefix of one claimed, is claimed first', async () => {
    const requests = await make();
    expect(await requests.claim(SIGNATURE, NOW)).toBe('first');
    expect(await requests.claim(SIGNATURE.slice(0, -1), NOW)).toBe('first');
    expect(await requests.claim(`${SIGNATURE}0`, later(1))).toBe('first');
    expect(await requests.claim(SIGNATURE.slice(0, -1), later(2))).toBe('replayed');
  });

  it('a signature claimed while others expire is still remembered', async () => {
    const requests = await make();
    expect(await requests.claim('old', NOW)).toBe('first');
    expect(await requests.claim('newer', later(REPLAY_TTL_SECONDS - 10))).toBe('first');
    expect(await requests.claim('other', later(REPLAY_TTL_SECONDS + 5))).toBe('first');
    expect(await requests.claim('newer', later(REPLAY_TTL_SECONDS + 6))).toBe('replayed');
  });
});
