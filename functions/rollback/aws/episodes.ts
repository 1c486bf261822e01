/**
 * Rollback episodes in the cards table: `ROLLBACK#<target>` / `EPISODE`, the target's last
 * rollback. Claimed with a conditional write, so of two executions that decide to roll the same
 * target back at once (two alarms, or one alarm flapping), only one acts within a cooldown.
 */
import { type DynamoDBDocumentClient, GetCommand, type GetCommandOutput, PutCommand } from '@aws-sdk/lib-dynamodb';
import { PermanentError } from '../../kernel/errors';
import { KEY_PREFIX } from '../../kernel/table-keys';
import { classifyAwsError } from '../../platform/aws-errors';
import { TTL_ATTRIBUTE } from '../../platform/dynamo-store';
import { Episode } from '../domain/types';
import type { EpisodeStorePort } from '../ports';

/** Episodes outlive any sensible cooldown; then TTL removes them. */
const TTL_DAYS = 30;
const key = (targetKey: string) => ({ pk: `${KEY_PREFIX.rollback}${targetKey}`, sk: 'EPISODE' });

export function createDynamoEpisodeStore(options: { readonly client: DynamoDBDocumentClient; readonly tableName: string }): EpisodeStorePort {
  const { client, tableName } = options;
  return {
    async get(targetKey) {
      let item: GetCommandOutput['Item'];
      try {
        item = (await client.send(new GetCommand({ TableName: tableName, Key: key(targetKey), ConsistentRead: true }))).Item;
      } catch (error) {
        throw classify(error);
      }
      if (!item) return undefined;
      const parsed = Episode.safeParse(item['episode']);
      if (!parsed.success) throw new PermanentError(`rollback episode ${targetKey}: the stored item is malformed`);
      return parsed.data;
    },
    async claim(targetKey, episode, cutoff) {
      const Item = {
        ...key(targetKey),
        episode,
        at: episode.at,
        execution: episode.execution,
        [TTL_ATTRIBUTE]: Math.floor(Date.parse(episode.at) / 1000) + TTL_DAYS * 86_400,
      };
      try {
        await client.send(
          new PutCommand({
            TableName: tableName,
            Item,
            ConditionExpression: 'attribute_not_exists(pk) OR #at < :cutoff OR #execution = :execution',
            ExpressionAttributeNames: { '#at': 'at', '#execution': 'execution' },
            ExpressionAttributeValues: { ':cutoff': cutoff, ':execution': episode.execution },
          }),
        );
        return 'claimed';
      } catch (error) {
        if (error instanceof Error && error.name === 'ConditionalCheckFailedException') return 'held';
        throw classify(error);
      }
    },
  };
}

/** The same contract in memory (replay, tests). */
export function createMemoryEpisodeStore(initial: Record<string, Episode> = {}): EpisodeStorePort & { readonly all: Map<string, Episode> } {
  const all = new Map(Object.entries(initial));
  return {
    all,
    async get(targetKey) {
      const episode = all.get(targetKey);
      // Copies in and out, as a table's items are.
      return episode && structuredClone(episode);
    },
    async claim(targetKey, episode, cutoff) {
      const held = all.get(targetKey);
      // ISO times of one format compare as strings, as the DynamoDB condition does.
      if (held && held.at >= cutoff && held.execution !== episode.execution) return 'held';
      all.set(targetKey, structuredClone(episode));
      return 'claimed';
    },
  };
}

const classify = (error: unknown) => classifyAwsError('DynamoDB (rollback episodes)', error);
