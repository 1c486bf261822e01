/**
 * `warden replay --aws`: the account's read APIs with the default credential chain (and its
 * environment: AWS_REGION, AWS_PROFILE, AWS_ENDPOINT_URL). Only read ports are built here, so
 * nothing replay does can write to the account: build logs, pipeline definitions, and why a deploy
 * failed (CodeDeploy GetDeployment / ListDeploymentTargets / BatchGetDeploymentTargets,
 * CloudFormation DescribeStackEvents / ListStackSetOperations / ListStackSetOperationResults, ECS
 * DescribeServices).
 *
 * Imported statically: under the `warden` bin, tsx hooks `require` only, so a dynamic `import()`
 * of a TypeScript module went to Node's ESM loader and failed on the extensionless path.
 */
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { CodeDeployClient } from '@aws-sdk/client-codedeploy';
import { CodePipelineClient } from '@aws-sdk/client-codepipeline';
import { ECSClient } from '@aws-sdk/client-ecs';
import { createBuildLogsPort } from '../functions/notify/aws/build-logs';
import { createDeployDiagnosticsPort } from '../functions/notify/aws/deploy-diagnostics';
import { createPipelinesPort } from '../functions/platform/codepipeline';
import type { LiveReads } from '../functions/platform/recording';

/** The read-only ports `--aws` answers replay's reads with (functions/platform/recording.ts still records each read). */
export function liveReads(): LiveReads {
  const codepipeline = new CodePipelineClient({});
  return {
    logs: createBuildLogsPort(new CloudWatchLogsClient({})),
    pipelines: createPipelinesPort(codepipeline),
    diagnostics: createDeployDiagnosticsPort({
      codedeploy: new CodeDeployClient({}),
      cloudformation: new CloudFormationClient({}),
      ecs: new ECSClient({}),
      codepipeline,
    }),
  };
}
