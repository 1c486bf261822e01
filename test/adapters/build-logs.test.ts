import {
  AccessDeniedException,
  CloudWatchLogsClient,
  GetLogEventsCommand,
  ResourceNotFoundException,
  ThrottlingException,
} from '@aws-sdk/client-cloudwatch-logs';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it } from 'vitest';
import { PermanentError, RetryableError } from '../../functions/kernel/errors';
import { cleanLine, createBuildLogsPort } from '../../functions/notify/aws/build-logs';

const cwl = mockClient(CloudWatchLogsClient);
const logs = createBuildLogsPort(new CloudWatchLogsClient({}));
const REF = { group: '/aws/codebuild/app', stream: 'b938328a-1c5e-4f3b-9d7a-2f4c1e0d9a11', lines: 3 };

const event = (timestamp: number, message: string) => ({ timestamp, message, ingestionTime: timestamp + 5 });

beforeEach(() => cwl.reset());

describe('createBuildLogsPort', () => {
  it('asks for the newest events of the stream and returns the last lines oldest first, cleaned', async () => {
    cwl.on(GetLogEventsCommand).resolves({
      events: [
        event(1, '[Container] 2024/05/01 Running command npm test\n'),
        event(2, '\u001b[31mFAIL\u001b[39m src/app.test.ts\n'),
        event(3, '  \u001b[1m● adds\u001b[22m\r\n'),
        event(4, '[Container] Command did not exit successfully npm test exit status 1\n'),
      ],
      nextBackwardToken: 'b/1',
      nextForwardToken: 'f/4',
    });

    const tail = await logs.tail(REF);

    expect(cwl).toHaveReceivedCommandExactlyOnceWith(GetLogEventsCommand, {
      logGroupName: REF.group,
      logStreamName: REF.stream,
      startFromHead: false,
      limit: 3,
    });
    expect(tail).toEqual(['FAIL src/app.test.ts', '  ● adds', '[Container] Command did not exit successfully npm test exit status 1']);
  });

  it('puts events in time order even when a page arrives newest first', async () => {
    cwl.on(GetLogEventsCommand).resolves({ events: [event(30, 'third'), event(10, 'first'), event(20, 'second')] });

    expect(await logs.tail({ ...REF, lines: 2 })).toEqual(['second', 'third']);
  });

  it('returns [] when the log group or stream does not exist (logs disabled, expired)', async () => {
    cwl
      .on(GetLogEventsCommand)
      .rejects(new ResourceNotFoundException({ message: 'The specified log stream does not exist.', $metadata: { httpStatusCode: 400 } }));

    expect(await logs.tail(REF)).toEqual([]);
  });

  it('returns [] for an empty stream and for lines < 1, without asking for 0 events', async () => {
    cwl.on(GetLogEventsCommand).resolves({});

    expect(await logs.tail(REF)).toEqual([]);
    expect(await logs.tail({ ...REF, lines: 0 })).toEqual([]);
    expect(cwl).toHaveReceivedCommandTimes(GetLogEventsCommand, 1);
  });

  it('caps limit at the 10 000 the API accepts', async () => {
    cwl.on(GetLogEventsCommand).resolves({ events: [] });
    await logs.tail({ ...REF, lines: 50_000 });

    expect(cwl).toHaveReceivedCommandWith(GetLogEventsCommand, { limit: 10_000 });
  });

  it('throws a RetryableError on throttling and a PermanentError on a missing permission, with the cause', async () => {
    const throttled = new ThrottlingException({ message: 'Rate exceeded', $metadata: { httpStatusCode: 400 } });
    const denied = new AccessDeniedException({ message: 'not authorized to perform logs:GetLogEvents', $metadata: { httpStatusCode: 400 } });
    cwl.on(GetLogEventsCommand).rejectsOnce(throttled).rejectsOnce(denied);

    const first = await logs.tail(REF).catch((e: unknown) => e);
    const second = await logs.tail(REF).catch((e: unknown) => e);

    expect(first).toBeInstanceOf(RetryableError);
    expect((first as Error).cause).toBe(throttled);
    expect(second).toBeInstanceOf(PermanentError);
    expect((second as Error).message).toContain('AccessDeniedException');
    expect((second as Error).message).toContain(REF.group);
  });
});

describe('cleanLine', () => {
  it.each([
    ['strips colour codes', '\u001b[1;31merror\u001b[0m: boom', 'error: boom'],
    ['strips cursor and erase sequences', '\u001b[2K\u001b[1Gprogress 100%', 'progress 100%'],
    ['strips OSC hyperlinks, keeping their text', '\u001b]8;;https://x.test\u0007link\u001b]8;;\u0007', 'link'],
    ['trims trailing newlines only', '  indented\r\n\n', '  indented'],
    ['keeps a line of exactly 300 characters', 'a'.repeat(300), 'a'.repeat(300)],
    ['cuts a longer line to 300 characters with an ellipsis', 'b'.repeat(5000), `${'b'.repeat(299)}…`],
  ])('%s', (_label, input, expected) => {
    expect(cleanLine(input)).toBe(expected);
  });

  it('measures length after stripping colour codes', () => {
    const colored = `\u001b[32m${'c'.repeat(300)}\u001b[0m`;
    expect(cleanLine(colored)).toBe('c'.repeat(300));
  });
});
