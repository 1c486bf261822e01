/**
 * A failed CloudFormation StackSets action explained in the run's thread: the stack set operation's
 * failed accounts and regions with CloudFormation's reasons, a few then how many more; a read that
 * fails leaves the action's summary. AWS-shaped fixtures (test/fixtures/deploy-failures, SOURCES.md)
 * replayed through the hot path; the assertions read the text a person sees.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DeployDiagnosticsPort, StackSetOperationReport } from '../../../functions/kernel/ports';
import { notifyEvent } from '../../../functions/notify/app/notify-event';
import { describeStackSet, STACK_SET_FAILURES_SHOWN, unavailableLine } from '../../../functions/notify/domain/deploy-diagnosis';
import { createRecorder, type Recorder, type World } from '../../../functions/platform/recording';
import { config, memoryNotifyDeps } from '../../support/scenarios';

const FIXTURES = path.resolve(__dirname, '../../fixtures/deploy-failures');
const fixture = (name: string) => JSON.parse(readFileSync(path.join(FIXTURES, name), 'utf8'));

const ROUTE = '    slack: { channels: [C0TEAM0001], level: all }\n    email: { topics: [default], level: failures }\n';
const CONFIG = config(`version: 1\nroutes:\n  - match: { pipelines: ["*"] }\n${ROUTE}`);

const NEWEST = 'c7a1e6d2-xmpl-4f0b-9e35-5d2a7b8c1f40';
const WORLD: World = {
  pipelines: { 'baseline-pipeline': fixture('get-pipeline-baseline-stackset.json') },
  stackSets: {
    'account-baseline': {
      ...fixture('list-stack-set-operations-baseline.json'),
      results: { [NEWEST]: fixture('list-stack-set-operation-results-baseline.json') },
    },
  },
};
const EVENT = fixture('codepipeline-action-stackset-failed.json');

type Block = { type: string; text?: { text: string }; elements?: { text: string }[] };
/** A thread reply as a person reads it: its blocks' texts, one per line. */
const threadReplies = (recorder: Recorder) =>
  recorder.calls
    .filter((c) => c.call === 'slack.chat.postMessage' && c.input['thread_ts'])
    .map((c) => (c.input['blocks'] as Block[]).map((b) => b.text?.text ?? (b.elements ?? []).map((e) => e.text).join(' ')).join('\n'));
const reads = (recorder: Recorder) => recorder.calls.filter((c) => /^(cloudformation|codepipeline)\./.test(c.call)).map((c) => c.call);

async function replay(world: World, events: readonly unknown[], diagnostics?: DeployDiagnosticsPort) {
  const recorder = createRecorder(world);
  const deps = memoryNotifyDeps(CONFIG, recorder, diagnostics ? { diagnostics } : {});
  for (const event of events) await notifyEvent(structuredClone(event), deps);
  return recorder;
}

