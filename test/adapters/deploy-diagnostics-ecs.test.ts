import { readFileSync } from 'node:fs';
import path from 'node:path';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { CodeDeployClient } from '@aws-sdk/client-codedeploy';
import { CodePipelineClient, GetPipelineCommand } from '@aws-sdk/client-codepipeline';
import { DescribeServicesCommand, ECSClient } from '@aws-sdk/client-ecs';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it } from 'vitest';
import { notifyEvent } from '../../functions/notify/app/notify-event';
import { createDeployDiagnosticsPort, serviceOf } from '../../functions/notify/aws/deploy-diagnostics';
import { describeService, SERVICE_EVENTS_SHOWN } from '../../functions/notify/domain/deploy-diagnosis';
import { createRecorder } from '../../functions/platform/recording';
import { config, memoryNotifyDeps } from '../support/scenarios';

const FIXTURES = path.resolve(__dirname, '../fixtures/deploy-failures');
const fixture = (name: string) => JSON.parse(readFileSync(path.join(FIXTURES, name), 'utf8'));
/** The SDK's output: `createdAt` a Date. */
const sdkServices = () => {
  const out = fixture('describe-services-web.json');
  for (const e of out.services[0].events) e.createdAt = new Date(e.createdAt);
  return out;
};

const ecs = mockClient(ECSClient);
const codepipeline = mockClient(CodePipelineClient);
const port = createDeployDiagnosticsPort({
  codedeploy: new CodeDeployClient({}),
  cloudformation: new CloudFormationClient({}),
  codepipeline: new CodePipelineClient({}),
  ecs: new ECSClient({}),
});

beforeEach(() => {
  ecs.reset();
  codepipeline.reset();
});

describe('createDeployDiagnosticsPort: ECS service', () => {
  it("reads the action's cluster and service from the pipeline, then the service's events: 5 shown, newest first", async () => {
    codepipeline.on(GetPipelineCommand).resolves(fixture('get-pipeline-web-ecs.json'));
    ecs.on(DescribeServicesCommand).resolves(sdkServices());

    const target = await port.actionService?.({ pipeline: 'web-ecs-pipeline', stage: 'Deploy', action: 'DeployToECS' });
    expect(target).toEqual({ cluster: 'web-cluster', service: 'web' });
    const events = await port.serviceEvents?.({ cluster: 'web-cluster', service: 'web' });

    expect(ecs).toHaveReceivedCommandExactlyOnceWith(DescribeServicesCommand, { cluster: 'web-cluster', services: ['web'] });
    expect(events).toHaveLength(7);
    const diagnosis = describeService('web', events ?? []);
    expect(diagnosis.kind === 'service' && diagnosis.lines).toHaveLength(SERVICE_EVENTS_SHOWN);
    expect(diagnosis.kind === 'service' && diagnosis.lines[0]).toBe(
      '2024-05-02 10:31:40Z (service web) is unable to consistently start tasks successfully. For more information, see the Troubleshooting section of the Amazon ECS Developer Guide.',
    );
  });

  it('a service ECS does not know (a MISSING failure) or a missing cluster: no events, no error', async () => {
    ecs
      .on(DescribeServicesCommand)
      .resolvesOnce({ services: [], failures: [{ arn: 'arn:aws:ecs:us-east-1:123456789012:service/web-cluster/gone', reason: 'MISSING' }] })
      .rejectsOnce(Object.assign(new Error('Cluster not found.'), { name: 'ClusterNotFoundException' }));
    expect(await port.serviceEvents?.({ cluster: 'web-cluster', service: 'gone' })).toBeUndefined();
    expect(await port.serviceEvents?.({ cluster: 'nope', service: 'web' })).toBeUndefined();
  });

  it('an action without ClusterName and ServiceName names no service', () => {
    expect(serviceOf(fixture('get-pipeline-web.json').pipeline, 'Deploy', 'UpdateStack')).toBeUndefined();
    expect(serviceOf(fixture('get-pipeline-web-ecs.json').pipeline, 'Deploy', 'DeployToECS')).toEqual({ cluster: 'web-cluster', service: 'web' });
  });

  it('a denied DescribeServices: the thread reply goes, with the unavailable line', async () => {
    codepipeline.on(GetPipelineCommand).resolves(fixture('get-pipeline-web-ecs.json'));
    ecs.on(DescribeServicesCommand).rejects(Object.assign(new Error('not authorized to perform: ecs:DescribeServices'), { name: 'AccessDeniedException' }));
    const recorder = createRecorder({});
    const deps = memoryNotifyDeps(
      config('version: 1\nroutes:\n  - match: { pipelines: ["*"] }\n    slack: { channels: [C0TEAM0001], level: all }\n'),
      recorder,
      {
        diagnostics: port,
      },
    );

    await notifyEvent(fixture('codepipeline-action-ecs-failed.json'), deps);

    const replies = recorder.calls.filter((c) => c.call === 'slack.chat.postMessage' && c.input['thread_ts']).map((c) => JSON.stringify(c.input['blocks']));
    expect(replies).toHaveLength(1);
    expect(replies[0]).toContain('(service details unavailable: AccessDeniedException)');
    expect(ecs).toHaveReceivedCommandTimes(DescribeServicesCommand, 1);
  });
});
