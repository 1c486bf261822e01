/**
 * One record at a time, as `warden replay` runs events (the Lambda merges a batch per run:
 * process-batch.ts): a good event goes through the hot path; an event we cannot read goes straight
 * to the dead-letter queue with its problems (no retry can fix it) and a structured log line.
 * Anything else is rethrown, so SQS retries the record and, past its retries, dead-letters it.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { EventRejectedError, PermanentError } from '../../kernel/errors';
import type { DeadLetterPort } from '../../kernel/ports';
import type { NotifyResult } from './notify-event';

/** Powertools' Logger in Lambda; a silent stand-in in replay. */
export type RecordLogger = Pick<Logger, 'debug' | 'info' | 'error' | 'setCorrelationId'>;

export interface RecordDeps {
  readonly deadLetter: DeadLetterPort;
  readonly logger: RecordLogger;
  /** The hot path for one event. */
  readonly notify: (event: unknown) => Promise<NotifyResult>;
}

export type RecordResult = NotifyResult | 'rejected';

/** @example await processRecord(record.body, deps) // 'delivered' | 'unchanged' | 'parked' | 'rejected' */
export async function processRecord(body: string, deps: RecordDeps): Promise<RecordResult> {
  let event: unknown;
  try {
    event = JSON.parse(body);
    const { eventId } = describeEvent(event);
    // Every line about this record carries the EventBridge event id, to follow it across retries.
    if (typeof eventId === 'string') deps.logger.setCorrelationId(eventId);
    deps.logger.debug('event received', { event });
    const result = await deps.notify(event);
    deps.logger.info('event processed', { result, ...describeEvent(event) });
    return result;
  } catch (error) {
    if (!asRejected(error)) throw error;
    await rejectRecord(body, event, error, deps);
    return 'rejected';
  }
}

/** An event we cannot read: a structured log line, and the record to the dead-letter queue with its problems. */
export async function rejectRecord(body: string, event: unknown, error: unknown, deps: Pick<RecordDeps, 'deadLetter' | 'logger'>): Promise<void> {
  const rejected = asRejected(error);
  if (!rejected) throw error;
  deps.logger.error('event rejected', { ...describeEvent(event), errorName: rejected.name, problems: [...rejected.problems] });
  await deps.deadLetter.send({ body, errorName: rejected.name, problems: rejected.problems });
}

export function asRejected(error: unknown): EventRejectedError | (PermanentError & { problems: readonly string[] }) | undefined {
  if (error instanceof SyntaxError) return new EventRejectedError([`body: not JSON (${error.message})`], { cause: error });
  if (error instanceof EventRejectedError) return error;
  if (error instanceof PermanentError) return Object.assign(error, { problems: [error.message] });
  return undefined;
}

/** Fields that identify an event in logs; never the raw event (that is DEBUG only). */
export function describeEvent(event: unknown): Record<string, unknown> {
  if (typeof event !== 'object' || event === null) return {};
  const e = event as Record<string, unknown>;
  return { eventId: e['id'], detailType: e['detail-type'], source: e['source'] };
}
