/**
 * Governance's AWS edge against the SDK (aws-sdk-client-mock): every page of ListPipelines and
 * ListProjects, BatchGetProjects in chunks of 100, GetPipeline validated, GetPipelineState's
 * inbound transitions, the stage transition calls and starts, Change Calendars, and the errors
 * sorted into retryable and permanent. The transition records against a real DynamoDB API (dynalite).
 */
import { BatchGetProjectsCommand, CodeBuildClient, ListProjectsCommand } from '@aws-sdk/client-codebuild';
import {
  CodePipelineClient,
  DisableStageTransitionCommand,
  EnableStageTransitionCommand,
  GetPipelineCommand,
  GetPipelineStateCommand,
  ListPipelinesCommand,
  PipelineNotFoundException,
  StageNotFoundException,
  StartPipelineExecutionCommand,
} from '@aws-sdk/client-codepipeline';
import { GetCalendarStateCommand, SSMClient } from '@aws-sdk/client-ssm';
import { PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import type { TransitionRecord } from '../../functions/governance/app/deps';
import {
  createChangeCalendarsPort,
  createDynamoTransitionRecords,
  createGovernancePipelinesPort,
  createGovernanceProjectsPort,
} from '../../functions/governance/aws/governance';
import { PermanentError, RetryableError } from '../../functions/kernel/errors';
import { useLocalDynamo } from '../support/local-dynamo';

const cp = mockClient(CodePipelineClient);
const cb = mockClient(CodeBuildClient);
const ssm = mockClient(SSMClient);
const fixture = (file: string) => JSON.parse(readFileSync(path.resolve(__dirname, '../fixtures/governance', file), 'utf8'));
const region = { region: 'eu-west-1' };
const pipelines = () => createGovernancePipelinesPort(new CodePipelineClient(region));
const projects = () => createGovernanceProjectsPort(new CodeBuildClient(region));
const calendars = () => createChangeCalendarsPort(new SSMClient(region));
const throttled = () => Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $metadata: { httpStatusCode: 400 } });
const denied = () =>
  Object.assign(new Error('not authorized to perform codepipeline:GetPipeline'), {
    name: 'AccessDeniedException',
    $fault: 'client',
    $metadata: { httpStatusCode: 400 },
  });

beforeEach(() => {
  cp.reset();
  cb.reset();
  ssm.reset();
});

