/**
 * What woke the governance function: a pipeline or project created or changed (CloudTrail), the
 * daily audit or the freeze tick (schedule inputs), an execution entering a stage (break-glass), or
 * a package version published (CodeArtifact).
 */
import type { Place } from '../../kernel/ports';
import * as z from '../../kernel/zod';

export type GovernanceTrigger =
  /** `eventId`: CloudTrail's id of the call (else EventBridge's), the same on every delivery: what a duplicate is known by. */
  | { readonly kind: 'change'; readonly pipelines: readonly string[]; readonly projects: readonly string[]; readonly eventId?: string }
  /** `eventId`: the scheduled event's id (the rule's input transformer passes it), so a duplicate delivery reports once. */
  | { readonly kind: 'audit'; readonly eventId?: string }
  | { readonly kind: 'tick' }
  | { readonly kind: 'package'; readonly event: PackagePublished }
  /** An execution entered a stage: a break-glass bypass of that stage has been used. */
  | { readonly kind: 'stage-started'; readonly pipeline: string; readonly stage: string; readonly executionId: string }
  | { readonly kind: 'ignored'; readonly why: string };

const CloudTrail = z.object({
  id: z.optional(z.string()),
  'detail-type': z.literal('AWS API Call via CloudTrail'),
  detail: z.object({
    eventID: z.optional(z.string()),
    eventSource: z.string(),
    eventName: z.string(),
    errorCode: z.optional(z.string()),
    requestParameters: z.optional(z.nullable(z.record(z.string(), z.unknown()))),
  }),
});

const PackageEvent = z.object({
  id: z.string(),
  'detail-type': z.literal('CodeArtifact Package Version State Change'),
  detail: z.object({
    domainName: z.string(),
    repositoryName: z.string(),
    packageFormat: z.string(),
    packageNamespace: z.optional(z.nullable(z.string())),
    packageName: z.string(),
    packageVersion: z.string(),
    packageVersionState: z.string(),
    /** `statusChanged: false` on a Published version: assets or metadata added to it (a Maven JAR), not a new release. */
    changes: z.optional(z.object({ statusChanged: z.optional(z.boolean()) })),
    /** The same for every delivery of one change (EventBridge may deliver twice). */
    eventDeduplicationId: z.optional(z.string()),
  }),
});
export type PackagePublished = z.infer<typeof PackageEvent>;

const StageStarted = z.object({
  'detail-type': z.literal('CodePipeline Stage Execution State Change'),
  detail: z.object({ pipeline: z.string(), stage: z.optional(z.string()), state: z.string(), 'execution-id': z.string() }),
});

const Schedule = z.object({ warden: z.enum(['audit', 'tick']), id: z.optional(z.string().check(z.minLength(1))) });

/** EventBridge's envelope: the account and region an event comes from. */
const Envelope = z.object({ account: z.string().check(z.minLength(1)), region: z.string().check(z.minLength(1)) });

/**
 * Where a change or a stage start happened (organization mode checks and acts there); undefined for
 * a schedule input or an event without EventBridge's envelope.
 *
 * @example eventPlace({ account: '111122223333', region: 'eu-west-1', detail: {} }) // { account: '111122223333', region: 'eu-west-1' }
 */
export function eventPlace(raw: unknown): Place | undefined {
  const e = Envelope.safeParse(raw);
  return e.success ? { account: e.data.account, region: e.data.region } : undefined;
}

/**
 * @example governanceTrigger({ warden: 'audit' }) // { kind: 'audit' }
 */
export function governanceTrigger(raw: unknown): GovernanceTrigger {
  const schedule = Schedule.safeParse(raw);
  if (schedule.success)
    return schedule.data.warden === 'audit' && schedule.data.id ? { kind: 'audit', eventId: schedule.data.id } : { kind: schedule.data.warden };
  const trail = CloudTrail.safeParse(raw);
  if (trail.success) {
    const trigger = change(trail.data.detail);
    const eventId = trail.data.detail.eventID ?? trail.data.id;
    return trigger.kind === 'change' && eventId ? { ...trigger, eventId } : trigger;
  }
  const stage = StageStarted.safeParse(raw);
  if (stage.success) return stageStarted(stage.data.detail);
  const pkg = PackageEvent.safeParse(raw);
  if (pkg.success) return published(pkg.data);
  return { kind: 'ignored', why: 'not a governance event' };
}

function change(detail: z.infer<typeof CloudTrail>['detail']): GovernanceTrigger {
  // A call that failed changed nothing.
  if (detail.errorCode) return { kind: 'ignored', why: `${detail.eventName} failed (${detail.errorCode})` };
  const params = detail.requestParameters ?? {};
  if (detail.eventSource === 'codepipeline.amazonaws.com' && (detail.eventName === 'CreatePipeline' || detail.eventName === 'UpdatePipeline')) {
    const name = (params['pipeline'] as { name?: unknown } | undefined)?.name;
    return typeof name === 'string'
      ? { kind: 'change', pipelines: [name], projects: [] }
      : { kind: 'ignored', why: `${detail.eventName} without a pipeline name` };
  }
  if (detail.eventSource === 'codebuild.amazonaws.com' && (detail.eventName === 'CreateProject' || detail.eventName === 'UpdateProject')) {
    const name = params['name'];
    return typeof name === 'string'
      ? { kind: 'change', pipelines: [], projects: [name] }
      : { kind: 'ignored', why: `${detail.eventName} without a project name` };
  }
  return { kind: 'ignored', why: `${detail.eventSource} ${detail.eventName} is not a change we check` };
}

/** A version that became Published now; the rule sends only these, this is the same check for replay and direct invokes. */
function published(event: PackagePublished): GovernanceTrigger {
  const d = event.detail;
  if (d.packageVersionState !== 'Published') return { kind: 'ignored', why: `package version ${d.packageVersionState}` };
  if (d.changes?.statusChanged === false) return { kind: 'ignored', why: 'package version already Published: assets or metadata changed, not a new release' };
  return { kind: 'package', event };
}

function stageStarted(d: z.infer<typeof StageStarted>['detail']): GovernanceTrigger {
  if (d.state !== 'STARTED') return { kind: 'ignored', why: `stage ${d.state}` };
  if (!d.stage) return { kind: 'ignored', why: 'stage event without a stage name' };
  return { kind: 'stage-started', pipeline: d.pipeline, stage: d.stage, executionId: d['execution-id'] };
}
