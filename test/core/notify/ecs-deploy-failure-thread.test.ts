/**
 * Issue 14, item 2 (last part): a failed ECS deploy action explained in the run's thread by the
 * service's latest events, read where the pipeline runs. AWS-shaped fixtures
 * (test/fixtures/deploy-failures, SOURCES.md) replayed through the hot path.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DeployDiagnosticsPort } from '../../../functions/kernel/ports';
import { notifyEvent } from '../../../functions/notify/app/notify-event';
import { describeService } from '../../../functions/notify/domain/deploy-diagnosis';
import { createRecorder, type Recorder, type World } from '../../../functions/platform/recording';
import { config, memoryNotifyDeps } from '../../support/scenarios';

const FIXTURES = path.resolve(__dirname, '../../fixtures/deploy-failures');
const fixture = (name: string) => JSON.parse(readFileSync(path.join(FIXTURES, name), 'utf8'));

const ROUTE = '    slack: { channels: [C0TEAM0001], level: all }\n    email: { topics: [default], level: failures }\n';
const CONFIG = config(`version: 1\nroutes:\n  - match: { pipelines: ["*"] }\n${ROUTE}`);

const threadReplies = (recorder: Recorder) =>
  recorder.calls.filter((c) => c.call === 'slack.chat.postMessage' && c.input['thread_ts']).map((c) => JSON.stringify(c.input['blocks']));
const reads = (recorder: Recorder) => recorder.calls.filter((c) => /^(codedeploy|cloudformation|codepipeline|ecs)\./.test(c.call));

const failed = () => fixture('codepipeline-action-ecs-failed.json');
/** The same action's STARTED event, before the deployment began. */
function started() {
  const event = failed();
  event.id = '8d1f0c2e-5b7a-4c39-9e21-6a4f3b2c1d0f';
  event.time = '2024-05-02T10:10:30Z';
  event.detail.state = 'STARTED';
  delete event.detail['execution-result'];
  return event;
}

const WORLD: World = {
  pipelines: { 'web-ecs-pipeline': fixture('get-pipeline-web-ecs.json') },
  ecsServices: { 'web-cluster/web': fixture('describe-services-web.json').services[0] },
};

async function replay(world: World, events: readonly unknown[], diagnostics?: DeployDiagnosticsPort) {
  const recorder = createRecorder(world);
  const deps = memoryNotifyDeps(CONFIG, recorder, diagnostics ? { diagnostics } : {});
  for (const event of events) await notifyEvent(structuredClone(event), deps);
  return recorder;
}

describe("a failed pipeline ECS deploy action, explained in the run's thread", () => {
  it("shows the service's events since the action started, newest first, at most 5, with their times", async () => {
    const recorder = await replay(WORLD, [started(), failed()]);
    const [reply, ...others] = threadReplies(recorder);
    expect(others).toEqual([]);
    expect(reply).toContain('Deploy / DeployToECS');
    expect(reply).toContain('2024-05-02 10:31:40Z (service web) is unable to consistently start tasks successfully.');
    expect(reply).toContain(
      "2024-05-02 10:30:05Z (service web) failed to launch a task with (error ECS was unable to assume the role 'arn:aws:iam::123456789012:role/web-task-execution'",
    );
    expect(reply).toContain('2024-05-02 10:15:00Z (service web) has started 1 tasks: (task 0f3a1b2c3d4e5f60718293a4b5c6d7e8).');
    const newest = reply!.indexOf('10:31:40Z');
    expect(newest).toBeGreaterThan(-1);
    expect(newest).toBeLessThan(reply!.indexOf('10:30:05Z'));
    // Five shown: the sixth event since the start, and the earlier steady state, are not.
    expect(reply).not.toContain('10:11:00Z');
    expect(reply).not.toContain('steady state');
    // Read once, in the pipeline's account and region.
    expect(reads(recorder).map((c) => c.call)).toEqual(['codepipeline.getPipeline', 'ecs.describeServices']);
    expect(reads(recorder)[1]).toMatchObject({ input: { cluster: 'web-cluster', services: ['web'] }, account: '123456789012', region: 'us-east-1' });
  });

  it('a member account answers from its own section of the world', async () => {
    const world: World = { accounts: { '123456789012': WORLD } };
    const [reply] = threadReplies(await replay(world, [failed()]));
    expect(reply).toContain('(service web) is unable to consistently start tasks successfully.');
  });

  it('a denied read: the reply still goes, and says the service details are unavailable', async () => {
    const denied = Object.assign(new Error('not authorized to perform: ecs:DescribeServices'), { name: 'AccessDeniedException' });
    const diagnostics: DeployDiagnosticsPort = {
      deployment: () => Promise.resolve(undefined),
      actionStack: () => Promise.resolve(undefined),
      stackEvents: () => Promise.resolve(undefined),
      actionService: () => Promise.resolve({ cluster: 'web-cluster', service: 'web' }),
      serviceEvents: () => Promise.reject(Object.assign(new Error('ECS DescribeServices web-cluster/web: denied'), { cause: denied })),
    };
    const recorder = await replay({}, [failed()], diagnostics);
    const [reply] = threadReplies(recorder);
    expect(reply).toContain('Deployment of service web failed: deployment circuit breaker');
    expect(reply).toContain('(service details unavailable: AccessDeniedException)');
  });

  it('a service the world does not know: the reply says what the event said, nothing more', async () => {
    const [reply] = threadReplies(await replay({ pipelines: WORLD.pipelines }, [failed()]));
    expect(reply).toContain('Deployment of service web failed');
    expect(reply).not.toContain('unavailable');
  });
});

describe('describeService', () => {
  it('without a known start, the newest events; SDK Dates and CLI strings alike', () => {
    const events = [
      { createdAt: new Date('2024-05-02T10:00:02Z'), message: 'b' },
      { createdAt: '2024-05-02T10:00:03.000000+00:00', message: 'c' },
      { createdAt: new Date('2024-05-02T10:00:01Z'), message: 'a' },
    ];
    expect(describeService('web', events)).toEqual({
      kind: 'service',
      service: 'web',
      lines: ['2024-05-02 10:00:03Z c', '2024-05-02 10:00:02Z b', '2024-05-02 10:00:01Z a'],
    });
  });

  it('a start after every event falls back to the newest', () => {
    const events = Array.from({ length: 9 }, (_, i) => ({ createdAt: new Date(Date.UTC(2024, 4, 2, 9, i)), message: `e${i}` }));
    const diagnosis = describeService('web', events, '2024-05-02T11:00:00Z');
    const lines = diagnosis.kind === 'service' ? diagnosis.lines : [];
    expect(lines.map((l) => l.split(' ').at(-1))).toEqual(['e8', 'e7', 'e6', 'e5', 'e4']);
  });
});
