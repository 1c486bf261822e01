/**
 * Performs a delivery plan and records, on the card, exactly what went out, even when a later step
 * fails: a retry then sends only what is missing, never a second card or a second thread reply.
 */

import { absorb } from '../../kernel/card/merge';
import type { FactRecord, RunCard, SlackPlacement } from '../../kernel/card/types';
import { CardConflictError, SlackRateLimitedError } from '../../kernel/errors';
import type { BuildLogsPort, DeployDiagnosticsPort, Place } from '../../kernel/ports';
import { type Delivered, recordDelivery, releaseClaims } from '../domain/delivery';
import {
  type DeployDiagnosis,
  type DiagnosisRef,
  describeDeployment,
  describeService,
  describeStack,
  describeStackSet,
  diagnosisKey,
  diagnosisRefFor,
} from '../domain/deploy-diagnosis';
import { renderEmail } from '../domain/email';
import { logRefFor } from '../domain/logs';
import type { Plan } from '../domain/plan';
import { renderFailure } from '../domain/slack-thread';
import type { NotifyDeps } from './deps';

interface Progress {
  placements: Record<string, SlackPlacement>;
  threads: string[];
  emails: string[];
}

/** Part of a plan held back for Slack's budget: until when, and whether this worker schedules its redelivery. */
export interface Deferral {
  readonly until: Date;
  /** False when the card already awaits a redelivery that will carry this one too. */
  readonly schedule: boolean;
}

/**
 * @returns `deferred` when part of the plan waits for a redelivery (the budget held it back, or
 * Slack answered 429 and the whole fleet now holds that method back until its `Retry-After`).
 */
export async function deliver(
  plan: Plan,
  card: RunCard,
  version: number,
  deps: NotifyDeps,
  deferral?: Deferral,
  stored: (replaced?: RunCard) => void = () => undefined,
): Promise<'delivered' | 'deferred'> {
  const done: Progress = { placements: {}, threads: [], emails: [] };
  const tails = logTails(card, deps.logs, deps.config.defaults.logLines);
  const explain = diagnoses(card, deps.diagnostics, deps.config.defaults.logLines);
  let held = deferral;
  try {
    try {
      for (const step of plan.cards) {
        const base = { channel: step.channel, text: step.message.text, blocks: step.message.blocks };
        const updated = step.ts ? await deps.slack.updateMessage({ ...base, ts: step.ts }) : 'gone';
        // A card someone deleted is posted again, and the run goes on in the new message.
        const ts = updated === 'updated' && step.ts ? step.ts : (await deps.slack.postMessage(base)).ts;
        done.placements[step.channel] = { ts, rendered: step.fingerprint };
      }
      for (const step of plan.threads) {
        const threadTs = done.placements[step.channel]?.ts ?? card.slack[step.channel]?.ts;
        if (!threadTs) continue;
        const [logLines, diagnosis] = await Promise.all([tails(step.failure), explain(step.failure)]);
        const message = renderFailure(card, step.failure, { mentions: step.mentions, logLines, diagnosis });
        await deps.slack.postMessage({ channel: step.channel, text: message.text, blocks: message.blocks, threadTs });
        done.threads.push(step.key);
      }
    } catch (error) {
      // A 429: the rest of the Slack steps wait, for every worker, until Slack's Retry-After.
      if (!(error instanceof SlackRateLimitedError) || !deps.pacing) throw error;
      await deps.pacing.budget.hold(error.method, error.retryAt, deps.now());
      held = { until: new Date(Math.max(error.retryAt.getTime(), held?.until.getTime() ?? 0)), schedule: true };
    }
    for (const step of plan.emails) {
      const failures = await Promise.all(
        step.failures.map(async (record) => {
          const [logLines, diagnosis] = await Promise.all([tails(record), explain(record)]);
          return { record, logLines, diagnosis };
        }),
      );
      const topicArn = step.topic === 'default' ? deps.defaultTopicArn : step.topic;
      await deps.email.publish(renderEmail(card, topicArn, { failures }));
      done.emails.push(step.key);
    }
    if (held?.schedule) await deps.pacing?.redelivery.schedule(card, held.until, deps.now());
  } catch (error) {
    const unposted = plan.cards.filter((s) => !s.ts && !done.placements[s.channel]).map((s) => s.channel);
    await save(releaseClaims(card, unposted), version, done, deps, stored);
    throw error;
  }
  const unposted = plan.cards.filter((s) => !s.ts && !done.placements[s.channel]).map((s) => s.channel);
  await save(releaseClaims(card, unposted), version, held ? { ...done, deferred: held.until.toISOString() } : done, deps, stored);
  return held ? 'deferred' : 'delivered';
}

