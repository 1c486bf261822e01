/** Replay says when a message it would send is one Slack refuses (tools/block-kit/validate.ts). */
import { describe, expect, it } from 'vitest';
import { refusedBySlack } from '../../cli/replay';

describe('replay and Slack’s limits', () => {
  it('reports a message Slack would refuse as an error of its event, with every problem', () => {
    const blocks = Array.from({ length: 51 }, () => ({ type: 'section', text: { type: 'mrkdwn', text: 'x' } }));
    const [error] = refusedBySlack({ call: 'slack.chat.postMessage', input: { channel: 'C0DEPLOYS01', text: 'x', blocks } });
    expect(error).toMatch(/^Slack would refuse chat\.postMessage to C0DEPLOYS01: invalid_blocks \(.*50/);
    expect(refusedBySlack({ call: 'slack.chat.update', input: { channel: 'C0DEPLOYS01', text: 'x', blocks: blocks.slice(0, 50) } })).toEqual([]);
    expect(refusedBySlack({ call: 'sns.publish', input: {} })).toEqual([]);
  });
});
