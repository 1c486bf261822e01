/**
 * `warden replay` records, instead of sending, every write the deployed stack makes. A record is
 * only worth reading if it is the request the real adapter sends: for the same port calls, each
 * real adapter's request (as Slack's server or the AWS SDK sees it) must equal the recorded one.
 *
 * Only what cannot be equal by nature is normalised, each at one place below: a Slack `ts` is
 * invented by whoever answers the post (the local server, or replay's own sequence); a form body
 * carries only strings (`unfurl_links=false`); the bot token travels in a header, never among the
 * parameters; replay has no deployed dead-letter queue, so it names the queue by a placeholder.
 */

import { SFNClient, StartExecutionCommand, StopExecutionCommand } from '@aws-sdk/client-sfn';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createLocalMachines, replayStateMachineArn } from '../../cli/local-machines';
import type { DeadLetterPort, EmailPort, ExecutionsPort, SlackPort } from '../../functions/kernel/ports';
import { createDeadLetterPort } from '../../functions/platform/dead-letter';
import { createExecutionsPort } from '../../functions/platform/executions';
import { createRecorder, type RecordedCall } from '../../functions/platform/recording';
import { createSlackPort } from '../../functions/platform/slack';
import { createEmailPort } from '../../functions/platform/sns';
import { createScheduler } from '../../tools/step-functions/clock';
import { type SlackServer, startSlackServer } from '../support/slack-server';

/** A recorded or sent request, without the recorder's attribution (`event`, `at`). */
interface Request {
  readonly call: string;
  readonly input: Readonly<Record<string, unknown>>;
}

const recorded = (calls: readonly RecordedCall[]): Request[] => calls.map(({ call, input }) => ({ call, input }));

const BLOCKS = [
  { type: 'header', text: { type: 'plain_text', text: 'payments-api' } },
  { type: 'section', text: { type: 'mrkdwn', text: '*Deploy* failed: `exit 1` · <https://example.com/a?b=1&c=2|logs>' } },
  { type: 'actions', elements: [{ type: 'button', action_id: 'approve', value: '{"id":7}', text: { type: 'plain_text', text: 'Approve' } }] },
];

describe('the recording Slack adapter records what createSlackPort sends', () => {
  let slack: SlackServer;
  beforeAll(async () => {
    slack = await startSlackServer();
  });
  afterAll(() => slack.close());
  beforeEach(() => slack.reset());

  /** The port calls a run makes: a card, its update, thread replies (one broadcast), a card with blocks. Returns each post's ts. */
  const script = async (port: SlackPort): Promise<string[]> => {
    const card = await port.postMessage({ channel: 'C0PAYMENTS1', text: 'payments-api in progress' });
    await port.updateMessage({ channel: card.channel, ts: card.ts, text: 'payments-api failed', blocks: BLOCKS });
    const reply = await port.postMessage({ channel: card.channel, text: 'Build failed: exit 1', threadTs: card.ts });
    const approval = await port.postMessage({ channel: card.channel, text: 'Approval needed', blocks: BLOCKS, threadTs: card.ts, broadcast: true });
    // `broadcast` without a thread means nothing: neither adapter may send `reply_broadcast`.
    const other = await port.postMessage({ channel: 'C0WEBTEAM1', text: '[web] deploy #42 started', blocks: BLOCKS, broadcast: true });
    await port.updateMessage({ channel: other.channel, ts: other.ts, text: 'web deploy #42 succeeded' });
    await port.updateMessage({ channel: approval.channel, ts: approval.ts, text: 'Approved by <@U0APPROVER>', blocks: [] });
    // An empty thread ts is still a parameter: the client leaves out only undefined ones.
    const unthreaded = await port.postMessage({ channel: 'C0WEBTEAM1', text: 'web deploy #43 started', threadTs: '' });
    return [card.ts, reply.ts, approval.ts, other.ts, unthreaded.ts];
  };

  /**
   * The `ts` values each side invented, replaced by their order of issue: the server answers
   * `1700000000.000100`, replay `1700000000.000001`; what matters is that the same message is meant.
   */
  const withIssuedTs = (request: Request, issued: readonly string[]): Request => {
    const input = { ...request.input };
    for (const key of ['ts', 'thread_ts'] as const) {
      const at = issued.indexOf(String(input[key]));
      if (at >= 0) input[key] = `<ts #${at + 1}>`;
    }
    return { call: request.call, input };
  };

  /** A recorded input as Slack receives it: a JSON body (undefined values left out). */
  const onTheWire = (input: Readonly<Record<string, unknown>>): Record<string, unknown> => JSON.parse(JSON.stringify(input)) as Record<string, unknown>;

  it('for a card, its updates and its thread replies, parameter for parameter', async () => {
    const real = createSlackPort({ token: 'xoxb-parity-token', slackApiUrl: slack.url, retryConfig: { retries: 0 } });
    const realTs = await script(real);
    // The token is an Authorization header: it is not among the parameters, on either side.
    expect(slack.requests.every((r) => r.authorized && r.status === 200 && !('token' in r.body))).toBe(true);
    const sent = slack.requests.map((r) => withIssuedTs({ call: `slack.${r.method}`, input: r.body }, realTs));

    const rec = createRecorder({});
    const recTs = await script(rec.slack);
    const wouldSend = recorded(rec.calls).map((c) => withIssuedTs({ call: c.call, input: onTheWire(c.input) }, recTs));

    expect(sent).toHaveLength(8);
    expect(wouldSend).toEqual(sent);
  });
});

