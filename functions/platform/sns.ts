/**
 * Email through an SNS topic. The client (and with it the SDK's own retries) is built by the
 * handler; this adapter shapes the request so SNS accepts it and sorts failures into retryable
 * and permanent ones.
 */
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import { DeliveryError } from '../kernel/errors';
import type { EmailPort } from '../kernel/ports';
import { classifyAwsError } from './aws-errors';

/** SNS answers `InvalidParameter` to a subject longer than this (it counts characters). */
const SUBJECT_MAX = 100;
/** Shown when nothing printable is left of the subject: SNS rejects an empty one. */
const SUBJECT_FALLBACK = 'pipeline-warden notification';

/**
 * @example
 * const email = createEmailPort(new SNSClient({}));
 * await email.publish({ topicArn: 'arn:aws:sns:eu-west-1:123456789012:ci', subject: 'app failed', body: '…' });
 */
export function createEmailPort(client: SNSClient): EmailPort {
  return {
    async publish(email) {
      const input = { TopicArn: email.topicArn, Subject: snsSubject(email.subject), Message: email.body };
      try {
        await client.send(new PublishCommand(input));
      } catch (error) {
        throw classifyAwsError(`SNS publish to ${email.topicArn}`, error, DeliveryError);
      }
    },
  };
}

/**
 * A subject SNS accepts: one line, no control characters, at most 100 characters. The renderer
 * already keeps to this; a subject built elsewhere (or a future template) must not cost an email.
 *
 * @example snsSubject('build\r\nfailed\u0007') // 'build failed'
 */
export function snsSubject(subject: string): string {
  // C0 and C1 control characters (line breaks included) become one space each run.
  const oneLine = subject
    // biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point
    .replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ')
    .replace(/ {2,}/g, ' ')
    .trim();
  if (oneLine === '') return SUBJECT_FALLBACK;
  // Count code points, not UTF-16 units, so an emoji is never cut in half.
  const chars = Array.from(oneLine);
  return chars.length <= SUBJECT_MAX
    ? oneLine
    : `${chars
        .slice(0, SUBJECT_MAX - 1)
        .join('')
        .trimEnd()}…`;
}
