/**
 * The actions the handlers count (README, "Metrics and dashboard"): a rollback started is one
 * `Actions` datum with `action: rollback-started`; a duplicate event starts nothing and counts nothing.
 * notify counts the records of each batch, those it rejected (dead-lettered) and those it hands back to SQS.
 */

import { readFileSync } from 'node:fs';
import { Logger } from '@aws-lambda-powertools/logger';
import { ExecutionAlreadyExists, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../functions/kernel/config/parse';
import { createHandler } from '../../functions/notify/handler';
import { recordingMetrics } from '../../functions/platform/metrics';
import { createRecorder } from '../../functions/platform/recording';
import { createRollbackStartHandler } from '../../functions/rollback/handlers/start';
import { buildStarterDeps } from '../../functions/rollback/wiring';
import { sampleWorld } from '../support/scenarios';
import { lambdaContext } from '../support/slack-requests';

const sfn = mockClient(SFNClient);
const MACHINE = 'arn:aws:states:eu-west-1:123456789012:stateMachine:pipeline-warden-test-rollback';

beforeAll(() => {
  const parsed = parseConfig(readFileSync('config/warden.yml', 'utf8'));
  if (!parsed.ok) throw new Error(parsed.problems.join('\n'));
  process.env['WARDEN_CONFIG_JSON'] = JSON.stringify(parsed.config);
  process.env['ROLLBACK_STATE_MACHINE_ARN'] = MACHINE;
});
afterAll(() => {
  delete process.env['WARDEN_CONFIG_JSON'];
  delete process.env['ROLLBACK_STATE_MACHINE_ARN'];
});

describe('handler metrics', () => {
  it('rollbackStart counts a started rollback once, and a duplicate not at all', async () => {
    sfn
      .on(StartExecutionCommand)
      .resolvesOnce({ executionArn: `${MACHINE}:x`, startDate: new Date() })
      .rejectsOnce(new ExecutionAlreadyExists({ message: 'exists', $metadata: {} }));
    const metrics = recordingMetrics();
    const handler = createRollbackStartHandler(buildStarterDeps, new Logger({ logLevel: 'SILENT' }), metrics);
    const event = JSON.parse(readFileSync('events/samples/06-rollback-pipeline/04-alarm-5xx.json', 'utf8'));
    await handler(event, lambdaContext());
    await handler(event, lambdaContext());
    expect(metrics.data).toEqual([{ name: 'Actions', unit: 'Count', value: 1, dimensions: { action: 'rollback-started' } }]);
  });

  it('notify counts processed, rejected and retried records of a batch', async () => {
    const recorder = createRecorder(sampleWorld());
    const metrics = recordingMetrics();
    // Unreadable bodies are rejected before anything else is read: the notify deps are never used.
    const slack = { postMessage: async () => ({ channel: 'C1', ts: '1' }), updateMessage: async () => 'updated' as const };
    const handler = createHandler(
      async () => ({ deadLetter: recorder.deadLetter, logger: new Logger({ logLevel: 'SILENT' }), notify: { slack } as never }),
      new Logger({ logLevel: 'SILENT' }),
      metrics,
    );
    const event = {
      Records: [
        { messageId: 'm-1', body: 'not json' },
        { messageId: 'm-2', body: '{"detail-type":"nothing we know"}' },
      ],
    };
    expect(await handler(event as never, lambdaContext())).toEqual({ batchItemFailures: [] });
    expect(metrics.total('EventsProcessed')).toBe(2);
    expect(metrics.total('EventsRejected')).toBe(2);
    expect(metrics.total('EventsRetried')).toBe(0);
  });
});
