/**
 * Creates the packaged stack in moto the way `serverless deploy` would in AWS: zips into a bucket,
 * then CreateStack with the template body. Returns the outcome instead of throwing, so the tests
 * (not the setup) report a failed create, with moto's reason.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { CloudFormationClient, CreateStackCommand, DescribeStackEventsCommand, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { awsClientConfig } from '../support/moto';
import type { Packaged } from '../support/package';
import { codeKeys, forMoto } from './moto-template';

export interface StackOutcome {
  readonly stackName: string;
  readonly status: string;
  /** The stack's StatusReason and the failed resources' reasons, or the CreateStack error. */
  readonly reason: string;
  readonly ms: number;
}

const CODE_BUCKET = 'warden-integration-code';
const WAIT_LIMIT_MS = 60_000;

/**
 * @example
 * const outcome = await deployToMoto({ endpoint: moto.endpoint, packaged, stackName: 'pipeline-warden-ci' });
 * // outcome.status === 'CREATE_COMPLETE'
 */
export async function deployToMoto(input: { endpoint: string; packaged: Packaged; stackName: string }): Promise<StackOutcome> {
  const { endpoint, packaged, stackName } = input;
  const started = Date.now();
  await uploadCode(endpoint, packaged);
  const cfn = new CloudFormationClient(awsClientConfig(endpoint));
  try {
    await cfn.send(
      new CreateStackCommand({
        StackName: stackName,
        TemplateBody: JSON.stringify(forMoto(packaged.template, CODE_BUCKET)),
        Capabilities: ['CAPABILITY_IAM', 'CAPABILITY_NAMED_IAM'],
      }),
    );
    const status = await settledStatus(cfn, stackName);
    return { stackName, ...status, ms: Date.now() - started };
  } catch (error) {
    // A dependency cycle makes moto recurse until it answers 500: the cause is in its stderr.
    return { stackName, status: 'CREATE_STACK_ERROR', reason: String(error), ms: Date.now() - started };
  } finally {
    cfn.destroy();
  }
}

async function uploadCode(endpoint: string, packaged: Packaged): Promise<void> {
  const s3 = new S3Client(awsClientConfig(endpoint));
  try {
    await s3.send(new CreateBucketCommand({ Bucket: CODE_BUCKET }));
    for (const [key, file] of codeKeys(packaged.template)) {
      await s3.send(new PutObjectCommand({ Bucket: CODE_BUCKET, Key: key, Body: readFileSync(path.join(packaged.dir, file)) }));
    }
  } finally {
    s3.destroy();
  }
}

/** moto creates synchronously, but AWS does not: poll until the status leaves *_IN_PROGRESS. */
async function settledStatus(cfn: CloudFormationClient, stackName: string): Promise<{ status: string; reason: string }> {
  const deadline = Date.now() + WAIT_LIMIT_MS;
  for (;;) {
    const { Stacks } = await cfn.send(new DescribeStacksCommand({ StackName: stackName }));
    const status = Stacks?.[0]?.StackStatus ?? 'MISSING';
    if (!status.endsWith('_IN_PROGRESS') || Date.now() > deadline) {
      return { status, reason: [Stacks?.[0]?.StackStatusReason, ...(await failedResources(cfn, stackName))].filter(Boolean).join('\n') };
    }
    await sleep(250);
  }
}

async function failedResources(cfn: CloudFormationClient, stackName: string): Promise<string[]> {
  const { StackEvents } = await cfn.send(new DescribeStackEventsCommand({ StackName: stackName }));
  return (StackEvents ?? [])
    .filter((event) => event.ResourceStatus?.endsWith('_FAILED'))
    .map((event) => `${event.LogicalResourceId} ${event.ResourceStatus}: ${event.ResourceStatusReason}`);
}
