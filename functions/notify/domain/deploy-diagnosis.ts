/**
 * Why a deploy failed, in words a person reads without opening the console: a CodeDeploy
 * deployment's error and its failed targets' lifecycle events (hook, script, error code, message,
 * log tail), a CloudFormation stack's failed resources in its latest operation, a stack set
 * operation's failed accounts and regions, or an ECS service's latest events. Pure: the
 * reports come from `DeployDiagnosticsPort`.
 */
import type { FactRecord, RunCard } from '../../kernel/card/types';
import { DEPLOY_PROVIDERS } from '../../kernel/events/normalize';
import type {
  DeploymentReport,
  DeploymentTargetReport,
  LifecycleEventReport,
  ServiceEventReport,
  StackEventReport,
  StackSetOperationReport,
  TargetReport,
} from '../../kernel/ports';

/** At most this many failed resources of a stack are shown. */
export const STACK_FAILURES_SHOWN = 5;
/** At most this many events of an ECS service are shown, newest first. */
export const SERVICE_EVENTS_SHOWN = 5;
/** At most this many failed accounts/regions of a stack set operation are shown. */
export const STACK_SET_FAILURES_SHOWN = 3;

/** What explains a failure, and where to read it. */
export type DiagnosisRef =
  | { readonly kind: 'deployment'; readonly deploymentId: string }
  | { readonly kind: 'stack'; readonly pipeline: string; readonly stage: string; readonly action: string; readonly stackId?: string }
  /** `since`: when the action was first seen running; the service's older events are another deployment's. */
  | { readonly kind: 'service'; readonly pipeline: string; readonly stage: string; readonly action: string; readonly since?: string }
  /** `since`: as for a service; an older operation of the stack set is another run's. */
  | { readonly kind: 'stack set'; readonly pipeline: string; readonly stage: string; readonly action: string; readonly since?: string };

export interface FailedTargetLine {
  /** `instance i-0abc: ApplicationStart failed: ScriptFailed — <message>` */
  readonly summary: string;
  /** The last lines CodeDeploy kept of the hook's output, oldest first. */
  readonly logTail: readonly string[];
}

export type DeployDiagnosis =
  | {
      readonly kind: 'deployment';
      /** `HEALTH_CONSTRAINTS: Deployment failed: …` */
      readonly error?: string;
      readonly targets: readonly FailedTargetLine[];
      /** Failed targets not shown (the deployment's overview counts them; only a few are read). */
      readonly moreFailed: number;
    }
  /** A stack's failed resources, or a stack set operation's failed accounts/regions (`stackName` the stack set's). */
  | { readonly kind: 'stack'; readonly stackName: string; readonly lines: readonly string[] }
  /** An ECS service's latest events, newest first: `2024-05-02 10:15:04Z (service web) failed to launch a task …` */
  | { readonly kind: 'service'; readonly service: string; readonly lines: readonly string[] }
  /** The read failed or was denied: the reply says so and goes anyway. */
  | { readonly kind: 'unavailable'; readonly what: DiagnosisRef['kind']; readonly error: string };

/** CodePipeline action providers that deploy a CloudFormation stack. */
const STACK_PROVIDERS: ReadonlySet<string> = new Set(['CloudFormation']);
/** The standard ECS deploy action (`ClusterName`, `ServiceName`); blue/green is `CodeDeployToECS`, a deployment. */
const SERVICE_PROVIDERS: ReadonlySet<string> = new Set(['ECS']);
/** The StackSets actions (`StackSetName`): a stack set operation across accounts and regions. */
const STACK_SET_PROVIDERS: ReadonlySet<string> = new Set(['CloudFormationStackSet', 'CloudFormationStackInstances']);

/**
 * @example diagnosisRefFor(card, actionFailure) // { kind: 'deployment', deploymentId: 'd-7K1J2ABCD' }
 */
