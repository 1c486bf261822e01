/**
 * Governance through its real AWS adapters, with the SDK mocked (aws-sdk-client-mock) and the
 * transition records in a real local DynamoDB: a CloudTrail UpdatePipeline event and the daily
 * audit. CodePipeline's transition state follows the Disable/Enable calls, as the service's does.
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
} from '@aws-sdk/client-codepipeline';
import { SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { handleBypassClick } from '../../../functions/governance/app/bypass';
import type { GovernanceDeps } from '../../../functions/governance/app/deps';
import { runGovernance } from '../../../functions/governance/app/run';
import { createDynamoBypasses } from '../../../functions/governance/aws/break-glass-store';
import {
  createChangeCalendarsPort,
  createDynamoDoneRecords,
  createDynamoTransitionRecords,
  createGovernancePipelinesPort,
  createGovernanceProjectsPort,
} from '../../../functions/governance/aws/governance';
import { governanceTrigger } from '../../../functions/governance/domain/trigger';
import { createRecorder } from '../../../functions/platform/recording';
import { fixturePipeline, governanceConfig, governancePolicy } from '../../support/governance';
import { type LocalDynamo, startLocalDynamo } from '../../support/local-dynamo';

const codepipeline = mockClient(CodePipelineClient);
const codebuild = mockClient(CodeBuildClient);
const projects = JSON.parse(readFileSync(path.resolve(__dirname, '../../fixtures/governance/projects/batch-get-projects.json'), 'utf8')) as {
  projects: unknown[];
};
const pipelines = { MyFirstPipeline: fixturePipeline('MyFirstPipeline.json'), 'orders-service': fixturePipeline('orders-service.json') };
type Name = keyof typeof pipelines;

let dynamo: LocalDynamo;
let table = 0;
beforeAll(async () => {
  dynamo = await startLocalDynamo();
});
afterAll(() => dynamo.stop());

/** CodePipeline's inbound transitions, changed by the calls the code makes. */
let transitions: Map<string, { enabled: boolean; disabledReason?: string; lastChangedAt?: Date }>;
/** Each stage's latest execution (GetPipelineState `latestExecution`). */
let latest: Map<string, string>;
beforeEach(() => {
  transitions = new Map();
  latest = new Map();
  codepipeline.reset();
  codebuild.reset();
  codepipeline.on(ListPipelinesCommand).resolves({ pipelines: Object.keys(pipelines).map((name) => ({ name })) });
  codepipeline.on(GetPipelineCommand).callsFake(({ name }: { name: string }) => {
    const pipeline = pipelines[name as Name];
    if (!pipeline) throw new PipelineNotFoundException({ message: 'gone', $metadata: {} });
    return { pipeline };
  });
  codepipeline.on(GetPipelineStateCommand).callsFake(({ name }: { name: Name }) => ({
    pipelineName: name,
    stageStates: pipelines[name].stages.map((s) => {
      const execution = latest.get(`${name}/${s.name}`);
      return {
        stageName: s.name,
        inboundTransitionState: transitions.get(`${name}/${s.name}`) ?? { enabled: true },
        ...(execution ? { latestExecution: { pipelineExecutionId: execution, status: 'InProgress' as const } } : {}),
      };
    }),
  }));
  codepipeline
    .on(DisableStageTransitionCommand)
    .callsFake(({ pipelineName, stageName, reason }: { pipelineName: string; stageName: string; reason: string }) => {
      transitions.set(`${pipelineName}/${stageName}`, { enabled: false, disabledReason: reason, lastChangedAt: new Date() });
      return {};
    });
  codepipeline.on(EnableStageTransitionCommand).callsFake(({ pipelineName, stageName }: { pipelineName: string; stageName: string }) => {
    transitions.set(`${pipelineName}/${stageName}`, { enabled: true, lastChangedAt: new Date() });
    return {};
  });
  codebuild.on(ListProjectsCommand).resolves({ projects: ['legacy-deploy-scripts', 'payments-api-build'] });
  codebuild.on(BatchGetProjectsCommand).resolves({ projects: projects.projects as never });
});

