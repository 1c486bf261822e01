/**
 * An organization for the governance sweep: one governance world per account and region
 * (functions/governance/world.ts), the sweep state machine (statemachines/governance-sweep.asl.yaml)
 * executed locally with the real governance code answering its three tasks, recording Slack and email.
 * Used by test/statemachines/governance-sweep.test.ts and bench/governance-sweep.ts.
 */
import type { GovernanceDeps } from '../../functions/governance/app/deps';
import { runSweepStep } from '../../functions/governance/app/sweep';
import type { PipelineDefinition } from '../../functions/governance/domain/definitions';
import { createMemoryDoneRecords, createMemorySweepResults, createOrganizationWorld } from '../../functions/governance/world';
import type { Place } from '../../functions/kernel/ports';
import { createRecorder, type RecordedCall } from '../../functions/platform/recording';
import { createVirtualClock } from '../../tools/step-functions/clock';
import { type LocalRunResult, runLocal } from '../../tools/step-functions/local-sfn';

export const SWEEP_ASL = 'statemachines/governance-sweep.asl.yaml';

export interface SweepOrganization {
  readonly config: GovernanceDeps['config'];
  readonly policy: GovernanceDeps['policy'];
  /** Each place's pipelines. */
  readonly places: readonly (readonly [Place, readonly PipelineDefinition[]])[];
  /** Accounts whose actor role refuses (no member stack there). */
  readonly refused?: readonly string[];
  readonly now: string;
}

export function sweepOrganization(options: SweepOrganization) {
  const now = new Date(options.now);
  const calls: RecordedCall[] = [];
  const recorder = createRecorder({});
  const org = createOrganizationWorld({
    places: options.places.map(([place, pipelines]) => [place, { pipelines: pipelines.map((p) => [p.name, p] as const) }] as const),
    ...(options.refused ? { refused: options.refused } : {}),
    now: () => now,
    calls,
  });
  const sweeps = createMemorySweepResults();
  const home = org.at({ account: '999999999999', region: 'eu-west-1' });
  const deps: GovernanceDeps = {
    config: options.config,
    policy: options.policy,
    customRules: [],
    ...home,
    done: createMemoryDoneRecords(() => now),
    slack: recorder.slack,
    email: recorder.email,
    defaultTopicArn: 'arn:aws:sns:eu-west-1:999999999999:warden',
    now: () => now,
    logger: { info: () => undefined, warn: () => undefined },
    at: org.at,
    places: org.placesPort,
    sweeps,
  };
  /** The Place tasks in flight now, and the most there ever were. */
  const concurrency = { now: 0, max: 0 };
  const step = async ({ Payload }: { Payload: unknown }) => ({ Payload: await runSweepStep(Payload, deps) });
  const place = async (input: { Payload: unknown }) => {
    concurrency.now++;
    concurrency.max = Math.max(concurrency.max, concurrency.now);
    try {
      // A task's answer comes back later than it was asked: items overlap as they do in AWS.
      await new Promise((resolve) => setTimeout(resolve, 1));
      return await step(input);
    } finally {
      concurrency.now--;
    }
  };
  return {
    deps,
    org,
    calls,
    recorder,
    sweeps,
    concurrency,
    /** One execution of the sweep, as the schedule starts it (`{"warden":"audit","id":…}` or `{"warden":"tick"}`). */
    run(input: unknown, executionName = 'sweep-1'): Promise<LocalRunResult> {
      return runLocal({
        definition: SWEEP_ASL,
        input,
        clock: createVirtualClock(now),
        handlers: { Places: step, Place: place, Report: step },
        executionName,
      });
    },
    slackPosts: () => recorder.calls.filter((c) => c.call === 'slack.chat.postMessage'),
  };
}

/** `accounts` × `regions`, accounts numbered from 111111111111. */
export function grid(accounts: number, regions: readonly string[]): Place[] {
  return Array.from({ length: accounts }, (_, i) => String(111_111_111_111 + i)).flatMap((account) => regions.map((region) => ({ account, region })));
}
