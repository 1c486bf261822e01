/**
 * The rollbackStart Lambda with its real wiring (buildStarterDeps: the config as the bundle embeds
 * it, Step Functions mocked): one execution per guarded target, named so a duplicate starts nothing.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { ExecutionAlreadyExists, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../functions/kernel/config/parse';
import { EventRejectedError } from '../../functions/kernel/errors';
import { createRollbackStartHandler } from '../../functions/rollback/handlers/start';
import { buildStarterDeps } from '../../functions/rollback/wiring';
import { lambdaContext } from '../support/slack-requests';

const sfn = mockClient(SFNClient);
const MACHINE = 'arn:aws:states:eu-west-1:123456789012:stateMachine:pipeline-warden-test-rollback';
const alarm = (file: string) => JSON.parse(readFileSync(`events/samples/${file}`, 'utf8')) as Record<string, any>;
const handler = () => createRollbackStartHandler(buildStarterDeps, new Logger({ logLevel: 'SILENT' }));

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

describe('rollbackStart handler', () => {
  beforeEach(() => sfn.reset());

  it('starts one execution for the guarded target, named after alarm, target and state-change time; a duplicate starts nothing', async () => {
    sfn
      .on(StartExecutionCommand)
      .resolvesOnce({ executionArn: `${MACHINE}:x`, startDate: new Date() })
      .rejectsOnce(new ExecutionAlreadyExists({ message: 'exists', $metadata: {} }));
    const event = alarm('06-rollback-pipeline/04-alarm-5xx.json');
    const first = await handler()(event, lambdaContext());
    const second = await handler()(event, lambdaContext());
    const name = 'web-frontend-5xx_pipeline-web-frontend-Deploy_2026-11-23T13-16-00-00_0hf67pq7rjt';
    expect(first).toEqual({ started: [{ target: 'pipeline/web-frontend/Deploy', name, outcome: 'started' }] });
    expect(second).toEqual({ started: [{ target: 'pipeline/web-frontend/Deploy', name, outcome: 'duplicate' }] });
    const input = JSON.parse(sfn.commandCalls(StartExecutionCommand)[0]!.args[0].input.input ?? '{}');
    expect(input).toMatchObject({
      guard: 'web-frontend-release',
      target: { kind: 'pipeline', pipeline: 'web-frontend', stage: 'Deploy' },
      alarm: { name: 'web-frontend-5xx', time: '2026-11-23T13:16:00.000Z' },
    });
    expect(sfn).toHaveReceivedCommandWith(StartExecutionCommand, { stateMachineArn: MACHINE, name });
  });

  it('an alarm no guard names, or one that went to OK, starts nothing', async () => {
    const other = alarm('06-rollback-pipeline/04-alarm-5xx.json');
    other['detail'].alarmName = 'billing-estimate';
    expect(await handler()(other, lambdaContext())).toEqual({ started: [] });
    expect(await handler()(alarm('06-rollback-pipeline/05-alarm-5xx-ok.json'), lambdaContext())).toEqual({ started: [] });
    expect(sfn).not.toHaveReceivedCommand(StartExecutionCommand);
  });

  it('an unreadable event is rejected (Lambda retries, then the dead-letter queue keeps it)', async () => {
    await expect(handler()({ 'detail-type': 'CloudWatch Alarm State Change', detail: {} }, lambdaContext())).rejects.toBeInstanceOf(EventRejectedError);
  });
});
