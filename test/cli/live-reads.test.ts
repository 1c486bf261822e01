/**
 * `warden replay --aws` reads why a deploy failed from the account (cli/live-reads.ts): CodeDeploy,
 * CloudFormation and CodePipeline answer through the real deploy-diagnostics adapter (here
 * aws-sdk-client-mock), not the world file, and only read APIs are called. Fixtures:
 * test/fixtures/deploy-failures (SOURCES.md).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { CloudFormationClient, DescribeStackEventsCommand } from '@aws-sdk/client-cloudformation';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { BatchGetDeploymentTargetsCommand, CodeDeployClient, GetDeploymentCommand, ListDeploymentTargetsCommand } from '@aws-sdk/client-codedeploy';
import { CodePipelineClient, GetPipelineCommand } from '@aws-sdk/client-codepipeline';
import { ECSClient } from '@aws-sdk/client-ecs';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it } from 'vitest';
import { liveReads } from '../../cli/live-reads';
import { replayEvents } from '../../cli/replay';
import type { World } from '../../functions/platform/recording';
import { config } from '../support/scenarios';

const FIXTURES = path.resolve(__dirname, '../fixtures/deploy-failures');
const fixture = (name: string) => JSON.parse(readFileSync(path.join(FIXTURES, name), 'utf8'));

const ROUTE = '    slack: { channels: [C0TEAM0001], level: all }\n';
const CONFIG = config(`version: 1\nroutes:\n  - match: { applications: ["*"] }\n${ROUTE}  - match: { pipelines: ["*"] }\n${ROUTE}`);

const codedeploy = mockClient(CodeDeployClient);
const cloudformation = mockClient(CloudFormationClient);
const codepipeline = mockClient(CodePipelineClient);
const ecs = mockClient(ECSClient);
const logs = mockClient(CloudWatchLogsClient);

beforeEach(() => {
  for (const client of [codedeploy, cloudformation, codepipeline, ecs, logs]) client.reset();
});

async function replayLive(name: string, event: unknown, world: World) {
  const [result] = await replayEvents([{ name, event }], { config: CONFIG, world, live: liveReads() });
  if (!result) throw new Error('no result');
  const replies = result.calls.filter((c) => c.call === 'slack.chat.postMessage' && c.input['thread_ts']).map((c) => JSON.stringify(c.input['blocks']));
  return { result, replies };
}

describe('warden replay --aws: a failed CodeDeploy deployment', () => {
  it("explains the deployment in the thread from the account's CodeDeploy, not from the world file", async () => {
    codedeploy.on(GetDeploymentCommand).resolves(fixture('get-deployment-ec2.json'));
    codedeploy.on(ListDeploymentTargetsCommand).resolves({ targetIds: ['i-01a2b3c4d5e6f1111'] });
    codedeploy.on(BatchGetDeploymentTargetsCommand).resolves(fixture('batch-get-deployment-targets-ec2.json'));
    // The world file says something else about the same deployment: it is not read under --aws.
    const world: World = {
      deployments: { 'd-123456789': { ...fixture('get-deployment-lambda.json'), ...fixture('batch-get-deployment-targets-lambda.json') } },
    };

    const { result, replies } = await replayLive('codedeploy-deployment-failure.json', fixture('codedeploy-deployment-failure.json'), world);

    expect(result.error).toBeUndefined();
    expect(replies).toHaveLength(1);
    const [reply] = replies;
    expect(reply).toContain('HEALTH_CONSTRAINTS: Deployment failed: Constraint default violated: No hosts succeeded.');
    expect(reply).toContain('instance i-01a2b3c4d5e6f1111: ApplicationStart failed: ScriptFailed, script scripts/start_server.sh');
    expect(reply).not.toContain('HOOK_EXECUTION_FAILURE');
    expect(codedeploy).toHaveReceivedCommandWith(GetDeploymentCommand, { deploymentId: 'd-123456789' });
    expect(codedeploy).toHaveReceivedCommandWith(ListDeploymentTargetsCommand, { deploymentId: 'd-123456789', targetFilters: { TargetStatus: ['Failed'] } });
    expect(codedeploy).toHaveReceivedCommandExactlyOnceWith(BatchGetDeploymentTargetsCommand, {
      deploymentId: 'd-123456789',
      targetIds: ['i-01a2b3c4d5e6f1111'],
    });
    // Only those reads went to CodeDeploy, and replay still shows each.
    expect(codedeploy.calls().map((c) => c.args[0].constructor.name)).toEqual([
      'GetDeploymentCommand',
      'ListDeploymentTargetsCommand',
      'BatchGetDeploymentTargetsCommand',
    ]);
    expect(result.calls.filter((c) => c.call.startsWith('codedeploy.')).map((c) => c.call)).toEqual([
      'codedeploy.getDeployment',
      'codedeploy.listDeploymentTargets',
      'codedeploy.batchGetDeploymentTargets',
    ]);
  });

  it('a deployment the account does not know: the reply says what the event said', async () => {
    codedeploy
      .on(GetDeploymentCommand)
      .rejects(Object.assign(new Error('There is no deployment with the ID d-123456789'), { name: 'DeploymentDoesNotExistException' }));
    const world: World = { deployments: { 'd-123456789': fixture('get-deployment-ec2.json') } };

    const { replies } = await replayLive('codedeploy-deployment-failure.json', fixture('codedeploy-deployment-failure.json'), world);

    expect(replies).toHaveLength(1);
    expect(replies[0]).toContain('deployment d-123456789 failed');
    expect(replies[0]).not.toContain('HEALTH_CONSTRAINTS');
  });
});

describe('warden replay --aws: a failed pipeline CloudFormation action', () => {
  it("names the stack's failed resource from the account's pipeline definition and stack events", async () => {
    codepipeline.on(GetPipelineCommand).resolves(fixture('get-pipeline-web.json'));
    cloudformation.on(DescribeStackEventsCommand).resolves(fixture('describe-stack-events.json'));

    const { result, replies } = await replayLive('cloudformation.json', fixture('codepipeline-action-cloudformation-failed.json'), {});

    expect(result.error).toBeUndefined();
    expect(replies).toHaveLength(1);
    expect(replies[0]).toContain('web-prod: AssetsBucket (AWS::S3::Bucket) UPDATE_FAILED — web-assets-example already exists');
    expect(cloudformation).toHaveReceivedCommandWith(DescribeStackEventsCommand, { StackName: 'web-prod' });
    expect(codepipeline).toHaveReceivedCommandWith(GetPipelineCommand, { name: 'web-pipeline' });
  });
});