/**
 * Writes the card with what was delivered; on a lost race, re-applies it to the newer card.
 * `stored` hears which card the write replaced (none: the one the plan was made from).
 */
async function save(card: RunCard, version: number, delivered: Delivered, deps: NotifyDeps, stored: (replaced?: RunCard) => void): Promise<void> {
  try {
    await deps.store.put(recordDelivery(card, delivered), version);
    stored();
  } catch (error) {
    if (!(error instanceof CardConflictError)) throw error;
    const fresh = await deps.store.get(card.run.key);
    if (!fresh) throw error;
    await deps.store.put(recordDelivery(absorb(fresh.card, card), delivered), fresh.version);
    stored(fresh.card);
    // The newer card may hold facts this worker never rendered: ask for another pass.
    throw new CardConflictError(`run ${card.run.key}: changed while delivering`, { cause: error });
  }
}

/** Fetches each failed build's log tail at most once per delivery. */
function logTails(card: RunCard, logs: BuildLogsPort, lines: number): (failure: FactRecord) => Promise<readonly string[]> {
  const cache = new Map<string, Promise<readonly string[]>>();
  return (failure) => {
    const ref = lines > 0 ? logRefFor(card, failure) : undefined;
    if (!ref) return Promise.resolve([]);
    const key = `${ref.group}|${ref.stream}`;
    let tail = cache.get(key);
    if (!tail) {
      // The log tail is a courtesy: without it (logs disabled, no permission) the failure is still announced.
      tail = logs
        .tail({ ...ref, lines, place: { account: card.subject.account, region: card.subject.region } })
        .catch((error: unknown) => [`(build log unavailable: ${error instanceof Error ? error.name : 'error'})`]);
      cache.set(key, tail);
    }
    return tail;
  };
}

/**
 * Reads why each failed deploy failed (a CodeDeploy deployment's failed targets, a CloudFormation
 * stack's failed resources, an ECS service's latest events) at most once per delivery. Never rejects: a failed or denied read
 * becomes an "unavailable" diagnosis, and the reply goes anyway.
 */
function diagnoses(card: RunCard, port: DeployDiagnosticsPort | undefined, logLines: number): (failure: FactRecord) => Promise<DeployDiagnosis | undefined> {
  const cache = new Map<string, Promise<DeployDiagnosis | undefined>>();
  const place = { account: card.subject.account, region: card.subject.region };
  return (failure) => {
    const ref = port ? diagnosisRefFor(card, failure) : undefined;
    if (!port || !ref) return Promise.resolve(undefined);
    const key = diagnosisKey(ref);
    let diagnosis = cache.get(key);
    if (!diagnosis) {
      diagnosis = diagnose(port, ref, place, logLines).catch((error: unknown) => ({
        kind: 'unavailable' as const,
        what: ref.kind,
        error: awsErrorName(error),
      }));
      cache.set(key, diagnosis);
    }
    return diagnosis;
  };
}

async function diagnose(port: DeployDiagnosticsPort, ref: DiagnosisRef, place: Place, logLines: number): Promise<DeployDiagnosis | undefined> {
  if (ref.kind === 'deployment') {
    const report = await port.deployment({ place, deploymentId: ref.deploymentId });
    return report && describeDeployment(report, logLines);
  }
  if (ref.kind === 'service') {
    if (!port.actionService || !port.serviceEvents) return undefined;
    const target = await port.actionService({ place, pipeline: ref.pipeline, stage: ref.stage, action: ref.action });
    if (!target) return undefined;
    const events = await port.serviceEvents({ place, ...target });
    return events && describeService(target.service, events, ref.since);
  }
  if (ref.kind === 'stack set') {
    const name = await port.actionStackSet?.({ place, pipeline: ref.pipeline, stage: ref.stage, action: ref.action });
    const op = name && (await port.stackSetOperation?.({ place, stackSetName: name, since: ref.since }));
    return name && op ? describeStackSet(name, op) : undefined;
  }
  const stackName = ref.stackId ?? (await port.actionStack({ place, pipeline: ref.pipeline, stage: ref.stage, action: ref.action }));
  if (!stackName) return undefined;
  const events = await port.stackEvents({ place, stackName });
  return events && describeStack(stackName, events);
}

/** The AWS error's name (`AccessDeniedException`), under the adapters' classification when it wraps one. */
function awsErrorName(error: unknown): string {
  if (!(error instanceof Error)) return 'error';
  return error.cause instanceof Error ? error.cause.name : error.name;
}
