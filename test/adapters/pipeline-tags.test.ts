import { CodePipelineClient, ListTagsForResourceCommand } from '@aws-sdk/client-codepipeline';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { PermanentError, RetryableError } from '../../functions/kernel/errors';
import { createPipelineTagsPort, TAGS_TTL_MS } from '../../functions/platform/pipeline-tags';

const codepipeline = mockClient(CodePipelineClient);
beforeEach(() => codepipeline.reset());
const place = { account: '111122223333', region: 'eu-west-1' };

describe("a pipeline's tags", () => {
  it('are read in its account and region, every page, and kept for 15 minutes', async () => {
    codepipeline
      .on(ListTagsForResourceCommand)
      .resolvesOnce({ tags: [{ key: 'team', value: 'payments' }], nextToken: 'p2' })
      .resolves({ tags: [{ key: 'env', value: 'prod' }] });
    let now = Date.parse('2026-12-02T10:00:00Z');
    const port = createPipelineTagsPort(new CodePipelineClient({ region: 'eu-west-1' }), { now: () => new Date(now) });
    expect(await port.pipelineTags({ place, pipeline: 'payments-api' })).toEqual({ team: 'payments', env: 'prod' });
    const inputs = codepipeline.commandCalls(ListTagsForResourceCommand).map((c) => c.args[0].input);
    expect(inputs).toMatchObject([
      { resourceArn: 'arn:aws:codepipeline:eu-west-1:111122223333:payments-api' },
      { resourceArn: 'arn:aws:codepipeline:eu-west-1:111122223333:payments-api', nextToken: 'p2' },
    ]);
    now += TAGS_TTL_MS - 1;
    await port.pipelineTags({ place, pipeline: 'payments-api' });
    expect(codepipeline.commandCalls(ListTagsForResourceCommand)).toHaveLength(2);
    now += 2;
    await port.pipelineTags({ place, pipeline: 'payments-api' });
    expect(codepipeline.commandCalls(ListTagsForResourceCommand)).toHaveLength(3);
  });

  it('of a pipeline deleted since its event are none', async () => {
    codepipeline
      .on(ListTagsForResourceCommand)
      .rejects(Object.assign(new Error('gone'), { name: 'ResourceNotFoundException', $metadata: { httpStatusCode: 400 } }));
    expect(await createPipelineTagsPort(new CodePipelineClient({ region: 'eu-west-1' })).pipelineTags({ place, pipeline: 'gone' })).toEqual({});
  });

  it('a refusal is a permanent error: a route on tags must not silently match nothing', async () => {
    codepipeline
      .on(ListTagsForResourceCommand)
      .rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException', $metadata: { httpStatusCode: 400 } }));
    await expect(createPipelineTagsPort(new CodePipelineClient({ region: 'eu-west-1' })).pipelineTags({ place, pipeline: 'secret' })).rejects.toBeInstanceOf(
      PermanentError,
    );
  });

  it('a throttle is retryable and not cached: the next read asks again', async () => {
    codepipeline
      .on(ListTagsForResourceCommand)
      .rejectsOnce(Object.assign(new Error('slow'), { name: 'ThrottlingException', $metadata: { httpStatusCode: 400 } }))
      .resolves({ tags: [{ key: 'team', value: 'web' }] });
    const port = createPipelineTagsPort(new CodePipelineClient({ region: 'eu-west-1' }));
    await expect(port.pipelineTags({ place, pipeline: 'web' })).rejects.toBeInstanceOf(RetryableError);
    expect(await port.pipelineTags({ place, pipeline: 'web' })).toEqual({ team: 'web' });
  });
});
