/**
 * `warden replay --aws`: the account's read APIs with the default credential chain (and its
 * environment: AWS_REGION, AWS_PROFILE, AWS_ENDPOINT_URL). Only read ports are built here, so
 * nothing replay does can write to the account.
 *
 * Imported statically: under the `warden` bin, tsx hooks `require` only, so a dynamic `import()`
 * of a TypeScript module went to Node's ESM loader and failed on the extensionless path.
 */
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { CodePipelineClient } from '@aws-sdk/client-codepipeline';
import { createBuildLogsPort } from '../functions/notify/aws/build-logs';
import { createPipelinesPort } from '../functions/platform/codepipeline';
import type { LiveReads } from '../functions/platform/recording';

export function liveReads(): LiveReads {
  return { logs: createBuildLogsPort(new CloudWatchLogsClient({})), pipelines: createPipelinesPort(new CodePipelineClient({})) };
}