describe("a failed CloudFormationStackSet action, explained in the run's thread", () => {
  it('names the failed accounts/regions with their reasons, 3 of 5 then "and 2 more"', async () => {
    const recorder = await replay(WORLD, [EVENT]);
    const [reply, ...others] = threadReplies(recorder);
    expect(others).toEqual([]);
    expect(reply).toBe(
      [
        ':x: *DeployStackSets / UpdateStackSet* failed (CloudFormationStackSet)',
        '> StackSet operation failed\n> error code JobFailed',
        "• 222233334444 us-east-1: Account 222233334444 should have 'AWSCloudFormationStackSetExecutionRole' role with trust relationship to Role 'AWSCloudFormationStackSetAdministrationRole'.",
        "• 333344445555 us-east-1: ResourceLogicalId:ConfigRecorder, ResourceType:AWS::Config::ConfigurationRecorder, ResourceStatusReason:Failed to put configuration recorder 'default' because the maximum number of configuration recorders: 1 is reached..",
        '• 111122223333 eu-west-1: ResourceLogicalId:LogBucket, ResourceType:AWS::S3::Bucket, ResourceStatusReason:baseline-logs-111122223333 already exists.',
        '• and 2 more accounts/regions',
      ].join('\n'),
    );
    // The cancelled and succeeded results are not failures; the older operation is another run's.
    expect(reply).not.toContain('444455556666');
    expect(reads(recorder)).toEqual(['codepipeline.getPipeline', 'cloudformation.listStackSetOperations', 'cloudformation.listStackSetOperationResults']);
    expect(recorder.calls.find((c) => c.call === 'cloudformation.listStackSetOperationResults')?.input).toEqual({
      StackSetName: 'account-baseline',
      OperationId: NEWEST,
      MaxResults: 100,
      Filters: [{ Name: 'OPERATION_RESULT_STATUS', Values: 'FAILED' }],
    });
  });

  it('a CloudFormationStackInstances action of the same stack set reads the same way', async () => {
    const event = structuredClone(EVENT);
    event.detail.action = 'AddInstances';
    event.detail.type.provider = 'CloudFormationStackInstances';
    const [reply] = threadReplies(await replay(WORLD, [event]));
    expect(reply).toContain('*DeployStackSets / AddInstances* failed (CloudFormationStackInstances)');
    expect(reply).toContain('• 111122223333 eu-west-1: ResourceLogicalId:LogBucket');
  });

  it('a denied read: the reply keeps the action summary and says the details were unavailable', async () => {
    const denied = Object.assign(new Error('User is not authorized to perform: cloudformation:ListStackSetOperations'), { name: 'AccessDenied' });
    const diagnostics: DeployDiagnosticsPort = {
      deployment: () => Promise.resolve(undefined),
      actionStack: () => Promise.resolve(undefined),
      stackEvents: () => Promise.resolve(undefined),
      actionStackSet: () => Promise.resolve('account-baseline'),
      stackSetOperation: () =>
        Promise.reject(Object.assign(new Error('CloudFormation ListStackSetOperations account-baseline: AccessDenied'), { cause: denied })),
    };
    const recorder = await replay({}, [EVENT], diagnostics);
    const [reply, ...others] = threadReplies(recorder);
    expect(others).toEqual([]);
    expect(reply).toBe(
      [
        ':x: *DeployStackSets / UpdateStackSet* failed (CloudFormationStackSet)',
        '> StackSet operation failed\n> error code JobFailed',
        '_(stack set details unavailable: AccessDenied)_',
      ].join('\n'),
    );
  });

  it('a stack set the world does not know, or a port without stack set reads: the summary alone', async () => {
    const [unknown] = threadReplies(await replay({ pipelines: WORLD.pipelines }, [EVENT]));
    expect(unknown).toBe(':x: *DeployStackSets / UpdateStackSet* failed (CloudFormationStackSet)\n> StackSet operation failed\n> error code JobFailed');
    const older: DeployDiagnosticsPort = {
      deployment: () => Promise.resolve(undefined),
      actionStack: () => Promise.resolve(undefined),
      stackEvents: () => Promise.resolve(undefined),
    };
    const [without] = threadReplies(await replay(WORLD, [EVENT], older));
    expect(without).toBe(unknown);
  });
});

describe('describeStackSet', () => {
  const result = (i: number) => ({ Account: `1111222233${String(i).padStart(2, '0')}`, Region: 'eu-west-1', StatusReason: `reason ${i}` });

  it("puts the operation's own reason first; an OU stands for the account when only it is known", () => {
    const report: StackSetOperationReport = {
      Status: 'FAILED',
      StatusReason: 'The operation failed',
      failed: [{ OrganizationalUnitId: 'ou-ab12-cdef3456', Region: 'us-east-1', StatusReason: 'Cancelled since failure tolerance has exceeded' }],
    };
    expect(describeStackSet('account-baseline', report)).toEqual({
      kind: 'stack',
      stackName: 'account-baseline',
      lines: ['account-baseline: FAILED — The operation failed', 'ou-ab12-cdef3456 us-east-1: Cancelled since failure tolerance has exceeded'],
    });
  });

  it(`shows ${STACK_SET_FAILURES_SHOWN}, then how many more (at least, when more were not read)`, () => {
    const failed = Array.from({ length: 100 }, (_, i) => result(i));
    expect(describeStackSet('s', { failed }).lines).toEqual([
      '111122223300 eu-west-1: reason 0',
      '111122223301 eu-west-1: reason 1',
      '111122223302 eu-west-1: reason 2',
      'and 97 more accounts/regions',
    ]);
    expect(describeStackSet('s', { failed, more: true }).lines.at(-1)).toBe('and 97+ more accounts/regions');
    expect(describeStackSet('s', { failed: failed.slice(0, 3) }).lines).toHaveLength(3);
    expect(describeStackSet('s', { failed: [] }).lines).toEqual([]);
  });

  it('the unavailable line names a stack set in words', () => {
    expect(unavailableLine({ kind: 'unavailable', what: 'stack set', error: 'Throttling' })).toBe('(stack set details unavailable: Throttling)');
  });
});
