/**
 * Issue 14, items 1 and 2: every deploy failure explained in the run's thread, as a build's log
 * tail is. AWS-shaped fixtures (test/fixtures/deploy-failures, SOURCES.md) replayed through the hot
 * path into a thread reply a person understands without opening the console.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DeployDiagnosticsPort } from '../../../functions/kernel/ports';
import { notifyEvent } from '../../../functions/notify/app/notify-event';
import { createRecorder, type Recorder, type World } from '../../../functions/platform/recording';
import { config, memoryNotifyDeps } from '../../support/scenarios';

const FIXTURES = path.resolve(__dirname, '../../fixtures/deploy-failures');
const fixture = (name: string) => JSON.parse(readFileSync(path.join(FIXTURES, name), 'utf8'));

const ROUTE = '    slack: { channels: [C0TEAM0001], level: all }\n    email: { topics: [default], level: failures }\n';
const CONFIG = config(`version: 1\nroutes:\n  - match: { applications: ["*"] }\n${ROUTE}  - match: { pipelines: ["*"] }\n${ROUTE}`);

const threadReplies = (recorder: Recorder) =>
  recorder.calls.filter((c) => c.call === 'slack.chat.postMessage' && c.input['thread_ts']).map((c) => JSON.stringify(c.input['blocks']));
const emails = (recorder: Recorder) => recorder.calls.filter((c) => c.call === 'sns.publish').map((c) => String(c.input['Message']));
const reads = (recorder: Recorder) => recorder.calls.filter((c) => /^(codedeploy|cloudformation|codepipeline)\./.test(c.call)).map((c) => c.call);

async function replay(world: World, events: readonly unknown[], diagnostics?: DeployDiagnosticsPort) {
  const recorder = createRecorder(world);
  const deps = memoryNotifyDeps(CONFIG, recorder, diagnostics ? { diagnostics } : {});
  for (const event of events) await notifyEvent(structuredClone(event), deps);
  return recorder;
}

describe('a failed CodeDeploy deployment, explained in its thread', () => {
  it('EC2: the error, then the failed hook, script, error code, message and log tail of the failed instance', async () => {
    const world: World = {
      deployments: { 'd-123456789': { ...fixture('get-deployment-ec2.json'), ...fixture('batch-get-deployment-targets-ec2.json') } },
    };
    const recorder = await replay(world, [fixture('codedeploy-deployment-failure.json')]);
    const [reply, ...others] = threadReplies(recorder);
    expect(others).toEqual([]);
    expect(reply).toContain('HEALTH_CONSTRAINTS: Deployment failed: Constraint default violated: No hosts succeeded.');
    expect(reply).toContain(
      'instance i-01a2b3c4d5e6f1111: ApplicationStart failed: ScriptFailed, script scripts/start_server.sh — Script at specified location: scripts/start_server.sh run as user root failed with exit code 1',
    );
    expect(reply).toContain('[stderr]Job for httpd.service failed because the control process exited with error code.');
    // Overview says 2 failed, one was read (the fixture holds one target).
    expect(reply).toContain('and 1 more failed target');
    // The email carries the same facts.
    expect(emails(recorder).join('\n')).toContain('ApplicationStart failed: ScriptFailed');
    // Read once for the reply and the email.
    expect(reads(recorder)).toEqual(['codedeploy.getDeployment', 'codedeploy.listDeploymentTargets', 'codedeploy.batchGetDeploymentTargets']);
  });

  it('Lambda: the function and alias, the failed traffic hook and its message', async () => {
    const event = fixture('codedeploy-deployment-failure.json');
    event.detail.deploymentId = 'd-A1B2C3333';
    const world: World = {
      deployments: { 'd-A1B2C3333': { ...fixture('get-deployment-lambda.json'), ...fixture('batch-get-deployment-targets-lambda.json') } },
    };
    const [reply] = threadReplies(await replay(world, [event]));
    expect(reply).toContain('HOOK_EXECUTION_FAILURE');
    expect(reply).toContain(
      'function my-function:live: BeforeAllowTraffic failed: UnknownError — The deployment failed because a specified lifecycle event hook',
    );
    expect(reply).not.toContain('more failed target');
  });

  it('a denied read: the reply still goes, and says the details are unavailable', async () => {
    const denied = Object.assign(new Error('not authorized to perform: codedeploy:GetDeployment'), { name: 'AccessDeniedException' });
    const diagnostics: DeployDiagnosticsPort = {
      deployment: () => Promise.reject(denied),
      actionStack: () => Promise.reject(denied),
      stackEvents: () => Promise.reject(denied),
    };
    const recorder = await replay({}, [fixture('codedeploy-deployment-failure.json')], diagnostics);
    const [reply] = threadReplies(recorder);
    expect(reply).toContain('deployment d-123456789 failed');
    expect(reply).toContain('(deployment details unavailable: AccessDeniedException)');
    expect(emails(recorder).join('\n')).toContain('(deployment details unavailable: AccessDeniedException)');
  });

  it('a deployment the world does not know: the reply says what the event said, nothing more', async () => {
    const [reply] = threadReplies(await replay({}, [fixture('codedeploy-deployment-failure.json')]));
    expect(reply).toContain('deployment d-123456789 failed');
    expect(reply).not.toContain('unavailable');
  });
});

describe("a failed pipeline CloudFormation action, explained in the run's thread", () => {
  it("names the stack's failed resource, its type, status and reason, from the latest operation only", async () => {
    const world: World = {
      pipelines: { 'web-pipeline': fixture('get-pipeline-web.json') },
      stacks: { 'web-prod': fixture('describe-stack-events.json') },
    };
    const recorder = await replay(world, [fixture('codepipeline-action-cloudformation-failed.json')]);
    const [reply, ...others] = threadReplies(recorder);
    expect(others).toEqual([]);
    expect(reply).toContain('Deploy / UpdateStack');
    expect(reply).toContain('web-prod: AssetsBucket (AWS::S3::Bucket) UPDATE_FAILED — web-assets-example already exists');
    // An earlier operation's failure is not this one's.
    expect(reply).not.toContain('OldQueue');
    expect(reads(recorder)).toEqual(['codepipeline.getPipeline', 'cloudformation.describeStackEvents']);
  });

  it('a stack read that fails leaves the reply with the action summary and an unavailable line', async () => {
    const throttled = Object.assign(new Error('Rate exceeded'), { name: 'Throttling' });
    const diagnostics: DeployDiagnosticsPort = {
      deployment: () => Promise.resolve(undefined),
      actionStack: () => Promise.resolve('web-prod'),
      stackEvents: () => Promise.reject(Object.assign(new Error('CloudFormation DescribeStackEvents web-prod: Throttling'), { cause: throttled })),
    };
    const [reply] = threadReplies(await replay({}, [fixture('codepipeline-action-cloudformation-failed.json')], diagnostics));
    expect(reply).toContain('Stack web-prod in UPDATE_ROLLBACK_COMPLETE state');
    expect(reply).toContain('(stack details unavailable: Throttling)');
  });
});