describe('governance pipelines port', () => {
  it('lists every pipeline across ListPipelines pages', async () => {
    cp.on(ListPipelinesCommand)
      .resolvesOnce({ pipelines: [{ name: 'payments-api' }, { name: 'orders-service' }], nextToken: 't-2' })
      .resolvesOnce({ pipelines: [{ name: 'MyFirstPipeline' }] });
    expect(await pipelines().list()).toEqual(['payments-api', 'orders-service', 'MyFirstPipeline']);
    expect(cp).toHaveReceivedCommandTimes(ListPipelinesCommand, 2);
    expect(cp).toHaveReceivedNthCommandWith(ListPipelinesCommand, 2, { nextToken: 't-2' });
  });

  it('reads a definition (get-pipeline output), and a pipeline deleted since is undefined', async () => {
    const { pipeline } = fixture('pipelines/orders-service.json');
    cp.on(GetPipelineCommand, { name: 'orders-service' }).resolves({
      pipeline,
      metadata: { pipelineArn: 'arn:aws:codepipeline:eu-west-1:123456789012:orders-service' },
    });
    cp.on(GetPipelineCommand, { name: 'gone' }).rejects(
      new PipelineNotFoundException({ message: 'The account with id 123456789012 does not include a pipeline with the name gone', $metadata: {} }),
    );
    expect(await pipelines().get('orders-service')).toMatchObject({
      name: 'orders-service',
      stages: pipeline.stages.map((s: { name: string }) => expect.objectContaining({ name: s.name })),
    });
    expect(await pipelines().get('gone')).toBeUndefined();
  });

  it('a definition it cannot read is a permanent error; throttling is retryable, a denied call permanent', async () => {
    cp.on(GetPipelineCommand, { name: 'odd' }).resolves({ pipeline: { name: 'odd' } as never });
    cp.on(GetPipelineCommand, { name: 'busy' }).rejects(throttled());
    cp.on(GetPipelineCommand, { name: 'denied' }).rejects(denied());
    await expect(pipelines().get('odd')).rejects.toBeInstanceOf(PermanentError);
    await expect(pipelines().get('busy')).rejects.toBeInstanceOf(RetryableError);
    await expect(pipelines().get('denied')).rejects.toBeInstanceOf(PermanentError);
    await expect(pipelines().get('denied')).rejects.toThrow(/GetPipeline denied/);
  });

  it("maps GetPipelineState to each stage's inbound transition, with who changed it and when (ISO)", async () => {
    cp.on(GetPipelineStateCommand, { name: 'payments-api' }).resolves({
      pipelineName: 'payments-api',
      stageStates: [
        { stageName: 'Source', inboundTransitionState: { enabled: true } },
        { stageName: 'Build' },
        {
          stageName: 'Production',
          inboundTransitionState: {
            enabled: false,
            disabledReason: 'database migration',
            lastChangedBy: 'arn:aws:sts::123456789012:assumed-role/Ops/lee',
            lastChangedAt: new Date('2026-11-23T08:00:00Z'),
          },
          latestExecution: { pipelineExecutionId: 'exec-7', status: 'Succeeded' },
        },
      ],
    });
    expect(await pipelines().transitions('payments-api')).toEqual([
      { stage: 'Source', enabled: true },
      { stage: 'Build', enabled: true },
      {
        stage: 'Production',
        enabled: false,
        disabledReason: 'database migration',
        lastChangedBy: 'arn:aws:sts::123456789012:assumed-role/Ops/lee',
        lastChangedAt: '2026-11-23T08:00:00.000Z',
        latestExecutionId: 'exec-7',
      },
    ]);
  });

  it('disables and enables the inbound transition of a stage', async () => {
    cp.on(DisableStageTransitionCommand).resolves({});
    cp.on(EnableStageTransitionCommand).resolves({});
    await pipelines().disable('payments-api', 'Production', 'pipeline-warden - rule production-approval');
    await pipelines().enable('payments-api', 'Production');
    expect(cp).toHaveReceivedCommandWith(DisableStageTransitionCommand, {
      pipelineName: 'payments-api',
      stageName: 'Production',
      transitionType: 'Inbound',
      reason: 'pipeline-warden - rule production-approval',
    });
    expect(cp).toHaveReceivedCommandWith(EnableStageTransitionCommand, { pipelineName: 'payments-api', stageName: 'Production', transitionType: 'Inbound' });
  });

  it('a stage removed since is a permanent error; a throttled disable is retryable', async () => {
    cp.on(DisableStageTransitionCommand, { stageName: 'Gone' }).rejects(
      new StageNotFoundException({ message: 'no stage Gone', $metadata: { httpStatusCode: 400 } }),
    );
    cp.on(DisableStageTransitionCommand, { stageName: 'Production' }).rejects(throttled());
    await expect(pipelines().disable('payments-api', 'Gone', 'r')).rejects.toBeInstanceOf(PermanentError);
    await expect(pipelines().disable('payments-api', 'Production', 'r')).rejects.toBeInstanceOf(RetryableError);
  });

  it('starts an execution with the client request token and returns its id', async () => {
    cp.on(StartPipelineExecutionCommand).resolves({ pipelineExecutionId: 'exec-42' });
    expect(await pipelines().start('payments-api', 'pkg-acme-ui-kit-2.4.0')).toEqual({ executionId: 'exec-42' });
    expect(cp).toHaveReceivedCommandWith(StartPipelineExecutionCommand, { name: 'payments-api', clientRequestToken: 'pkg-acme-ui-kit-2.4.0' });
  });
});

