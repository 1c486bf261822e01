import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DeliveryError, PermanentError } from '../../functions/kernel/errors';
import { createEphemeralPort } from '../../functions/slack-actions/aws/ephemeral';
import { type SlackServer, startSlackServer } from '../support/slack-server';

let slack: SlackServer;
beforeAll(async () => {
  slack = await startSlackServer();
});
beforeEach(() => slack.reset());
afterAll(() => slack?.close());

describe('createEphemeralPort (chat.postEphemeral)', () => {
  it('posts to one user, in the thread, with the bot token read once on first use', async () => {
    let reads = 0;
    const port = createEphemeralPort({
      token: async () => {
        reads += 1;
        return 'xoxb-test-token';
      },
      slackApiUrl: slack.url,
    });
    expect(reads).toBe(0);

    await port.post({ channel: 'C0TEAM0001', user: 'U0APPROVER', text: 'Only approvers may decide.', threadTs: '1700000000.000100' });
    await port.post({ channel: 'C0TEAM0001', user: 'U0APPROVER', text: 'again' });

    expect(reads).toBe(1);
    expect(slack.requests.map((r) => [r.method, r.token, r.status, r.error])).toEqual([
      ['chat.postEphemeral', 'xoxb-test-token', 200, undefined],
      ['chat.postEphemeral', 'xoxb-test-token', 200, undefined],
    ]);
    expect(slack.requests[0]!.body).toMatchObject({
      channel: 'C0TEAM0001',
      user: 'U0APPROVER',
      text: 'Only approvers may decide.',
      thread_ts: '1700000000.000100',
    });
    expect(slack.requests[1]!.body).not.toHaveProperty('thread_ts');
    // Ephemeral messages are not part of the channel's history.
    expect(slack.messages()).toEqual([]);
  });

  it('makes one attempt only: Slack waits for the click to be answered', async () => {
    const port = createEphemeralPort({ token: async () => 'xoxb-test-token', slackApiUrl: slack.url });
    slack.failNext(1, { kind: 'http', status: 503 });

    await expect(port.post({ channel: 'C0TEAM0001', user: 'U1', text: 'x' })).rejects.toBeInstanceOf(DeliveryError);
    expect(slack.requests).toHaveLength(1);
  });

  it('turns a Slack platform error into a PermanentError naming it', async () => {
    const port = createEphemeralPort({ token: async () => 'xoxb-test-token', slackApiUrl: slack.url });
    slack.failNext(1, { kind: 'error', error: 'user_not_in_channel' });

    await expect(port.post({ channel: 'C0TEAM0001', user: 'U1', text: 'x' })).rejects.toThrow(
      new PermanentError('Slack chat.postEphemeral to channel C0TEAM0001 failed: user_not_in_channel'),
    );
  });

  it('reads the token again after a failed read', async () => {
    let reads = 0;
    const port = createEphemeralPort({
      token: async () => {
        reads += 1;
        if (reads === 1) throw new Error('SSM down');
        return 'xoxb-test-token';
      },
      slackApiUrl: slack.url,
    });

    await expect(port.post({ channel: 'C0TEAM0001', user: 'U1', text: 'x' })).rejects.toThrow('SSM down');
    await port.post({ channel: 'C0TEAM0001', user: 'U1', text: 'x' });
    expect(reads).toBe(2);
  });
});