describe('the recording email adapter records what createEmailPort publishes', () => {
  const sns = mockClient(SNSClient);
  beforeEach(() => {
    sns.reset();
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
  });
  afterAll(() => sns.restore());

  const script = async (port: EmailPort) => {
    const topicArn = 'arn:aws:sns:eu-west-1:123456789012:pipeline-warden';
    await port.publish({ topicArn, subject: '[pipeline-warden] payments-api failed (6f2b1c1e)', body: 'Stage Deploy failed.\n' });
    // A subject SNS would reject (line breaks, control characters, too long) is made acceptable on both sides.
    await port.publish({ topicArn, subject: `build\r\nfailed\u0007 ${'é'.repeat(120)}`, body: '' });
  };

  it('topic, subject and message', async () => {
    await script(createEmailPort(new SNSClient({ region: 'eu-west-1' })));
    const sent = sns.commandCalls(PublishCommand).map((c) => ({ call: 'sns.publish', input: c.args[0].input }));

    const rec = createRecorder({});
    await script(rec.email);

    expect(sent).toHaveLength(2);
    expect(recorded(rec.calls)).toEqual(sent);
  });
});

describe('the replay executions (cli/local-machines) record what createExecutionsPort sends', () => {
  const sfn = mockClient(SFNClient);
  beforeEach(() => {
    sfn.reset();
    sfn.on(StartExecutionCommand).resolves({ executionArn: 'arn', startDate: new Date() });
    sfn.on(StopExecutionCommand).resolves({ stopDate: new Date() });
  });
  afterAll(() => sfn.restore());

  const stateMachineArn = replayStateMachineArn('approval');
  const name = 'approval_c3d2e1f0_Production_ApproveRelease';
  const executionArn = `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;

  const local = () => {
    const recorder = createRecorder({});
    const machines = createLocalMachines({ clock: createScheduler('2026-11-23T10:00:00Z'), recorder, currentEvent: () => 'parity' });
    // The approval timer with stub steps: it sleeps until it is stopped. What it does is not what
    // this test is about; replay records the request before it runs anything.
    machines.define(stateMachineArn, {
      definition: 'statemachines/approval.asl.yaml',
      handlers: { Prepare: () => ({ done: false, key: 'k', wakeAt: '2026-11-24T10:00:00Z' }), Tick: () => ({ done: true }), ReportFailure: () => ({}) },
    });
    return { recorder, machines };
  };

  const sentBy = (): Request[] =>
    sfn.calls().map((c) => {
      const command = c.args[0];
      if (command instanceof StartExecutionCommand) return { call: 'sfn.startExecution', input: { ...command.input } };
      if (command instanceof StopExecutionCommand) return { call: 'sfn.stopExecution', input: { ...command.input } };
      throw new Error(`unexpected Step Functions command ${command.constructor.name}`);
    });

  const startAndStop = async (port: ExecutionsPort, cause: string) => {
    const input = { pipeline: 'payments-api', approval: { token: 't-1', expires: '2026-11-24T10:00:00Z' }, reviewers: ['U0APPROVER'] };
    await port.start({ stateMachineArn, name, input });
    // The same cause again (a duplicate event): the same request, which Step Functions answers as a duplicate.
    await port.start({ stateMachineArn, name, input });
    await port.stop({ executionArn, cause });
  };

  it('start (the input as JSON text) and stop', async () => {
    await startAndStop(createExecutionsPort(new SFNClient({ region: 'us-east-1' })), 'approval approved (elsewhere)');
    const { recorder, machines } = local();
    await startAndStop(machines.port, 'approval approved (elsewhere)');
    await machines.finish();

    expect(sentBy()).toHaveLength(3);
    expect(recorded(recorder.calls)).toEqual(sentBy());
  });

  // Both cut the cause to the 32 768 characters StopExecution accepts (STOP_CAUSE_MAX).
  it('stop with a cause longer than Step Functions accepts', async () => {
    const cause = `rejected: ${'x'.repeat(40_000)}`;
    await startAndStop(createExecutionsPort(new SFNClient({ region: 'us-east-1' })), cause);
    const { recorder, machines } = local();
    await startAndStop(machines.port, cause);
    await machines.finish();

    expect(recorded(recorder.calls)).toEqual(sentBy());
  });
});

describe('the recording dead-letter adapter records what createDeadLetterPort sends', () => {
  const sqs = mockClient(SQSClient);
  beforeEach(() => {
    sqs.reset();
    sqs.on(SendMessageCommand).resolves({ MessageId: 'm-1' });
  });
  afterAll(() => sqs.restore());

  const QUEUE_URL = 'https://sqs.us-east-1.amazonaws.com/123456789012/pipeline-warden-dev-dead-letters';

  const script = async (port: DeadLetterPort) => {
    await port.send({ body: '{"id": "x",  "detail": {}}', errorName: 'EventRejectedError', problems: ['detail.pipeline: required', 'time: required'] });
    await port.send({ body: '{not json', errorName: 'EventRejectedError', problems: [] });
    await port.send({ body: '{}', errorName: 'PermanentError', problems: [`Slack chat.postMessage failed: ${'y'.repeat(1_100)}`] });
  };

  it('queue, body byte for byte, and the reason as message attributes', async () => {
    await script(createDeadLetterPort(new SQSClient({ region: 'us-east-1' }), QUEUE_URL));
    const sent = sqs.commandCalls(SendMessageCommand).map((c) => ({ call: 'sqs.sendMessage', input: c.args[0].input }));

    const rec = createRecorder({});
    await script(rec.deadLetter);
    // Replay has no deployed queue to name: the queue URL is the one parameter it cannot know.
    expect(rec.calls.map((c) => c.input['QueueUrl'])).toEqual(['dead-letter-queue', 'dead-letter-queue', 'dead-letter-queue']);
    const wouldSend = recorded(rec.calls).map((c) => ({ call: c.call, input: { ...c.input, QueueUrl: QUEUE_URL } }));

    expect(sent).toHaveLength(3);
    expect(wouldSend).toEqual(sent);
  });
});
