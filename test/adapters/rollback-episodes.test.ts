/** Rollback episodes in the cards table, against a real DynamoDB API (dynalite), and the memory twin. */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { createDynamoEpisodeStore, createMemoryEpisodeStore } from '../../functions/rollback/aws/episodes';
import { cooldownCutoff } from '../../functions/rollback/domain/episode';
import type { EpisodeStorePort } from '../../functions/rollback/ports';
import { useLocalDynamo } from '../support/local-dynamo';

const HOUR = 3_600_000;
const episode = (at: string, execution: string) => ({ at, alarm: 'web-frontend-5xx', alarmTime: at, execution, action: 'redeploy' });

const localDynamo = useLocalDynamo('episodes-test');

describe.each([
  ['dynamodb', () => createDynamoEpisodeStore({ client: localDynamo().doc, tableName: 'episodes-test' })],
  ['memory', () => createMemoryEpisodeStore()],
])('%s episode store', (_name, create: () => EpisodeStorePort) => {
  it('one claim per cooldown: a second execution is held, its own retry is not, and after the cooldown anyone may', async () => {
    const store = create();
    const key = `codedeploy/web/prod-${Math.random()}`;
    const t0 = new Date('2026-11-23T10:30:00.000Z');
    const later = (ms: number) => new Date(t0.getTime() + ms);
    expect(await store.get(key)).toBeUndefined();
    expect(await store.claim(key, episode(t0.toISOString(), 'first'), cooldownCutoff(t0, HOUR))).toBe('claimed');
    expect(await store.claim(key, episode(later(10 * 60_000).toISOString(), 'flap'), cooldownCutoff(later(10 * 60_000), HOUR))).toBe('held');
    expect(await store.claim(key, episode(later(60_000).toISOString(), 'first'), cooldownCutoff(later(60_000), HOUR))).toBe('claimed');
    expect(await store.get(key)).toEqual(episode(later(60_000).toISOString(), 'first'));
    expect(await store.claim(key, episode(later(2 * HOUR).toISOString(), 'next-day'), cooldownCutoff(later(2 * HOUR), HOUR))).toBe('claimed');
    expect((await store.get(key))?.execution).toBe('next-day');
  });
});

it('stores the episode under ROLLBACK#<target> with a TTL', async () => {
  const store = createDynamoEpisodeStore({ client: localDynamo().doc, tableName: 'episodes-test' });
  await store.claim('pipeline/web/Deploy', episode('2026-11-23T10:30:00.000Z', 'x'), cooldownCutoff(new Date('2026-11-23T10:30:00Z'), HOUR));
  const item = (await localDynamo().doc.send(new GetCommand({ TableName: 'episodes-test', Key: { pk: 'ROLLBACK#pipeline/web/Deploy', sk: 'EPISODE' } }))).Item;
  expect(item).toMatchObject({ at: '2026-11-23T10:30:00.000Z', execution: 'x', expiresAt: Date.parse('2026-11-23T10:30:00Z') / 1000 + 30 * 86_400 });
});
