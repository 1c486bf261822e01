import { PassThrough } from 'node:stream';
import { CodePipelineClient, GetPipelineExecutionCommand, ListActionExecutionsCommand, ListPipelineExecutionsCommand } from '@aws-sdk/client-codepipeline';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { lastEventTime, metrics, printKeys } from '../../cli/metrics';
import type { DeliveryFact } from '../../functions/kernel/delivery/fact';
import { deliveryKeys } from '../../functions/kernel/delivery/keys';
import { warden } from '../support/warden-cli';

const capture = () => {
  const out = new PassThrough();
  let text = '';
  out.on('data', (chunk: Buffer) => {
    text += chunk.toString();
  });
  return { out, text: () => text };
};

describe('warden metrics usage', () => {
  it('says every problem at once, with the usage line, exit 2', () => {
    const { code, stderr } = warden('metrics', '--aws', '--world', 'events/samples/samples.world.json', '--since', 'forever', '--at', 'noon');
    expect(code).toBe(2);
    expect(stderr).toContain('warden metrics: --world and --aws: choose one');
    expect(stderr).toContain('warden metrics: --since: not a duration: "forever"');
    expect(stderr).toContain('warden metrics: --at: not an ISO time: "noon"');
    expect(stderr).toContain('warden metrics: at least one pipeline name is needed');
    expect(stderr).toContain('usage: warden metrics [--config FILE] [--world FILE | --aws]');
  });

  it('refuses an unknown option and a missing event path', () => {
    expect(warden('metrics', '--window', '7d', 'events/samples')).toMatchObject({ code: 2, stderr: expect.stringContaining('unknown option --window') });
    expect(warden('metrics', 'no/such/folder')).toMatchObject({ code: 2, stderr: expect.stringContaining('no/such/folder: no such event file or folder') });
  });

  it('is listed in the help', () => {
    expect(warden('--help').stdout).toContain('metrics');
    expect(warden('metrics', '--help').stdout).toContain('--since DURATION');
  });
});

describe('warden metrics --aws', () => {
  const cp = mockClient(CodePipelineClient);
  const sts = mockClient(STSClient);
  const region = process.env['AWS_REGION'];
  beforeEach(() => {
    cp.reset();
    sts.reset();
    process.env['AWS_REGION'] = 'eu-west-1';
  });
  afterEach(() => {
    if (region === undefined) delete process.env['AWS_REGION'];
    else process.env['AWS_REGION'] = region;
  });

  it("reads the pipeline's history in the window and prints its keys as JSON", async () => {
    sts.on(GetCallerIdentityCommand).resolves({ Account: '111111111111' });
    cp.on(ListPipelineExecutionsCommand).resolves({
      pipelineExecutionSummaries: [
        { pipelineExecutionId: 'e2', startTime: new Date('2026-11-05T10:00:00Z') },
        { pipelineExecutionId: 'e1', startTime: new Date('2026-11-04T10:00:00Z') },
      ],
    });
    const prod = (id: string, status: 'Succeeded' | 'Failed', end: string) => ({
      actionExecutionDetails: [
        {
          pipelineExecutionId: id,
          stageName: 'Prod',
          actionName: 'Deploy',
          status,
          startTime: new Date('2026-11-01T00:00:00Z'),
          lastUpdateTime: new Date(end),
        },
      ],
    });
    cp.on(ListActionExecutionsCommand, { filter: { pipelineExecutionId: 'e1' } }).resolves(prod('e1', 'Failed', '2026-11-04T10:30:00Z'));
    cp.on(ListActionExecutionsCommand, { filter: { pipelineExecutionId: 'e2' } }).resolves(prod('e2', 'Succeeded', '2026-11-05T11:00:00Z'));
    cp.on(GetPipelineExecutionCommand).resolves({ pipelineExecution: { artifactRevisions: [{ created: new Date('2026-11-05T09:00:00Z') }] } });
    const { out, text } = capture();

    const code = await metrics({ configFile: 'config/warden.yml', aws: true, since: '7d', at: '2026-11-08T00:00:00Z', json: true, paths: ['web'], out });

    expect(code).toBe(0);
    // e1 failed at 11-04 10:30, e2 deployed at 11-05 11:00 (committed 09:00): 1 of 2 attempts failed, lead 2h = 7200 s,
    // recovery 11-04 10:30 → 11-05 11:00 = 24h30m = 88200 s, 1 deployment in 7 days = 1/week.
    expect(
      text()
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l)),
    ).toEqual([
      expect.objectContaining({
        pipeline: 'web',
        account: '111111111111',
        region: 'eu-west-1',
        deployments: 1,
        failedDeployments: 1,
        changeFailureRate: 0.5,
        leadTimeSeconds: { median: 7200, p90: 7200 },
        recoverySeconds: { median: 88200 },
        deploymentsPerWeek: 1,
      }),
    ]);
  });
});

describe('metrics output', () => {
  const place = { account: '111111111111', region: 'eu-west-1', pipeline: 'web' };
  const facts: DeliveryFact[] = [
    { ...place, kind: 'deployment', executionId: 'e1', at: '2026-11-02T10:00:00.000Z', startedAt: '2026-11-02T09:00:00.000Z' },
    {
      ...place,
      kind: 'deployment',
      executionId: 'e2',
      at: '2026-11-03T10:00:00.000Z',
      startedAt: '2026-11-03T08:00:00.000Z',
      committedAt: '2026-11-03T07:00:00.000Z',
    },
  ];
  const window = { from: new Date('2026-11-01T00:00:00Z'), to: new Date('2026-11-08T00:00:00Z') };

  it('--json: one object per pipeline, the documented fields first', () => {
    const { out, text } = capture();
    printKeys(deliveryKeys(facts, window), { json: true, out, window, facts });
    const [line] = text().trim().split('\n');
    // Lead times 1h (3600 s) and 3h (10800 s): median 7200, p90 rank ⌈1.8⌉ = 2 → 10800.
    expect(Object.keys(JSON.parse(line ?? '{}')).slice(0, 8)).toEqual([
      'pipeline',
      'account',
      'deployments',
      'failedDeployments',
      'changeFailureRate',
      'leadTimeSeconds',
      'recoverySeconds',
      'deploymentsPerWeek',
    ]);
    expect(JSON.parse(line ?? '{}')).toMatchObject({
      deployments: 2,
      changeFailureRate: 0,
      leadTimeSeconds: { median: 7200, p90: 10800 },
      recoverySeconds: { median: null },
      deploymentsPerWeek: 2,
    });
  });

  it('human: a table per pipeline with the band beside each key', () => {
    const { out, text } = capture();
    printKeys(deliveryKeys(facts, window), { json: false, out, window, facts });
    expect(text()).toContain('web (111111111111 eu-west-1)');
    expect(text()).toMatch(/deployment frequency\s+2 \(2\/week, 0\.29\/day\)\s+high/); // 2/7 a day: between once a week and once a day
    expect(text()).toMatch(/lead time\s+median 2h, p90 3h .*elite/);
    expect(text()).toMatch(/change failure rate\s+0% \(0 of 2 attempts\)\s+elite/);
  });

  it("replay's now: the last event's time + 1 ms", () => {
    expect(lastEventTime([{ time: '2026-11-02T10:00:00Z' }, { time: '2026-11-03T10:00:00Z' }, {}]).toISOString()).toBe('2026-11-03T10:00:00.001Z');
  });
});
