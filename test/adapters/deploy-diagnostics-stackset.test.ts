/**
 * A failed CloudFormation StackSets action (`CloudFormationStackSet`, `CloudFormationStackInstances`):
 * its stack set's newest operation and that operation's failed accounts/regions, read with two
 * calls after the pipeline's definition. AWS-shaped fixtures: test/fixtures/deploy-failures/SOURCES.md.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  CloudFormationClient,
  ListStackSetOperationResultsCommand,
  ListStackSetOperationsCommand,
  StackSetNotFoundException,
} from '@aws-sdk/client-cloudformation';
import { CodeDeployClient } from '@aws-sdk/client-codedeploy';
import { CodePipelineClient, GetPipelineCommand } from '@aws-sdk/client-codepipeline';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it } from 'vitest';
import { PermanentError } from '../../functions/kernel/errors';
import type { Place } from '../../functions/kernel/ports';
import { createDeployDiagnosticsPort } from '../../functions/notify/aws/deploy-diagnostics';

const FIXTURES = path.resolve(__dirname, '../fixtures/deploy-failures');
const fixture = (name: string) => JSON.parse(readFileSync(path.join(FIXTURES, name), 'utf8'));
/** The SDK's output: timestamps are Dates. */
const sdkOperations = () => {
  const out = fixture('list-stack-set-operations-baseline.json');
  for (const o of out.Summaries) o.CreationTimestamp = new Date(o.CreationTimestamp);
  return out;
};
/** What `ListStackSetOperationResults` answers with the `FAILED` filter: the failed results only. */
const failedResults = () => ({
  Summaries: fixture('list-stack-set-operation-results-baseline.json').Summaries.filter((r: { Status: string }) => r.Status === 'FAILED'),
});
const FAILED_FILTER = [{ Name: 'OPERATION_RESULT_STATUS', Values: 'FAILED' }];
const NEWEST = 'c7a1e6d2-xmpl-4f0b-9e35-5d2a7b8c1f40';

const cloudformation = mockClient(CloudFormationClient);
const codepipeline = mockClient(CodePipelineClient);
const port = createDeployDiagnosticsPort({
  codedeploy: new CodeDeployClient({}),
  cloudformation: new CloudFormationClient({}),
  codepipeline: new CodePipelineClient({}),
});

beforeEach(() => {
  cloudformation.reset();
  codepipeline.reset();
});

