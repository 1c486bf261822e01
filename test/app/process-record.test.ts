import { describe, expect, it, vi } from 'vitest';
import { DeliveryError, EventRejectedError } from '../../functions/kernel/errors';
import { processRecord, type RecordDeps } from '../../functions/notify/app/process-record';

function deps(notify: RecordDeps['notify']) {
  const logger = { debug: vi.fn(), info: vi.fn(), error: vi.fn(), setCorrelationId: vi.fn() };
  const deadLetter = { send: vi.fn(async () => undefined) };
  return { logger, deadLetter, deps: { logger, deadLetter, notify } as unknown as RecordDeps };
}

const body = JSON.stringify({ id: 'ev-1', 'detail-type': 'CodeBuild Build State Change', source: 'aws.codebuild', detail: {} });

describe('processRecord', () => {
  it('logs a rejected event as one structured line and dead-letters its exact body', async () => {
    const {
      logger,
      deadLetter,
      deps: d,
    } = deps(async () => {
      throw new EventRejectedError(['detail["build-id"]: required']);
    });
    expect(await processRecord(body, d)).toBe('rejected');
    expect(logger.setCorrelationId).toHaveBeenCalledWith('ev-1');
    expect(logger.error).toHaveBeenCalledWith('event rejected', {
      eventId: 'ev-1',
      detailType: 'CodeBuild Build State Change',
      source: 'aws.codebuild',
      errorName: 'EventRejectedError',
      problems: ['detail["build-id"]: required'],
    });
    expect(deadLetter.send).toHaveBeenCalledWith({ body, errorName: 'EventRejectedError', problems: ['detail["build-id"]: required'] });
  });

  it('keeps the raw event out of every level but DEBUG', async () => {
    const { logger, deps: d } = deps(async () => 'delivered');
    await processRecord(body, d);
    expect(logger.info).toHaveBeenCalledWith('event processed', {
      result: 'delivered',
      eventId: 'ev-1',
      detailType: 'CodeBuild Build State Change',
      source: 'aws.codebuild',
    });
    expect(JSON.stringify(logger.info.mock.calls)).not.toContain('"detail"');
    expect(logger.debug).toHaveBeenCalledWith('event received', { event: JSON.parse(body) });
  });

  it('rethrows a retryable failure so SQS retries the record, and dead-letters nothing', async () => {
    const { deadLetter, deps: d } = deps(async () => {
      throw new DeliveryError('Slack is down');
    });
    await expect(processRecord(body, d)).rejects.toBeInstanceOf(DeliveryError);
    expect(deadLetter.send).not.toHaveBeenCalled();
  });
});
