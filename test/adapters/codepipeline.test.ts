import { CodePipelineClient, GetPipelineCommand } from '@aws-sdk/client-codepipeline';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { PermanentError, RetryableError } from '../../functions/kernel/errors';
import { createPipelinesPort } from '../../functions/platform/codepipeline';

const cp = mockClient(CodePipelineClient);
// The sample world's web-frontend definition, shaped as `aws codepipeline get-pipeline` prints it.
const world = JSON.parse(readFileSync(path.resolve(__dirname, '../../events/samples/samples.world.json'), 'utf8'));
const ref = { pipeline: 'web-frontend', stage: 'Deploy', action: 'Deploy', version: 3 };
const port = () => createPipelinesPort(new CodePipelineClient({ region: 'eu-west-1' }));

describe('pipelines port', () => {
  beforeEach(() => cp.reset());

  it('reads where a CodeDeploy action deploys, once per pipeline version', async () => {
    cp.on(GetPipelineCommand).resolves(world.pipelines['web-frontend']);
    const p = port();
    expect(await p.deployTarget(ref)).toEqual({ application: 'web-frontend', deploymentGroup: 'web-frontend-prod' });
    expect(await p.deployTarget(ref)).toEqual({ application: 'web-frontend', deploymentGroup: 'web-frontend-prod' });
    expect(await p.deployTarget({ ...ref, stage: 'Build', action: 'Build' })).toBeUndefined();
    expect(cp).toHaveReceivedCommandTimes(GetPipelineCommand, 1);
    expect(cp).toHaveReceivedCommandWith(GetPipelineCommand, { name: 'web-frontend', version: 3 });
  });

  it('answers undefined for a pipeline that is gone; sorts other failures', async () => {
    const failing = (name: string) => {
      cp.reset();
      cp.on(GetPipelineCommand).rejects(Object.assign(new Error(name), { name, $metadata: { httpStatusCode: 400 } }));
      return port().deployTarget(ref);
    };
    expect(await failing('PipelineNotFoundException')).toBeUndefined();
    await expect(failing('AccessDeniedException')).rejects.toBeInstanceOf(PermanentError);
    await expect(failing('ThrottlingException')).rejects.toBeInstanceOf(RetryableError);
  });
});
