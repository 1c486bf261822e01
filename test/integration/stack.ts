/**
 * What the integration tests share: the deployed stack's facts (from the global setup), SDK clients
 * on moto, and the stack's logical id → physical id map (what `Ref` resolved to in moto).
 */
import { CloudFormationClient, ListStackResourcesCommand, type StackResourceSummary } from '@aws-sdk/client-cloudformation';
import { inject } from 'vitest';
import { awsClientConfig } from '../support/moto';
import type { DeployedStack } from './global-setup';

export const ACCOUNT = '123456789012';
export const REGION = 'us-east-1';

/** The stack the global setup created (or failed to: see `status` and `reason`). */
export function deployed(): DeployedStack {
  const stack = inject('stack');
  if (stack === undefined) throw new Error('no deployed stack: run these tests with `npm run test:integration` (its global setup deploys it)');
  return stack;
}

/** Client settings for moto, for any `new XClient(…)`. */
export const onMoto = () => awsClientConfig(deployed().endpoint);

/** The stack's resources as moto lists them (logical id, physical id, type, status). */
export async function stackResources(): Promise<StackResourceSummary[]> {
  const cfn = new CloudFormationClient(onMoto());
  try {
    const out: StackResourceSummary[] = [];
    let NextToken: string | undefined;
    do {
      const page = await cfn.send(new ListStackResourcesCommand({ StackName: deployed().stackName, NextToken }));
      out.push(...(page.StackResourceSummaries ?? []));
      NextToken = page.NextToken;
    } while (NextToken);
    return out;
  } finally {
    cfn.destroy();
  }
}

/** Logical id → physical id (what `Ref` resolved to), for the resources moto gave one. */
export async function physicalIds(): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  for (const r of await stackResources()) if (r.LogicalResourceId && r.PhysicalResourceId) ids.set(r.LogicalResourceId, r.PhysicalResourceId);
  return ids;
}

/** The physical id of `logicalId`; throws (naming it) when moto has none. */
export function physical(ids: ReadonlyMap<string, string>, logicalId: string): string {
  const id = ids.get(logicalId);
  if (id === undefined) throw new Error(`no physical resource for ${logicalId} in the stack`);
  return id;
}