export function diagnosisRefFor(card: RunCard, failure: FactRecord): DiagnosisRef | undefined {
  const f = failure.fact;
  if (f.type === 'deployment') return { kind: 'deployment', deploymentId: f.deploymentId };
  if (f.type !== 'action') return undefined;
  if (DEPLOY_PROVIDERS.has(f.provider)) return f.externalId ? { kind: 'deployment', deploymentId: f.externalId } : undefined;
  if (STACK_PROVIDERS.has(f.provider) && card.subject.pipeline) {
    const stackId = f.externalId && /^arn:[^:]+:cloudformation:[^:]*:\d*:stack\//.test(f.externalId) ? f.externalId : undefined;
    return { kind: 'stack', pipeline: card.subject.pipeline, stage: f.stage, action: f.action, ...(stackId ? { stackId } : {}) };
  }
  const kind = SERVICE_PROVIDERS.has(f.provider) ? 'service' : STACK_SET_PROVIDERS.has(f.provider) ? 'stack set' : undefined;
  if (kind && card.subject.pipeline) {
    // Only a start seen before the failure bounds the events or operations (without it, the newest are read).
    const since = failure.since && failure.since !== failure.time ? failure.since : undefined;
    return { kind, pipeline: card.subject.pipeline, stage: f.stage, action: f.action, ...(since ? { since } : {}) };
  }
  return undefined;
}

/** A cache key: one read per delivery for the same deployment or action. */
export function diagnosisKey(ref: DiagnosisRef): string {
  return ref.kind === 'deployment' ? `deployment|${ref.deploymentId}` : `${ref.kind}|${ref.pipeline}|${ref.stage}|${ref.action}`;
}

/**
 * @example describeDeployment(report, 20).targets[0]?.summary
 * // 'instance i-0abc: ApplicationStart failed: ScriptFailed — Script at specified location: scripts/start.sh run as user root failed with exit code 1'
 */
export function describeDeployment(report: DeploymentReport, logLines: number): DeployDiagnosis {
  const info = report.deploymentInfo;
  const error = [info.errorInformation?.code, info.errorInformation?.message].filter(Boolean).join(': ');
  const targets = report.deploymentTargets.map((t) => describeTarget(t, logLines)).filter((t): t is FailedTargetLine => !!t);
  const failed = info.deploymentOverview?.Failed ?? 0;
  return { kind: 'deployment', ...(error ? { error } : {}), targets, moreFailed: Math.max(0, failed - targets.length) };
}

function describeTarget(target: DeploymentTargetReport, logLines: number): FailedTargetLine | undefined {
  const kinds: ReadonlyArray<[string, TargetReport | undefined]> = [
    ['instance', target.instanceTarget],
    ['function', target.lambdaTarget],
    ['ECS service', target.ecsTarget],
    ['stack target', target.cloudFormationTarget],
  ];
  const found = kinds.find(([, t]) => t);
  if (!found) return undefined;
  const [kind, t] = found as [string, TargetReport];
  const id = kind === 'function' ? functionName(t) : (t.targetId ?? t.targetArn ?? '(unknown)');
  const event = failedEvent(t.lifecycleEvents ?? []);
  if (!event) return { summary: `${kind} ${id}: ${t.status ?? 'Failed'}`, logTail: [] };
  const d = event.diagnostics;
  const what = [d?.errorCode, d?.scriptName && `script ${d.scriptName}`].filter(Boolean).join(', ');
  const summary = `${kind} ${id}: ${event.lifecycleEventName ?? 'lifecycle event'} failed${what ? `: ${what}` : ''}${d?.message ? ` — ${d.message}` : ''}`;
  return { summary, logTail: tailLines(d?.logTail ?? '', logLines) };
}

function functionName(t: TargetReport): string {
  const info = t.lambdaFunctionInfo;
  if (info?.functionName) return info.functionAlias ? `${info.functionName}:${info.functionAlias}` : info.functionName;
  return t.targetId ?? t.targetArn ?? '(unknown)';
}

/** The lifecycle event that failed: the first one CodeDeploy marked `Failed`. */
function failedEvent(events: readonly LifecycleEventReport[]): LifecycleEventReport | undefined {
  return events.find((e) => e.status === 'Failed') ?? events.find((e) => e.diagnostics?.errorCode && e.diagnostics.errorCode !== 'Success');
}

/** A log tail as lines, oldest first: the last `count` non-empty ones. */
function tailLines(text: string, count: number): string[] {
  const lines = text.split(/\r?\n/).map((l) => l.trimEnd());
  while (lines.length && !lines.at(-1)) lines.pop();
  while (lines.length && !lines[0]) lines.shift();
  return count > 0 ? lines.slice(-count) : [];
}

/** Stack statuses that start an operation (the stack's own event): reading back stops there. */
const OPERATION_STARTS: ReadonlySet<string> = new Set(['CREATE_IN_PROGRESS', 'UPDATE_IN_PROGRESS', 'DELETE_IN_PROGRESS', 'IMPORT_IN_PROGRESS']);