describe('governance projects port', () => {
  it('lists every project across ListProjects pages', async () => {
    cb.on(ListProjectsCommand)
      .resolvesOnce({ projects: ['a', 'b'], nextToken: 'n' })
      .resolvesOnce({ projects: ['c'] });
    expect(await projects().list()).toEqual(['a', 'b', 'c']);
    expect(cb).toHaveReceivedNthCommandWith(ListProjectsCommand, 2, { nextToken: 'n' });
  });

  it('reads projects in chunks of 100 (batch-get-projects output); names not found are left out', async () => {
    const out = fixture('projects/batch-get-projects.json');
    const names = Array.from({ length: 201 }, (_, i) => `p-${i}`);
    cb.on(BatchGetProjectsCommand)
      .resolvesOnce(out)
      .resolves({ projects: [], projectsNotFound: ['p-200'] });
    const got = await projects().get(names);
    expect(cb).toHaveReceivedCommandTimes(BatchGetProjectsCommand, 3);
    expect(cb.commandCalls(BatchGetProjectsCommand).map((c) => c.args[0].input.names?.length)).toEqual([100, 100, 1]);
    expect(got.map((p) => p.name)).toEqual(out.projects.map((p: { name: string }) => p.name));
  });

  it('no names, no call; a throttled batch is retryable', async () => {
    expect(await projects().get([])).toEqual([]);
    expect(cb).not.toHaveReceivedCommand(BatchGetProjectsCommand);
    cb.on(BatchGetProjectsCommand).rejects(throttled());
    await expect(projects().get(['a'])).rejects.toBeInstanceOf(RetryableError);
  });
});

describe('change calendars port', () => {
  it.each([['OPEN'], ['CLOSED']] as const)('reads the calendar state %s', async (state) => {
    ssm.on(GetCalendarStateCommand).resolves({ State: state, AtTime: '2026-11-23T09:00:00Z' });
    expect(await calendars().state('release-freeze')).toBe(state);
    expect(ssm).toHaveReceivedCommandWith(GetCalendarStateCommand, { CalendarNames: ['release-freeze'] });
  });

  it('a calendar that does not exist is a permanent error', async () => {
    ssm
      .on(GetCalendarStateCommand)
      .rejects(Object.assign(new Error('missing'), { name: 'InvalidDocument', $fault: 'client', $metadata: { httpStatusCode: 400 } }));
    await expect(calendars().state('nope')).rejects.toBeInstanceOf(PermanentError);
  });
});

describe('transition records (dynalite)', () => {
  const localDynamo = useLocalDynamo('governance-records');
  const record = (pipeline: string, stage: string, state: TransitionRecord['state'] = 'disabled'): TransitionRecord => ({
    pipeline,
    stage,
    reason: 'pipeline-warden - rule production-approval',
    disabledAt: '2026-11-23T09:00:00.000Z',
    state,
  });

  it('puts, lists, overwrites and removes one item per pipeline stage, only under GOVERNANCE#TRANSITIONS', async () => {
    const records = createDynamoTransitionRecords({ client: localDynamo().doc, tableName: 'governance-records' });
    // A neighbour in the same table (a bypass, an audit entry) is never listed as a record.
    await localDynamo().doc.send(
      new PutCommand({ TableName: 'governance-records', Item: { pk: 'GOVERNANCE#BYPASSES', sk: 'payments-api#Production', bypass: {} } }),
    );
    expect(await records.list()).toEqual([]);
    await records.put(record('payments-api', 'Production'));
    await records.put(record('orders-service', 'Prod-eu-west-1'));
    await records.put(record('payments-api', 'Production', 'released'));
    expect(new Set(await records.list())).toEqual(new Set([record('payments-api', 'Production', 'released'), record('orders-service', 'Prod-eu-west-1')]));
    const keys = (await localDynamo().doc.send(new ScanCommand({ TableName: 'governance-records' }))).Items!.map((i) => `${i['pk']} ${i['sk']}`).sort();
    expect(keys).toEqual([
      'GOVERNANCE#BYPASSES payments-api#Production',
      'GOVERNANCE#TRANSITIONS orders-service#Prod-eu-west-1',
      'GOVERNANCE#TRANSITIONS payments-api#Production',
    ]);
    await records.remove('payments-api', 'Production');
    await records.remove('payments-api', 'Production');
    expect(await records.list()).toEqual([record('orders-service', 'Prod-eu-west-1')]);
  });

  it('a table that is not there is a permanent error', async () => {
    const records = createDynamoTransitionRecords({ client: localDynamo().doc, tableName: 'no-such-table' });
    await expect(records.list()).rejects.toBeInstanceOf(PermanentError);
  });
});