describe('createDeployDiagnosticsPort: stack sets', () => {
  it("reads the StackSetName of both StackSets actions from the pipeline definition, none for a stack's action", async () => {
    codepipeline.on(GetPipelineCommand).resolves(fixture('get-pipeline-baseline-stackset.json'));
    const ref = { pipeline: 'baseline-pipeline', stage: 'DeployStackSets' };
    expect(await port.actionStackSet?.({ ...ref, action: 'UpdateStackSet' })).toBe('account-baseline');
    expect(await port.actionStackSet?.({ ...ref, action: 'AddInstances' })).toBe('account-baseline');
    expect(await port.actionStackSet?.({ ...ref, action: 'Missing' })).toBeUndefined();

    codepipeline.on(GetPipelineCommand).resolves(fixture('get-pipeline-web.json'));
    expect(await port.actionStackSet?.({ pipeline: 'web-pipeline', stage: 'Deploy', action: 'UpdateStack' })).toBeUndefined();
  });

  it("two calls: the operations, then the newest one's FAILED results (one filtered page of 100)", async () => {
    // Listed oldest first here: the newest is chosen by its CreationTimestamp, not its place.
    const operations = sdkOperations();
    cloudformation.on(ListStackSetOperationsCommand).resolves({ Summaries: [...operations.Summaries].reverse() });
    cloudformation.on(ListStackSetOperationResultsCommand).resolves(failedResults());

    const report = await port.stackSetOperation?.({ stackSetName: 'account-baseline' });

    expect(cloudformation).toHaveReceivedCommandExactlyOnceWith(ListStackSetOperationsCommand, { StackSetName: 'account-baseline' });
    expect(cloudformation).toHaveReceivedCommandTimes(ListStackSetOperationResultsCommand, 1);
    expect(cloudformation.commandCalls(ListStackSetOperationResultsCommand)[0]?.args[0].input).toEqual({
      StackSetName: 'account-baseline',
      OperationId: NEWEST,
      MaxResults: 100,
      Filters: FAILED_FILTER,
    });
    expect(report).toMatchObject({ Status: 'FAILED', more: false });
    expect(report?.failed.map((r) => `${r.Account} ${r.Region}`)).toEqual([
      '222233334444 us-east-1',
      '333344445555 us-east-1',
      '111122223333 eu-west-1',
      '222233334444 eu-west-1',
      '333344445555 eu-west-1',
    ]);
  });

  it("the operation's own reason is kept; a next page of failed results is not read, only noted", async () => {
    cloudformation.on(ListStackSetOperationsCommand).resolves({
      Summaries: [{ OperationId: 'op-1', Status: 'FAILED', StatusReason: 'The operation failed', CreationTimestamp: new Date('2024-05-02T10:14:12Z') }],
    });
    cloudformation.on(ListStackSetOperationResultsCommand).resolves({ ...failedResults(), NextToken: 'more' });

    expect(await port.stackSetOperation?.({ stackSetName: 'account-baseline' })).toMatchObject({
      Status: 'FAILED',
      StatusReason: 'The operation failed',
      more: true,
    });
    expect(cloudformation).toHaveReceivedCommandTimes(ListStackSetOperationResultsCommand, 1);
  });

  it('an operation older than the action (a minute of leeway) is another run: undefined, and no results read', async () => {
    cloudformation.on(ListStackSetOperationsCommand).resolves(sdkOperations());
    expect(await port.stackSetOperation?.({ stackSetName: 'account-baseline', since: '2024-05-02T10:20:00Z' })).toBeUndefined();
    expect(cloudformation).not.toHaveReceivedCommand(ListStackSetOperationResultsCommand);

    cloudformation.on(ListStackSetOperationResultsCommand).resolves(failedResults());
    expect(await port.stackSetOperation?.({ stackSetName: 'account-baseline', since: '2024-05-02T10:15:00Z' })).toMatchObject({ Status: 'FAILED' });
  });

  it('no operation, or a stack set that does not exist: undefined', async () => {
    cloudformation.on(ListStackSetOperationsCommand).resolvesOnce({ Summaries: [] });
    expect(await port.stackSetOperation?.({ stackSetName: 'account-baseline' })).toBeUndefined();

    cloudformation
      .on(ListStackSetOperationsCommand)
      .rejects(new StackSetNotFoundException({ message: 'StackSet account-baseline not found', $metadata: { httpStatusCode: 404 } }));
    expect(await port.stackSetOperation?.({ stackSetName: 'account-baseline' })).toBeUndefined();
    expect(cloudformation).not.toHaveReceivedCommand(ListStackSetOperationResultsCommand);
  });

  it('a denied or throttled read is an error naming the AWS error (the reply then goes without the diagnosis)', async () => {
    const denied = Object.assign(new Error('User is not authorized to perform: cloudformation:ListStackSetOperations'), {
      name: 'AccessDenied',
      $metadata: { httpStatusCode: 403 },
    });
    cloudformation.on(ListStackSetOperationsCommand).rejects(denied);
    const error = await port.stackSetOperation?.({ stackSetName: 'account-baseline' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PermanentError);
    expect((error as Error).cause).toMatchObject({ name: 'AccessDenied' });

    cloudformation.on(ListStackSetOperationsCommand).resolves(sdkOperations());
    cloudformation
      .on(ListStackSetOperationResultsCommand)
      .rejects(Object.assign(new Error('Rate exceeded'), { name: 'Throttling', $metadata: { httpStatusCode: 400 } }));
    const throttled = await port.stackSetOperation?.({ stackSetName: 'account-baseline' }).catch((e: unknown) => e);
    expect(throttled).toBeInstanceOf(Error);
    expect((throttled as Error).cause).toMatchObject({ name: 'Throttling' });
  });

  it("organization mode: both reads are made in the pipeline's account and region, as the actor there", async () => {
    const places: Place[] = [];
    const inOrganization = createDeployDiagnosticsPort({
      codedeploy: () => new CodeDeployClient({}),
      cloudformation: (place) => {
        places.push(place);
        return new CloudFormationClient({ region: place.region });
      },
      codepipeline: () => new CodePipelineClient({}),
    });
    cloudformation.on(ListStackSetOperationsCommand).resolves(sdkOperations());
    cloudformation.on(ListStackSetOperationResultsCommand).resolves(failedResults());
    const place = { account: '123456789012', region: 'us-east-1' };

    expect(await inOrganization.stackSetOperation?.({ place, stackSetName: 'account-baseline' })).toMatchObject({ Status: 'FAILED' });
    expect(places).toEqual([place]);
    // Without a place there is nowhere to read it: refused before any call.
    await expect(inOrganization.stackSetOperation?.({ stackSetName: 'account-baseline' })).rejects.toThrow(/no account and region/);
  });
});