async function deps(
  policy = '- id: production-approval\n  mode: enforce\n- id: codebuild-plaintext-secrets',
): Promise<GovernanceDeps & { recorder: ReturnType<typeof createRecorder> }> {
  table += 1;
  const tableName = `governance-${table}`;
  await dynamo.createTable(tableName);
  const recorder = createRecorder({});
  return {
    recorder,
    config: governanceConfig('report: { slack: { channel: C0GOVERN01 } }'),
    policy: governancePolicy(policy),
    customRules: [],
    pipelines: createGovernancePipelinesPort(new CodePipelineClient({ region: 'eu-west-1' })),
    projects: createGovernanceProjectsPort(new CodeBuildClient({ region: 'eu-west-1' })),
    calendars: createChangeCalendarsPort(new SSMClient({ region: 'eu-west-1' })),
    records: createDynamoTransitionRecords({ client: dynamo.doc, tableName }),
    done: createDynamoDoneRecords({ client: dynamo.doc, tableName }),
    slack: recorder.slack,
    email: recorder.email,
    defaultTopicArn: 'arn:aws:sns:eu-west-1:123456789012:warden',
    now: () => new Date(),
    logger: { info: () => undefined, warn: () => undefined },
  };
}

const updatePipeline = (name: string) => ({
  'detail-type': 'AWS API Call via CloudTrail',
  source: 'aws.codepipeline',
  detail: { eventSource: 'codepipeline.amazonaws.com', eventName: 'UpdatePipeline', requestParameters: { pipeline: { name } } },
});

describe('governance on the AWS SDK', () => {
  it("UpdatePipeline: reads the pipeline, closes its production stage once, leaves a person's hold alone", async () => {
    const d = await deps();
    transitions.set('orders-service/Prod-eu-west-1', { enabled: false, disabledReason: 'database migration' });
    await runGovernance(governanceTrigger(updatePipeline('MyFirstPipeline')), d);
    await runGovernance(governanceTrigger(updatePipeline('MyFirstPipeline')), d);
    expect(codepipeline).toHaveReceivedCommandWith(GetPipelineCommand, { name: 'MyFirstPipeline' });
    expect(codepipeline).toHaveReceivedCommandTimes(DisableStageTransitionCommand, 1);
    expect(codepipeline).toHaveReceivedCommandWith(DisableStageTransitionCommand, {
      pipelineName: 'MyFirstPipeline',
      stageName: 'Prod',
      transitionType: 'Inbound',
      reason: 'pipeline-warden - rule production-approval',
    });
    expect(await d.records.list()).toEqual([expect.objectContaining({ pipeline: 'MyFirstPipeline', stage: 'Prod', state: 'disabled' })]);

    // The daily audit with the rule now report-only: ours reopens, the person's hold stays.
    const reportOnly = { ...d, policy: governancePolicy('- id: production-approval\n- id: codebuild-plaintext-secrets') };
    await runGovernance({ kind: 'audit' }, reportOnly);
    expect(codepipeline).toHaveReceivedCommandTimes(EnableStageTransitionCommand, 1);
    expect(codepipeline).toHaveReceivedCommandWith(EnableStageTransitionCommand, {
      pipelineName: 'MyFirstPipeline',
      stageName: 'Prod',
      transitionType: 'Inbound',
    });
    expect(transitions.get('orders-service/Prod-eu-west-1')).toEqual({ enabled: false, disabledReason: 'database migration' });
    expect(await d.records.list()).toEqual([]);
  });

  it('the daily audit lists every pipeline and project (paginated APIs, batched reads) and reports them', async () => {
    const d = await deps();
    await runGovernance({ kind: 'audit' }, d);
    expect(codepipeline).toHaveReceivedCommandTimes(GetPipelineCommand, 2);
    expect(codebuild).toHaveReceivedCommandWith(BatchGetProjectsCommand, { names: ['legacy-deploy-scripts', 'payments-api-build'] });
    const texts = d.recorder.calls.filter((c) => c.call === 'slack.chat.postMessage').map((c) => String(c.input['text']));
    expect(texts[0]).toMatch(/^⛔ Pipeline policy · daily audit: 2 of \d+ resources violate it/);
    expect(texts.slice(1)).toEqual(['pipeline MyFirstPipeline: 1 violation(s)', 'project legacy-deploy-scripts: 3 violation(s)']);
  });

  it('a pipeline deleted after its event is skipped, not an error', async () => {
    const d = await deps();
    expect((await runGovernance(governanceTrigger(updatePipeline('deleted-since')), d)).summary).toBe(
      'change to deleted-since: 0 checked, 0 violation(s), 0 transition change(s)',
    );
  });
});

