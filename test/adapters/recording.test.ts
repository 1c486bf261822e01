import { describe, expect, it, vi } from 'vitest';
import { createRecorder } from '../../functions/platform/recording';

describe('recording adapters', () => {
  it('answer reads from the world file and record them under their API names', async () => {
    const rec = createRecorder({ logs: { '/aws/codebuild/app': { s1: ['a', 'b', 'c'] } } });
    expect(await rec.logs.tail({ group: '/aws/codebuild/app', stream: 's1', lines: 2 })).toEqual(['b', 'c']);
    expect(await rec.pipelines.deployTarget({ pipeline: 'unknown', stage: 'Deploy', action: 'Deploy' })).toBeUndefined();
    expect(rec.calls.map((c) => c.call)).toEqual(['logs.getLogEvents', 'codepipeline.getPipeline']);
  });

  it('with live reads (--aws) ask the account, still record, and never send a write', async () => {
    const live = {
      logs: { tail: vi.fn(async () => ['from aws']) },
      pipelines: { deployTarget: vi.fn(async () => ({ application: 'a', deploymentGroup: 'g' })) },
    };
    const rec = createRecorder({}, live);
    expect(await rec.logs.tail({ group: 'g', stream: 's', lines: 5 })).toEqual(['from aws']);
    expect(await rec.pipelines.deployTarget({ pipeline: 'p', stage: 'S', action: 'A', version: 3 })).toEqual({ application: 'a', deploymentGroup: 'g' });
    await rec.slack.postMessage({ channel: 'C0TEAM0001', text: 'hi' });
    await rec.email.publish({ topicArn: 'arn:aws:sns:us-east-1:123456789012:t', subject: 's\nwith a break', body: 'b' });
    expect(rec.calls.map((c) => c.call)).toEqual(['logs.getLogEvents', 'codepipeline.getPipeline', 'slack.chat.postMessage', 'sns.publish']);
    expect(rec.calls[3]?.input['Subject']).toBe('s with a break');
  });
});
