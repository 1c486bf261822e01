import { glob } from '../../../kernel/config/fields';
import * as z from '../../../kernel/zod';
import { defineRule, type Finding, type RuleHelpers } from '../custom';
import type { ArtifactStore, PipelineDefinition } from '../definitions';

const globs = z.array(glob).check(z.minLength(1, 'list is empty; omit the key to allow any customer managed key'));

/** `alias/aws/s3`, `arn:aws:kms:…:alias/aws/s3`: AWS managed keys are named `aws/<service>`. */
const AWS_MANAGED_ALIAS = /(^|:)alias\/aws\//;

/**
 * Artifacts are encrypted with a customer managed KMS key, whose key policy the team controls.
 * No encryptionKey means the AWS managed key for Amazon S3 (aws/s3). A key referenced by key id or
 * by an alias of the team's own cannot be told apart offline; both count as customer managed.
 */
export const artifactEncryption = defineRule({
  id: 'artifact-encryption',
  kind: 'pipeline',
  description: 'Every artifact store is encrypted with a customer managed KMS key (not the default aws/s3 key).',
  params: z._default(
    z.strictObject({
      /** When set, the key id / ARN / alias must match one of these globs. */
      keys: z.optional(globs),
    }),
    {},
  ),
  check(pipeline, params, helpers) {
    return storesOf(pipeline).flatMap(({ region, store }) => checkStore(store, region, params.keys, helpers));
  },
});

function storesOf(pipeline: PipelineDefinition): Array<{ region?: string; store: ArtifactStore }> {
  if (pipeline.artifactStores) return Object.entries(pipeline.artifactStores).map(([region, store]) => ({ region, store }));
  return pipeline.artifactStore ? [{ store: pipeline.artifactStore }] : [];
}

function checkStore(store: ArtifactStore, region: string | undefined, keys: readonly string[] | undefined, helpers: RuleHelpers): Finding[] {
  const where = `artifact store ${store.location ?? '(no location)'}${region ? ` (${region})` : ''}`;
  const fix = region ? `set artifactStores["${region}"].encryptionKey` : 'set artifactStore.encryptionKey';
  const key = store.encryptionKey?.id;
  if (!key) return [{ message: `${where} uses the default AWS managed key aws/s3; ${fix} to a customer managed KMS key` }];
  if (AWS_MANAGED_ALIAS.test(key)) return [{ message: `${where} uses the AWS managed key ${key}; ${fix} to a customer managed KMS key` }];
  if (keys && !keys.some((glob) => helpers.glob(glob)(key)))
    return [{ message: `${where} uses KMS key ${key}, which is not one of the keys the policy allows (${keys.join(', ')}); ${fix} to one of them` }];
  return [];
}
