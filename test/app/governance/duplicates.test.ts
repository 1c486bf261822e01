/**
 * Duplicate deliveries repeat no side effect (security review, issue 10 finding 12): the same
 * CloudTrail change delivered three times posts one report and sends one email; the same package
 * version published three times calls StartPipelineExecution once per pipeline, not three times
 * (today's clientRequestToken deduplication is not documented by AWS). Each effect is recorded
 * before it is made: on DynamoDB (dynalite, the deployed store's conditional put), in the memory
 * records the tests and `warden replay` share, and through replay itself.
 */
import { readFileSync } from 'node:fs';
import { CodePipelineClient, StartPipelineExecutionCommand } from '@aws-sdk/client-codepipeline';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it } from 'vitest';
import { readConfigFile } from '../../../cli/config-file';
import { replayEvents } from '../../../cli/replay';
import { readWorldFile } from '../../../cli/world-file';
import type { DoneRecordsPort, GovernanceDeps } from '../../../functions/governance/app/deps';
import { runGovernance } from '../../../functions/governance/app/run';
import { createDynamoDoneRecords, createGovernancePipelinesPort } from '../../../functions/governance/aws/governance';
import { governanceTrigger } from '../../../functions/governance/domain/trigger';
import { createMemoryDoneRecords } from '../../../functions/governance/world';
import { fixturePipeline, governanceConfig, governancePolicy, governanceWorld } from '../../support/governance';
import { useLocalDynamo } from '../../support/local-dynamo';

const codepipeline = mockClient(CodePipelineClient);
let executions = 0;
beforeEach(() => {
  codepipeline.reset();
  executions = 0;
  codepipeline.on(StartPipelineExecutionCommand).callsFake(async () => {
    executions += 1;
    return { pipelineExecutionId: `exec-${executions}` };
  });
});

const REPORT = 'report: { slack: { channel: C0GOVERN01 }, email: { topics: [default] } }';
const TRIGGERS = 'codeartifact:\n  triggers:\n    - domain: acme\n      repositories: ["shared-*"]\n      pipelines: [orders-service, MyFirstPipeline]';
const CHANGE = JSON.parse(readFileSync('events/samples/04-governance-pipeline-changed/01-update-pipeline.json', 'utf8')) as Record<string, any>;
CHANGE['detail'].requestParameters.pipeline.name = 'MyFirstPipeline';
const PUBLISHED = JSON.parse(readFileSync('events/samples/03-codeartifact-publish/01-package-version-published.json', 'utf8')) as Record<string, any>;

/** A governance world whose done records and StartPipelineExecution are the given ones. */
function world(done?: DoneRecordsPort) {
  const w = governanceWorld({
    config: governanceConfig(REPORT, TRIGGERS),
    policy: governancePolicy('- id: production-approval\n  mode: enforce'),
    pipelines: [fixturePipeline('MyFirstPipeline.json'), fixturePipeline('orders-service.json')],
    now: '2026-11-23T10:00:00Z',
  });
  const sdk = createGovernancePipelinesPort(new CodePipelineClient({ region: 'eu-west-1' }));
  const deps: GovernanceDeps = { ...w.deps, ...(done ? { done } : {}), pipelines: { ...w.deps.pipelines, start: sdk.start } };
  const count = (call: string) => w.recorder.calls.filter((c) => c.call === call).length;
  return { deps, reports: () => count('slack.chat.postMessage'), emails: () => count('sns.publish') };
}

const deliver = async (event: unknown, deps: GovernanceDeps, times = 3, concurrently = false) => {
  if (concurrently) return Promise.all(Array.from({ length: times }, () => runGovernance(governanceTrigger(structuredClone(event)), deps)));
  const out = [];
  for (let i = 0; i < times; i += 1) out.push(await runGovernance(governanceTrigger(structuredClone(event)), deps));
  return out;
};