describe('break-glass on the AWS SDK', () => {
  const FREEZE =
    'report: { slack: { channel: C0GOVERN01 } }\nfreezes:\n  - name: release-freeze\n    from: "2026-11-23T00:00"\n    to: "2026-11-30T00:00"\n    pipelines: ["orders-*"]\n    breakGlass: { approvers: [U0RELEASE1] }';
  const stageStarted = (executionId: string) => ({
    'detail-type': 'CodePipeline Stage Execution State Change',
    source: 'aws.codepipeline',
    detail: { pipeline: 'orders-service', stage: 'Prod-eu-west-1', state: 'STARTED', 'execution-id': executionId },
  });

  it('the tick closes, an approver opens for one execution, its STARTED event closes again; all audited in the table', async () => {
    table += 1;
    const tableName = `governance-${table}`;
    await dynamo.createTable(tableName);
    const now = () => new Date('2026-11-23T10:00:00Z');
    const d: GovernanceDeps = {
      ...(await deps('- id: pipeline-type-v2')),
      config: governanceConfig(FREEZE),
      records: createDynamoTransitionRecords({ client: dynamo.doc, tableName }),
      bypasses: createDynamoBypasses({ client: dynamo.doc, tableName, now }),
      now,
    };
    latest.set('orders-service/Prod-eu-west-1', 'exec-before');
    await runGovernance({ kind: 'tick' }, d);
    expect(transitions.get('orders-service/Prod-eu-west-1')).toMatchObject({
      enabled: false,
      disabledReason: 'pipeline-warden - freeze release-freeze until 2026-11-30 00.00 UTC',
    });

    const value = JSON.stringify({ pipeline: 'orders-service', stage: 'Prod-eu-west-1', freeze: 'release-freeze' });
    expect(await handleBypassClick({ actionId: 'bypass:grant:0', value, user: { id: 'U0RELEASE1' } }, d)).toMatchObject({ kind: 'done' });
    expect(transitions.get('orders-service/Prod-eu-west-1')?.enabled).toBe(true);

    latest.set('orders-service/Prod-eu-west-1', 'exec-let-in');
    await runGovernance(governanceTrigger(stageStarted('exec-let-in')), d);
    await runGovernance(governanceTrigger(stageStarted('exec-let-in')), d); // redelivered
    expect(transitions.get('orders-service/Prod-eu-west-1')?.enabled).toBe(false);
    expect(codepipeline).toHaveReceivedCommandTimes(DisableStageTransitionCommand, 2);
    expect(codepipeline).toHaveReceivedCommandTimes(EnableStageTransitionCommand, 1);
    const audit = await dynamo.doc.send(
      new QueryCommand({ TableName: tableName, KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': 'AUDIT#orders-service' } }),
    );
    expect(audit.Items?.map((i) => i['entry'])).toEqual([
      expect.objectContaining({ event: 'granted', by: 'U0RELEASE1' }),
      expect.objectContaining({ event: 'used', executionId: 'exec-let-in' }),
    ]);
    expect(await d.bypasses!.list()).toEqual([]);
  });
});
