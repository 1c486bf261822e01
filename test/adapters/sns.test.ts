import {
  AuthorizationErrorException,
  InternalErrorException,
  InvalidParameterException,
  KMSThrottlingException,
  NotFoundException,
  PublishCommand,
  SNSClient,
  ThrottledException,
} from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it } from 'vitest';
import { DeliveryError, PermanentError } from '../../functions/kernel/errors';
import { isTransientAwsError } from '../../functions/platform/aws-errors';
import { createEmailPort, snsSubject } from '../../functions/platform/sns';

const sns = mockClient(SNSClient);
const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:pipeline-warden';
const email = createEmailPort(new SNSClient({}));

beforeEach(() => {
  sns.reset();
  sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
});

describe('createEmailPort', () => {
  it('publishes subject and body to the topic', async () => {
    await email.publish({ topicArn: TOPIC, subject: '[pipeline-warden] app failed (b938328a)', body: 'Stage Deploy failed.\n' });

    expect(sns).toHaveReceivedCommandExactlyOnceWith(PublishCommand, {
      TopicArn: TOPIC,
      Subject: '[pipeline-warden] app failed (b938328a)',
      Message: 'Stage Deploy failed.\n',
    });
  });

  it('sends a subject SNS accepts even when given one it would reject', async () => {
    await email.publish({ topicArn: TOPIC, subject: `build\r\nfailed\t${'x'.repeat(200)}`, body: 'b' });

    const subject = sns.commandCalls(PublishCommand)[0]?.args[0].input.Subject ?? '';
    expect(subject.startsWith('build failed xxx')).toBe(true);
    expect(Array.from(subject)).toHaveLength(100);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: asserting no control character is left
    expect(subject).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
  });

  it.each([
    ['ThrottledException', new ThrottledException({ message: 'Rate exceeded', $metadata: { httpStatusCode: 400 } })],
    ['KMSThrottlingException', new KMSThrottlingException({ message: 'slow down', $metadata: { httpStatusCode: 400 } })],
    ['InternalErrorException', new InternalErrorException({ message: 'oops', $metadata: { httpStatusCode: 500 } })],
    ['a 503 of any name', Object.assign(new Error('unavailable'), { name: 'Unknown', $metadata: { httpStatusCode: 503 } })],
    ['a 429 of any name', Object.assign(new Error('slow down'), { name: 'Unknown', $metadata: { httpStatusCode: 429 } })],
    ['a server fault without a status', Object.assign(new Error('odd'), { name: 'Unknown', $fault: 'server', $metadata: {} })],
    ['a network error (no answer)', Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })],
  ])('throws DeliveryError (retryable) for %s, keeping the cause', async (_label, cause) => {
    sns.on(PublishCommand).rejects(cause);
    const error = await email.publish({ topicArn: TOPIC, subject: 's', body: 'b' }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(DeliveryError);
    expect((error as Error).message).toContain(TOPIC);
    expect((error as Error).cause).toBe(cause);
  });

  it.each([
    ['AuthorizationErrorException', new AuthorizationErrorException({ message: 'not authorized to publish', $metadata: { httpStatusCode: 403 } })],
    ['NotFoundException', new NotFoundException({ message: 'Topic does not exist', $metadata: { httpStatusCode: 404 } })],
    ['InvalidParameterException', new InvalidParameterException({ message: 'Invalid parameter: Subject', $metadata: { httpStatusCode: 400 } })],
  ])('throws PermanentError for %s: no retry can fix it', async (name, cause) => {
    sns.on(PublishCommand).rejects(cause);
    const error = await email.publish({ topicArn: TOPIC, subject: 's', body: 'b' }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(PermanentError);
    expect((error as Error).message).toContain(name);
    expect((error as Error).cause).toBe(cause);
  });
});

describe('snsSubject', () => {
  it.each([
    ['keeps a valid subject', 'app failed', 'app failed'],
    ['turns line breaks and tabs into single spaces', 'a\r\n\tb', 'a b'],
    ['drops other control characters', 'bell\u0007 and\u001b esc\u0085', 'bell and esc'],
    ['trims edges SNS would reject', '  \n app \n', 'app'],
    ['never sends an empty subject', '\n\t ', 'pipeline-warden notification'],
    ['keeps exactly 100 characters', 'y'.repeat(100), 'y'.repeat(100)],
    ['clips 101 to 100 with an ellipsis', 'z'.repeat(101), `${'z'.repeat(99)}…`],
  ])('%s', (_label, input, expected) => {
    expect(snsSubject(input)).toBe(expected);
  });

  it('does not split an emoji at the cut', () => {
    const subject = snsSubject(`${'a'.repeat(98)}🚀🚀🚀`);
    expect(subject).toBe(`${'a'.repeat(98)}🚀…`);
  });
});

describe('isTransientAwsError', () => {
  it('is false for a client-fault answer without throttling', () => {
    expect(
      isTransientAwsError(Object.assign(new Error('denied'), { name: 'AccessDeniedException', $fault: 'client', $metadata: { httpStatusCode: 403 } })),
    ).toBe(false);
  });

  it('honours the SDK’s $retryable flag on an otherwise unknown 400', () => {
    expect(isTransientAwsError(Object.assign(new Error('x'), { name: 'Odd', $retryable: { throttling: true }, $metadata: { httpStatusCode: 400 } }))).toBe(
      true,
    );
  });
});
