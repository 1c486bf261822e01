/**
 * Lambda entry point of governance: CloudTrail changes to pipelines and projects, the daily audit and
 * the freeze tick (schedule inputs), and published package versions. Invoked asynchronously by
 * EventBridge: a thrown error is retried, then lands in the dead-letter queue with the event. In
 * organization mode it also answers the steps of the sweep state machine (places, place, report).
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { CORRELATION_PATHS, createLogger } from '../platform/logger';
import { createMetrics, type EmfMetrics, flushMetrics } from '../platform/metrics';
import { onFirstUse } from '../platform/on-first-use';
import type { GovernanceDeps } from './app/deps';
import { runGovernance } from './app/run';
import { isSweepPayload, runSweepStep } from './app/sweep';
import { eventPlace, governanceTrigger } from './domain/trigger';
import { buildGovernanceDeps } from './wiring';

export function createGovernanceHandler(
  factory: (logger: Logger) => Promise<GovernanceDeps>,
  logger = createLogger(),
  metrics: EmfMetrics = createMetrics({ warnings: logger }),
) {
  const deps = onFirstUse(() => factory(logger));
  return middy(async (raw: unknown) => {
    // Organization mode: a step of the sweep state machine (statemachines/governance-sweep.asl.yaml).
    if (isSweepPayload(raw)) return runSweepStep(raw, await deps());
    const trigger = governanceTrigger(raw);
    const place = eventPlace(raw);
    const result = place ? await runGovernance(trigger, await deps(), place) : await runGovernance(trigger, await deps());
    logger.info('governance run', { trigger: trigger.kind, summary: result.summary });
    // Transition changes only (disable, enable, release, forget): four values, a low-cardinality dimension.
    // One datum per kind, not per stage: a daily audit of 1,000 pipelines may change many.
    const counts = new Map<string, number>();
    for (const { action } of result.actions ?? []) counts.set(action, (counts.get(action) ?? 0) + 1);
    for (const [action, value] of counts) metrics.add({ name: 'Actions', unit: 'Count', value, dimensions: { action: `transition-${action}` } });
    return { summary: result.summary };
  })
    .use(injectLambdaContext(logger, { correlationIdPath: CORRELATION_PATHS.eventBridge }))
    .use(flushMetrics(metrics));
}

export const handler = createGovernanceHandler((logger) => buildGovernanceDeps(logger));
