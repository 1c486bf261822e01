import { readFileSync } from 'node:fs';
import path from 'node:path';
import { CloudFormationClient, DescribeStackEventsCommand } from '@aws-sdk/client-cloudformation';
import {
  BatchGetDeploymentTargetsCommand,
  CodeDeployClient,
  DeploymentDoesNotExistException,
  GetDeploymentCommand,
  ListDeploymentTargetsCommand,
} from '@aws-sdk/client-codedeploy';
import { CodePipelineClient, GetPipelineCommand } from '@aws-sdk/client-codepipeline';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it } from 'vitest';
import { PermanentError } from '../../functions/kernel/errors';
import { createDeployDiagnosticsPort, stackOf } from '../../functions/notify/aws/deploy-diagnostics';

const FIXTURES = path.resolve(__dirname, '../fixtures/deploy-failures');
const fixture = (name: string) => JSON.parse(readFileSync(path.join(FIXTURES, name), 'utf8'));

const codedeploy = mockClient(CodeDeployClient);
const cloudformation = mockClient(CloudFormationClient);
const codepipeline = mockClient(CodePipelineClient);
const port = createDeployDiagnosticsPort({
  codedeploy: new CodeDeployClient({}),
  cloudformation: new CloudFormationClient({}),
  codepipeline: new CodePipelineClient({}),
});

beforeEach(() => {
  codedeploy.reset();
  cloudformation.reset();
  codepipeline.reset();
});

