/**
 * Acting where the pipeline lives (organization mode): the actor role of each account is assumed
 * once and its credentials shared by every client there until shortly before they expire; a refusal
 * is a permanent error naming the account and the role; an approval decided from Slack is sent with
 * the credentials of the account that owns the pipeline.
 */
import { CodePipelineClient, PutApprovalResultCommand } from '@aws-sdk/client-codepipeline';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { createApprovalPipelinePort } from '../../functions/approvals/aws/pipeline';
import { PermanentError, RetryableError } from '../../functions/kernel/errors';
import { clientAt, createActor } from '../../functions/platform/actor';

const sts = mockClient(STSClient);
const codepipeline = mockClient(CodePipelineClient);
beforeEach(() => {
  sts.reset();
  codepipeline.reset();
});

let now = new Date('2026-12-02T10:00:00Z');
const credentialsFor = (arn: string, expiresInMs = 3_600_000) => ({
  Credentials: { AccessKeyId: `AKIA${arn.split(':')[4]}`, SecretAccessKey: 'secret', SessionToken: 'token', Expiration: new Date(now.getTime() + expiresInMs) },
});
const actor = () => createActor({ roleName: 'pipeline-warden-actor', sts: new STSClient({ region: 'eu-west-1' }), now: () => now });
const pipelines = (a = actor()) => a.clients((config) => new CodePipelineClient({ ...config }));

describe('the actor role', () => {
  it('is assumed once per account, for every region and client there, until shortly before it expires', async () => {
    sts.on(AssumeRoleCommand).callsFake((input: { RoleArn: string }) => credentialsFor(input.RoleArn));
    const a = actor();
    const clients = pipelines(a);
    const logs = a.clients((config) => config);
    const eu = await clientAt(clients, { account: '111122223333', region: 'eu-west-1' }).config.credentials();
    const us = await clientAt(clients, { account: '111122223333', region: 'us-east-1' }).config.credentials();
    await logs({ account: '111122223333', region: 'eu-west-1' }).credentials();
    expect(eu.accessKeyId).toBe('AKIA111122223333');
    expect(us.accessKeyId).toBe('AKIA111122223333');
    expect(sts.commandCalls(AssumeRoleCommand).map((c) => c.args[0].input.RoleArn)).toEqual(['arn:aws:iam::111122223333:role/pipeline-warden-actor']);
    // Another account: its own role.
    await clientAt(clients, { account: '222233334444', region: 'eu-west-1' }).config.credentials();
    expect(sts.commandCalls(AssumeRoleCommand)).toHaveLength(2);
    // 50 minutes on, still cached; 56 minutes on, 4 minutes before expiry: renewed (asked through the
    // actor's own provider: an SDK client also keeps the identity it got until close to its expiry).
    now = new Date(now.getTime() + 50 * 60_000);
    await logs({ account: '111122223333', region: 'eu-west-1' }).credentials();
    expect(sts.commandCalls(AssumeRoleCommand)).toHaveLength(2);
    now = new Date(now.getTime() + 6 * 60_000);
    expect((await logs({ account: '111122223333', region: 'eu-west-1' }).credentials()).expiration).toEqual(new Date(now.getTime() + 3_600_000));
    expect(sts.commandCalls(AssumeRoleCommand)).toHaveLength(3);
  });

  it('a refused or missing role is a permanent error that names the account and the role', async () => {
    sts
      .on(AssumeRoleCommand)
      .rejects(Object.assign(new Error('not authorized to perform sts:AssumeRole'), { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } }));
    const error = await clientAt(pipelines(), { account: '333344445555', region: 'eu-west-1' })
      .config.credentials()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PermanentError);
    expect(String(error)).toContain('333344445555');
    expect(String(error)).toContain('arn:aws:iam::333344445555:role/pipeline-warden-actor');
  });

  it('a throttled STS is retryable, and the next call assumes the role again', async () => {
    sts
      .on(AssumeRoleCommand)
      .rejectsOnce(Object.assign(new Error('Rate exceeded'), { name: 'Throttling', $metadata: { httpStatusCode: 400 } }))
      .callsFake((input: { RoleArn: string }) => credentialsFor(input.RoleArn));
    const client = clientAt(pipelines(), { account: '111122223333', region: 'eu-west-1' });
    await expect(client.config.credentials()).rejects.toBeInstanceOf(RetryableError);
    expect((await client.config.credentials()).accessKeyId).toBe('AKIA111122223333');
  });

  it('a single-account stack has one client and needs no place; organization mode refuses a call without one', () => {
    const one = new CodePipelineClient({ region: 'eu-west-1' });
    expect(clientAt(one, undefined)).toBe(one);
    expect(() => clientAt(pipelines(), undefined, 'codepipeline.getPipeline web')).toThrow(PermanentError);
  });
});

describe('an approval decided from Slack', () => {
  it("is put to the account that owns the pipeline, with that account's actor credentials", async () => {
    sts.on(AssumeRoleCommand).callsFake((input: { RoleArn: string }) => credentialsFor(input.RoleArn));
    codepipeline.on(PutApprovalResultCommand).resolves({ approvedAt: now });
    const port = createApprovalPipelinePort(pipelines());
    const ref = { pipeline: 'payments-api', executionId: 'e-1', stage: 'Production', action: 'Approve', account: '222233334444', region: 'eu-west-1' };
    expect(await port.putResult(ref, { token: 't-1', status: 'Approved', summary: 'ok' })).toBe('recorded');
    const [call] = codepipeline.commandCalls(PutApprovalResultCommand);
    const client = call?.thisValue as CodePipelineClient;
    expect(await client.config.region()).toBe('eu-west-1');
    expect((await client.config.credentials()).accessKeyId).toBe('AKIA222233334444');
  });
});