describe.each([
  ['on DynamoDB (dynalite)', 'dynamo'],
  ['in memory (the records replay and the tests share)', 'memory'],
] as const)('the same event three times, %s', (_where, kind) => {
  const dynamo = useLocalDynamo();
  let table = 0;
  const fresh = async (): Promise<DoneRecordsPort> => {
    if (kind !== 'dynamo') return createMemoryDoneRecords(() => new Date('2026-11-23T10:00:00Z'));
    table += 1;
    const name = `governance-done-${table}`;
    await dynamo().createTable(name);
    return createDynamoDoneRecords({ client: dynamo().doc, tableName: name });
  };

  it('a CloudTrail pipeline change: one report, one email', async () => {
    const w = world(await fresh());
    await deliver(CHANGE, w.deps);
    // The report is the top message plus one thread reply per violating resource (MyFirstPipeline).
    expect(w.reports()).toBe(2);
    expect(w.emails()).toBe(1);
  });

  it('a package version published: one StartPipelineExecution per pipeline wired to it', async () => {
    const w = world(await fresh());
    const results = await deliver(PUBLISHED, w.deps);
    expect(codepipeline).toHaveReceivedCommandTimes(StartPipelineExecutionCommand, 2);
    expect(w.reports()).toBe(1);
    expect(results.slice(1).map((r) => r.summary)).toEqual(
      Array(2).fill('acme/money 3.4.0: already started orders-service, MyFirstPipeline (a duplicate delivery): nothing done'),
    );
  });

  it("the daily audit (its input carries the scheduled event's id): one report a day, however often delivered", async () => {
    const w = world(await fresh());
    const audit = (id: string) => ({ warden: 'audit', id });
    await deliver(audit('sched-2026-11-23'), w.deps);
    const once = w.reports();
    expect(once).toBeGreaterThan(0);
    expect(w.emails()).toBe(1);
    await deliver(audit('sched-2026-11-24'), w.deps, 1);
    expect(w.reports()).toBe(2 * once);
    expect(w.emails()).toBe(2);
  });

  it('three deliveries at the same time: still one of each', async () => {
    const w = world(await fresh());
    await deliver(PUBLISHED, w.deps, 3, true);
    await deliver(CHANGE, w.deps, 3, true);
    expect(codepipeline).toHaveReceivedCommandTimes(StartPipelineExecutionCommand, 2);
    expect(w.emails()).toBe(1);
    expect(w.reports()).toBe(1 + 2);
  });

  it('a start that failed is forgotten: the retry makes it, and only it', async () => {
    const w = world(await fresh());
    let throttled = false;
    codepipeline.on(StartPipelineExecutionCommand).callsFake(async ({ name }: { name: string }) => {
      if (name === 'orders-service' && !throttled) {
        throttled = true;
        throw Object.assign(new Error('slow down'), { name: 'ThrottlingException', $metadata: { httpStatusCode: 400 } });
      }
      executions += 1;
      return { pipelineExecutionId: `exec-${executions}` };
    });
    await expect(runGovernance(governanceTrigger(structuredClone(PUBLISHED)), w.deps)).rejects.toThrow();
    await deliver(PUBLISHED, w.deps, 2);
    expect(
      codepipeline
        .commandCalls(StartPipelineExecutionCommand)
        .map((c) => c.args[0].input.name)
        .sort(),
    ).toEqual(['MyFirstPipeline', 'orders-service', 'orders-service']);
  });
});

describe('warden replay', () => {
  it('replays the same events three times as the stack would: one report, one email, one start', async () => {
    const loaded = readConfigFile('config/warden.yml');
    if (!loaded.ok) throw new Error(loaded.problems.join('\n'));
    const worldFile = readWorldFile('events/samples/samples.world.json');
    if (!worldFile.ok) throw new Error(worldFile.problems.join('\n'));
    const change = JSON.parse(readFileSync('events/samples/04-governance-pipeline-changed/01-update-pipeline.json', 'utf8'));
    const files = [1, 2, 3].flatMap((i) => [
      { name: `change-${i}`, event: change },
      { name: `published-${i}`, event: PUBLISHED },
    ]);
    const results = await replayEvents(files, { config: loaded.config, world: worldFile.world });
    const calls = results.flatMap((r) => r.calls.map((c) => ({ ...c, event: r.event })));
    const starts = calls.filter((c) => c.call === 'codepipeline.startPipelineExecution');
    expect(starts.map((c) => c.event)).toEqual(['published-1']);
    const byEvent = (prefix: string, call: string) => calls.filter((c) => c.event.startsWith(prefix) && c.call === call).map((c) => c.event);
    expect(new Set(byEvent('change', 'sns.publish'))).toEqual(new Set(['change-1']));
    expect(new Set(byEvent('change', 'slack.chat.postMessage'))).toEqual(new Set(['change-1']));
  });
});