describe('createDeployDiagnosticsPort: deployment', () => {
  it('reads the deployment, lists its failed targets and reads those', async () => {
    codedeploy.on(GetDeploymentCommand).resolves(fixture('get-deployment-ec2.json'));
    codedeploy.on(ListDeploymentTargetsCommand).resolves({ targetIds: ['i-01a2b3c4d5e6f1111'] });
    codedeploy.on(BatchGetDeploymentTargetsCommand).resolves(fixture('batch-get-deployment-targets-ec2.json'));

    const report = await port.deployment({ deploymentId: 'd-123456789' });

    expect(codedeploy).toHaveReceivedCommandWith(ListDeploymentTargetsCommand, { deploymentId: 'd-123456789', targetFilters: { TargetStatus: ['Failed'] } });
    expect(codedeploy).toHaveReceivedCommandExactlyOnceWith(BatchGetDeploymentTargetsCommand, {
      deploymentId: 'd-123456789',
      targetIds: ['i-01a2b3c4d5e6f1111'],
    });
    expect(report?.deploymentInfo.errorInformation?.code).toBe('HEALTH_CONSTRAINTS');
    expect(report?.deploymentTargets[0]?.instanceTarget?.targetId).toBe('i-01a2b3c4d5e6f1111');
  });

  it('a deployment to 500 instances, all failed: reads 3 targets, one list page, one batch', async () => {
    const ids = Array.from({ length: 500 }, (_, i) => `i-${String(i).padStart(17, '0')}`);
    codedeploy.on(GetDeploymentCommand).resolves({ deploymentInfo: { deploymentId: 'd-BIG', deploymentOverview: { Failed: 500 } } });
    codedeploy.on(ListDeploymentTargetsCommand).resolves({ targetIds: ids.slice(0, 100), nextToken: 'page-2' });
    codedeploy.on(BatchGetDeploymentTargetsCommand).resolves({ deploymentTargets: [] });

    await port.deployment({ deploymentId: 'd-BIG' });

    expect(codedeploy).toHaveReceivedCommandTimes(ListDeploymentTargetsCommand, 1);
    expect(codedeploy).toHaveReceivedCommandExactlyOnceWith(BatchGetDeploymentTargetsCommand, { deploymentId: 'd-BIG', targetIds: ids.slice(0, 3) });
  });

  it('follows nextToken while pages hold fewer failed targets than it reads, at most 3 pages', async () => {
    codedeploy.on(GetDeploymentCommand).resolves({ deploymentInfo: { deploymentId: 'd-PAGED' } });
    codedeploy
      .on(ListDeploymentTargetsCommand)
      .resolvesOnce({ targetIds: [], nextToken: 't1' })
      .resolvesOnce({ targetIds: ['i-1'], nextToken: 't2' })
      .resolvesOnce({ targetIds: [], nextToken: 't3' })
      .resolves({ targetIds: ['i-never'] });
    codedeploy.on(BatchGetDeploymentTargetsCommand).resolves({ deploymentTargets: [] });

    await port.deployment({ deploymentId: 'd-PAGED' });

    expect(codedeploy).toHaveReceivedCommandTimes(ListDeploymentTargetsCommand, 3);
    expect(codedeploy.commandCalls(ListDeploymentTargetsCommand).map((c) => c.args[0].input.nextToken)).toEqual([undefined, 't1', 't2']);
    expect(codedeploy).toHaveReceivedCommandWith(BatchGetDeploymentTargetsCommand, { targetIds: ['i-1'] });
  });

  it('no failed target: no batch read', async () => {
    codedeploy.on(GetDeploymentCommand).resolves({ deploymentInfo: { deploymentId: 'd-STOPPED', status: 'Stopped' } });
    codedeploy.on(ListDeploymentTargetsCommand).resolves({ targetIds: [] });

    expect(await port.deployment({ deploymentId: 'd-STOPPED' })).toMatchObject({ deploymentTargets: [] });
    expect(codedeploy).not.toHaveReceivedCommand(BatchGetDeploymentTargetsCommand);
  });

  it('a deployment that does not exist is undefined; a denied read is a PermanentError naming AccessDeniedException', async () => {
    codedeploy.on(GetDeploymentCommand).rejectsOnce(new DeploymentDoesNotExistException({ message: 'no such deployment', $metadata: { httpStatusCode: 400 } }));
    expect(await port.deployment({ deploymentId: 'd-GONE' })).toBeUndefined();

    const denied = Object.assign(new Error('User is not authorized to perform: codedeploy:GetDeployment'), {
      name: 'AccessDeniedException',
      $metadata: { httpStatusCode: 400 },
    });
    codedeploy.on(GetDeploymentCommand).rejects(denied);
    const error = await port.deployment({ deploymentId: 'd-DENIED' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PermanentError);
    expect((error as Error).cause).toMatchObject({ name: 'AccessDeniedException' });
  });
});

describe('createDeployDiagnosticsPort: stacks', () => {
  it("reads the action's StackName from the pipeline definition", async () => {
    codepipeline.on(GetPipelineCommand).resolves(fixture('get-pipeline-web.json'));
    expect(await port.actionStack({ pipeline: 'web-pipeline', stage: 'Deploy', action: 'UpdateStack' })).toBe('web-prod');
    expect(await port.actionStack({ pipeline: 'web-pipeline', stage: 'Source', action: 'Source' })).toBeUndefined();
    expect(stackOf(undefined, 'Deploy', 'UpdateStack')).toBeUndefined();
  });

  it('stops reading back at the start of the latest operation, the page it is on included', async () => {
    const { StackEvents } = fixture('describe-stack-events.json');
    cloudformation
      .on(DescribeStackEventsCommand)
      .resolvesOnce({ StackEvents: StackEvents.slice(0, 2), NextToken: 'n1' })
      .resolves({ StackEvents: StackEvents.slice(2), NextToken: 'n2' });

    const events = await port.stackEvents({ stackName: 'web-prod' });

    expect(cloudformation).toHaveReceivedCommandTimes(DescribeStackEventsCommand, 2);
    expect(cloudformation.commandCalls(DescribeStackEventsCommand).map((c) => c.args[0].input)).toEqual([
      { StackName: 'web-prod' },
      { StackName: 'web-prod', NextToken: 'n1' },
    ]);
    expect(events?.map((e) => e.LogicalResourceId)).toEqual(['web-prod', 'web-prod', 'AssetsBucket', 'AssetsBucket', 'web-prod']);
  });

  it('reads at most 5 pages when the start never comes', async () => {
    cloudformation.on(DescribeStackEventsCommand).resolves({ StackEvents: [], NextToken: 'more' });
    await port.stackEvents({ stackName: 'busy' });
    expect(cloudformation).toHaveReceivedCommandTimes(DescribeStackEventsCommand, 5);
  });

  it('a deleted stack is undefined', async () => {
    cloudformation
      .on(DescribeStackEventsCommand)
      .rejects(Object.assign(new Error('Stack [gone] does not exist'), { name: 'ValidationError', $metadata: { httpStatusCode: 400 } }));
    expect(await port.stackEvents({ stackName: 'gone' })).toBeUndefined();
  });
});
