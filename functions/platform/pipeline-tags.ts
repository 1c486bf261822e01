import { type CodePipelineClient, paginateListTagsForResource } from '@aws-sdk/client-codepipeline';
import type { TagsPort } from '../kernel/ports';
import { type ClientsIn, clientAt, partitionOf } from './actor';
import { classifyAwsError } from './aws-errors';

/** How long a pipeline's tags are trusted: a retag shows up on the next run after this. */
export const TAGS_TTL_MS = 15 * 60_000;

export interface PipelineTagsOptions {
  readonly ttlMs?: number;
  readonly now?: () => Date;
}

/**
 * Pipelines' resource tags, in their own account and region, cached per pipeline for
 * {@link TAGS_TTL_MS}: a card reads them once, when it is created, and a warm function reads them
 * once per pipeline per 15 minutes however many runs it sees.
 *
 * @example await createPipelineTagsPort(clients).pipelineTags({ place: { account, region }, pipeline: 'payments-api' }) // { team: 'payments' }
 */
export function createPipelineTagsPort(clients: ClientsIn<CodePipelineClient>, options: PipelineTagsOptions = {}): TagsPort {
  const ttl = options.ttlMs ?? TAGS_TTL_MS;
  const now = options.now ?? (() => new Date());
  const cache = new Map<string, { readonly at: number; readonly tags: Promise<Readonly<Record<string, string>>> }>();
  return {
    pipelineTags({ place, pipeline }) {
      const arn = `arn:${partitionOf(place.region)}:codepipeline:${place.region}:${place.account}:${pipeline}`;
      const cached = cache.get(arn);
      if (cached && now().getTime() - cached.at < ttl) return cached.tags;
      const tags = (async () => {
        const found: Record<string, string> = {};
        try {
          for await (const page of paginateListTagsForResource(
            { client: clientAt(clients, place, `codepipeline.listTagsForResource ${arn}`) },
            { resourceArn: arn },
          )) {
            for (const tag of page.tags ?? []) if (tag.key) found[tag.key] = tag.value ?? '';
          }
        } catch (error) {
          // A pipeline deleted since its event: no tags, as for one never tagged.
          if (error instanceof Error && (error.name === 'ResourceNotFoundException' || error.name === 'PipelineNotFoundException')) return {};
          throw classifyAwsError(`codepipeline.listTagsForResource ${arn}`, error);
        }
        return found;
      })();
      cache.set(arn, { at: now().getTime(), tags });
      tags.catch(() => cache.delete(arn));
      return tags;
    },
  };
}
