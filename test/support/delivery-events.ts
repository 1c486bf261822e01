/**
 * CodePipeline events for the delivery-fact tests, cloned from the project's real fixtures
 * (events/insights/week, events/samples) and changed: one run's pipeline, stage and action state
 * changes in the documented shape, parsed and normalized as the notify Lambda does.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { emptyCard, merge } from '../../functions/kernel/card/merge';
import type { RunCard } from '../../functions/kernel/card/types';
import { normalize } from '../../functions/kernel/events/normalize';
import type { Observation } from '../../functions/kernel/events/observation';
import { parseEvent } from '../../functions/kernel/events/parse';

const EVENTS = path.resolve(__dirname, '../../events');
const template = (file: string): Record<string, unknown> => JSON.parse(readFileSync(path.join(EVENTS, file), 'utf8')) as Record<string, unknown>;

const PIPELINE = template('insights/week/001-payments-checkout-started.json');
const STAGE = template('insights/week/006-payments-checkout-production-started.json');
const ACTION = template('samples/02-pipeline-deploys/04-action-source-succeeded.json');

export const ACCOUNT = '123456789012';
export const REGION = 'eu-west-1';

/** `T('09:20')` is 2026-11-09T09:20:00.000Z; `T('09:20:30')` has seconds. */
export const T = (time: string): string => `2026-11-09T${time.length === 5 ? `${time}:00` : time}.000Z`;

export interface ActionSpec {
  readonly stage: string;
  readonly action: string;
  readonly state: string;
  readonly at: string;
  readonly category: string;
  readonly provider: string;
  readonly externalId?: string;
}

/**
 * Raw events of one execution of `pipeline`; times as `T` takes them. Each event has its own id
 * (its content), so a repeated event is the same event delivered again.
 *
 * @example const run = runOf('checkout', 'e1'); run.pipeline('STARTED', '09:00')
 */
export function runOf(pipeline: string, executionId: string) {
  const envelope = (from: Record<string, unknown>, id: string, at: string, detail: Record<string, unknown>) => {
    const event = structuredClone(from);
    return {
      ...event,
      id: `${executionId}-${id}`,
      account: ACCOUNT,
      region: REGION,
      time: T(at),
      resources: [`arn:aws:codepipeline:${REGION}:${ACCOUNT}:${pipeline}`],
      detail: { ...(event['detail'] as Record<string, unknown>), pipeline, 'execution-id': executionId, ...detail },
    };
  };
  return {
    pipeline: (state: string, at: string, trigger = 'CodeStarSourceConnection', startedAt = at) =>
      envelope(PIPELINE, `pipeline-${state}-${at}`, at, {
        state,
        'start-time': T(startedAt),
        'execution-trigger': { 'trigger-type': trigger, 'trigger-detail': 'arn:aws:sts::123456789012:assumed-role/Deployer/dana@example.com' },
      }),
    stage: (stage: string, state: string, at: string) => envelope(STAGE, `stage-${stage}-${state}-${at}`, at, { stage, state }),
    action: (a: ActionSpec) =>
      envelope(ACTION, `action-${a.stage}-${a.action}-${a.state}-${a.at}`, a.at, {
        stage: a.stage,
        action: a.action,
        state: a.state,
        region: REGION,
        type: { owner: 'AWS', provider: a.provider, category: a.category, version: '1' },
        'execution-result': a.externalId ? { 'external-execution-id': a.externalId } : {},
      }),
  };
}

/** What the notify Lambda makes of a raw event. */
export const observe = (raw: unknown): Observation[] => normalize(parseEvent(raw));

/** The card of the run these events are about, merged in the given order. */
export function cardOf(events: readonly unknown[]): RunCard {
  const observations = events.flatMap(observe);
  const first = observations[0];
  if (!first) throw new Error('cardOf: no events');
  return merge(emptyCard(first.run, first.subject), observations);
}