/** Whether a stack event is the start of an operation on the stack itself. */
export function isOperationStart(event: StackEventReport): boolean {
  return event.ResourceType === 'AWS::CloudFormation::Stack' && event.LogicalResourceId === event.StackName && OPERATION_STARTS.has(event.ResourceStatus ?? '');
}

/**
 * The first failed resources of the stack's latest operation, oldest first: events arrive newest
 * first, so read back to the operation's start and keep the earliest failures (the later ones are
 * usually "Resource creation cancelled" in their wake).
 *
 * @example describeStack('web-prod', events).lines[0]
 * // 'web-prod: WebBucket (AWS::S3::Bucket) CREATE_FAILED — web-assets already exists'
 */
export function describeStack(stackName: string, events: readonly StackEventReport[]): DeployDiagnosis {
  const start = events.findIndex(isOperationStart);
  const operation = start >= 0 ? events.slice(0, start + 1) : events;
  const failed = operation.filter((e) => e.ResourceStatus?.endsWith('_FAILED')).reverse();
  // The stack's own failure only says "resources failed" when a resource said why: show it last, if at all.
  const resources = failed.filter((e) => e.ResourceType !== 'AWS::CloudFormation::Stack' || e.LogicalResourceId !== e.StackName);
  const shown = (resources.length ? resources : failed).slice(0, STACK_FAILURES_SHOWN);
  const name = events[0]?.StackName ?? stackName;
  return {
    kind: 'stack',
    stackName: name,
    lines: shown.map(
      (e) =>
        `${e.StackName ?? name}: ${e.LogicalResourceId ?? '(resource)'}${e.ResourceType ? ` (${e.ResourceType})` : ''} ${e.ResourceStatus}${e.ResourceStatusReason ? ` — ${e.ResourceStatusReason}` : ''}`,
    ),
  };
}

/**
 * An ECS service's latest events, newest first, at most `SERVICE_EVENTS_SHOWN`: those since the
 * action started when it is known (and any are), else the newest.
 *
 * @example describeService('web', events, '2024-05-02T10:14:00Z').lines[0]
 * // '2024-05-02 10:15:04Z (service web) failed to launch a task with (error ECS was unable to assume the role …)'
 */
export function describeService(service: string, events: readonly ServiceEventReport[], since?: string): DeployDiagnosis {
  const at = (e: ServiceEventReport) => (e.createdAt === undefined ? Number.NaN : new Date(e.createdAt).getTime());
  const newest = [...events].filter((e) => e.message).sort((a, b) => (at(b) || 0) - (at(a) || 0));
  const start = since ? Date.parse(since) : Number.NaN;
  const recent = Number.isNaN(start) ? [] : newest.filter((e) => at(e) >= start);
  const shown = (recent.length ? recent : newest).slice(0, SERVICE_EVENTS_SHOWN);
  return { kind: 'service', service, lines: shown.map((e) => `${eventTime(at(e))}${e.message}`) };
}

/** `2024-05-02 10:15:04Z ` (UTC, to the second), or nothing when the event has no time. */
function eventTime(ms: number): string {
  return Number.isNaN(ms) ? '' : `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')}Z `;
}

/**
 * A stack set operation's failed accounts/regions with their reasons, the first few then how many
 * more, after the operation's own reason.
 *
 * @example describeStackSet('baseline', report).lines
 * // ['baseline: FAILED — …', '111122223333 eu-west-1: ResourceLogicalId:Trail, …', 'and 2 more accounts/regions']
 */
export function describeStackSet(name: string, op: StackSetOperationReport): Extract<DeployDiagnosis, { kind: 'stack' }> {
  const lines = op.failed
    .slice(0, STACK_SET_FAILURES_SHOWN)
    .map((r) => `${r.Account ?? r.OrganizationalUnitId ?? '?'} ${r.Region ?? '?'}: ${r.StatusReason ?? 'FAILED'}`);
  const more = op.failed.length - lines.length;
  if (more > 0 || op.more) lines.push(`and ${more}${op.more ? '+' : ''} more accounts/regions`);
  if (op.StatusReason) lines.unshift(`${name}: ${op.Status ?? 'operation'} — ${op.StatusReason}`);
  return { kind: 'stack', stackName: name, lines };
}

/** The line a reply shows when the read failed: the failure is still announced. */
export function unavailableLine(diagnosis: Extract<DeployDiagnosis, { kind: 'unavailable' }>): string {
  return `(${diagnosis.what} details unavailable: ${diagnosis.error})`;
}
