/**
 * One log key for correlation in every function (issue 11): Powertools' `correlation_id`, set by
 * injectLambdaContext from the EventBridge event id or the API Gateway request id, so one query
 * finds every line of an event or a request.
 */
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createGovernanceHandler } from '../../functions/governance/handler';
import { parseConfig } from '../../functions/kernel/config/parse';
import { dottedPath } from '../../functions/platform/logger';
import { createRollbackStartHandler } from '../../functions/rollback/handlers/start';
import { createHandler as createSlackActionsHandler } from '../../functions/slack-actions/handler';
import { httpApiEvent, lambdaContext } from '../support/slack-requests';

let lines: Array<Record<string, unknown>>;
const level = process.env['POWERTOOLS_LOG_LEVEL'];
beforeEach(() => {
  lines = [];
  // The suite silences Powertools (test/support/setup.ts); these tests read what it logs.
  process.env['POWERTOOLS_LOG_LEVEL'] = 'INFO';
  // Powertools writes one JSON document per line, errors to stderr.
  const capture = (chunk: string | Uint8Array) => {
    for (const line of String(chunk).split('\n').filter(Boolean)) {
      try {
        lines.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        // not a log line
      }
    }
    return true;
  };
  vi.spyOn(process.stdout, 'write').mockImplementation(capture);
  vi.spyOn(process.stderr, 'write').mockImplementation(capture);
});
afterEach(() => {
  vi.restoreAllMocks();
  process.env['POWERTOOLS_LOG_LEVEL'] = level;
});

const config = () => {
  const parsed = parseConfig(readFileSync('config/warden.yml', 'utf8'));
  if (!parsed.ok) throw new Error(parsed.problems.join('\n'));
  return parsed.config;
};
const alarmOk = () => JSON.parse(readFileSync('events/samples/06-rollback-pipeline/05-alarm-5xx-ok.json', 'utf8')) as { id: string };

describe('correlation ids', () => {
  it('an EventBridge-invoked function logs the event id as correlation_id', async () => {
    const event = alarmOk();
    const handler = createRollbackStartHandler(() => ({
      config: config(),
      glob: () => () => false,
      executions: { start: vi.fn(), stop: vi.fn() } as never,
      stateMachineArn: 'arn:x',
    }));
    await handler(event, lambdaContext());
    const line = lines.find((l) => l['message'] === 'rollback starter');
    expect(line).toMatchObject({ correlation_id: event.id, service: 'pipeline-warden' });
    expect(line).not.toHaveProperty('correlationId');
  });

  it('the governance function too, from its first line', async () => {
    const handlerWithLog = createGovernanceHandler(async (logger) => {
      logger.info('building governance deps');
      throw new Error('no deps here');
    });
    await expect(
      handlerWithLog({ id: 'evt-audit-2', source: 'aws.events', 'detail-type': 'Scheduled Event', detail: { warden: 'audit' } }, lambdaContext()),
    ).rejects.toThrow();
    expect(lines.find((l) => l['message'] === 'building governance deps')).toMatchObject({ correlation_id: 'evt-audit-2' });
  });

  it('the Slack endpoint logs the API Gateway request id as correlation_id', async () => {
    const handler = createSlackActionsHandler(async () => {
      throw new Error('signing secret unreadable');
    });
    const answer = await handler(httpApiEvent(Buffer.from('payload=%7B%7D'), {}, false), lambdaContext());
    expect(answer).toMatchObject({ statusCode: 500 });
    expect(lines.find((l) => l['message'] === 'slack actions: could not start')).toMatchObject({ correlation_id: 'req-1' });
  });

  it('resolves the dotted paths the handlers use', () => {
    expect(dottedPath('id', { id: 'e-1' })).toBe('e-1');
    expect(dottedPath('requestContext.requestId', { requestContext: { requestId: 'r-1' } })).toBe('r-1');
    expect(dottedPath('requestContext.requestId', { requestContext: null })).toBeUndefined();
    expect(dottedPath('id', 'not an object')).toBeUndefined();
  });
});
