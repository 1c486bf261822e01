/**
 * Lambda entry point for the approval rule: a manual approval action STARTED starts its timer; one
 * that ended outside Slack updates the card and stops the timer. Invoked asynchronously by
 * EventBridge: a thrown error is retried, then lands in the dead-letter queue with the event.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { ApprovalDeps } from '../app/deps';
import { onApprovalEvent } from '../app/events';
import { parseEvent } from '../../kernel/events/parse';
import { buildApprovalDeps } from '../wiring';
import { onFirstUse } from '../../shared/on-first-use';

export function createApprovalEventsHandler(factory: (logger: Logger) => Promise<ApprovalDeps>, logger = new Logger({ serviceName: 'pipeline-warden' })) {
  const deps = onFirstUse(() => factory(logger));
  return middy(async (raw: unknown) => {
    const event = parseEvent(raw);
    logger.appendKeys({ correlationId: event.id });
    const outcome = await onApprovalEvent(event, await deps());
    logger.info('approval event handled', { outcome, state: 'detail' in event ? (event.detail as { state?: string }).state : undefined });
    return { outcome };
  }).use(injectLambdaContext(logger));
}

export const handler = createApprovalEventsHandler((logger) => buildApprovalDeps(logger));
