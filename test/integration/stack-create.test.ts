/**
 * The packaged stack creates in a local CloudFormation (moto), and moto skips only the resource
 * types listed here: a new type moto cannot model must be added on purpose, never silently.
 */
import { describe, expect, it } from 'vitest';
import { unsupportedResourceTypes } from '../support/moto';
import { deployed, stackResources } from './stack';

/** moto 5.2.1 creates nothing for these and still reports CREATE_COMPLETE; nothing about them is proven here. */
const UNSUPPORTED_BY_MOTO = [
  'AWS::ApiGatewayV2::Api',
  'AWS::ApiGatewayV2::Integration',
  'AWS::ApiGatewayV2::Route',
  'AWS::ApiGatewayV2::Stage',
  'AWS::CloudWatch::Alarm',
  'AWS::Lambda::EventInvokeConfig',
  'AWS::SQS::QueuePolicy',
  // The weekly digest's schedule (moto models the Scheduler API, not its CloudFormation resource).
  'AWS::Scheduler::Schedule',
];

describe('the packaged stack in moto', () => {
  it('reaches CREATE_COMPLETE', () => {
    const stack = deployed();
    const hint = `${stack.reason}\nmoto's stderr (end):\n${stack.motoStderr.slice(-4_000)}`;
    expect(stack.status, hint).toBe('CREATE_COMPLETE');
  });

  it('skips exactly the resource types moto has no CloudFormation support for', () => {
    expect(unsupportedResourceTypes(deployed().motoStderr)).toEqual(UNSUPPORTED_BY_MOTO);
  });

  it('creates every other resource of the template, but the deployment bucket', async () => {
    const { template } = deployed();
    const expected = Object.entries(template.Resources)
      .filter(([id, r]) => !UNSUPPORTED_BY_MOTO.includes(r.Type) && !id.startsWith('ServerlessDeploymentBucket'))
      .map(([id]) => id);
    // moto lists the skipped types without a logical id, and reports every resource it made complete.
    const created = (await stackResources()).filter((r) => r.LogicalResourceId && r.ResourceStatus === 'CREATE_COMPLETE');
    expect(created.map((r) => r.LogicalResourceId).sort()).toEqual(expected.sort());
  });
});
