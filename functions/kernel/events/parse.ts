import { EventRejectedError } from '../errors';
import { formatPath } from '../issues';
import { type AwsEvent, AwsEventSchema, DetailType } from './schemas';

const KNOWN: ReadonlySet<string> = new Set(Object.values(DetailType));

/**
 * Reads one raw EventBridge event. Extra fields are ignored; a missing or malformed required field
 * throws {@link EventRejectedError} listing every problem with its path.
 *
 * @example
 * parseEvent(JSON.parse(body)) // AwsEvent, or throws EventRejectedError(['detail.execution-id: required'])
 */
export function parseEvent(raw: unknown): AwsEvent {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new EventRejectedError(['event: must be a JSON object']);
  }
  const detailType = (raw as Record<string, unknown>)['detail-type'];
  if (typeof detailType !== 'string' || !KNOWN.has(detailType)) {
    throw new EventRejectedError([`detail-type: unsupported ${JSON.stringify(detailType ?? null)}`]);
  }
  // reportInput: a missing field ("required") is told from a wrong one by the issue's input.
  const result = AwsEventSchema.safeParse(raw, { reportInput: true });
  if (result.success) return result.data;
  throw new EventRejectedError(
    result.error.issues.map((issue) => {
      const message = issue.code === 'invalid_type' && issue.input === undefined ? 'required' : issue.message;
      return `${formatPath(issue.path) || 'event'}: ${message}`;
    }),
  );
}
