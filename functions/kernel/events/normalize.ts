import { describeMetrics } from './alarm-config';
import type { Fact, Observation, RunLink, RunRef, Subject } from './observation';
import { type AwsEvent, DetailType } from './schemas';

/**
 * Turns one parsed AWS event into observations about runs (usually one; a failed build also
 * yields its failed phases, whose context is the failure reason).
 *
 * @example
 * normalize(parseEvent(raw))[0].run.key // 'pipeline/123456789012/us-east-1/my-pipeline/b938328a-…'
 */
export function normalize(event: AwsEvent): Observation[] {
  const base = { eventId: event.id, time: new Date(event.time).toISOString() };
  const where = { account: event.account, region: event.region };
  switch (event['detail-type']) {
    case DetailType.pipelineExecution:
    case DetailType.stageExecution:
    case DetailType.actionExecution:
      return [{ ...base, ...pipelineObservation(event, where) }];
    case DetailType.buildState:
    case DetailType.buildPhase: {
      const run = buildRun(event, where);
      return buildObservations(event).map((fact) => ({ ...base, ...run, fact }));
    }
    case DetailType.deploymentState:
    case DetailType.instanceState:
      return [{ ...base, ...deploymentObservation(event, where) }];
    case DetailType.packageVersion:
      return [{ ...base, ...packageObservation(event, where) }];
    case DetailType.alarmState:
      return [{ ...base, ...alarmObservation(event, where) }];
    case DetailType.referenceState:
      return [{ ...base, ...referenceObservation(event, where) }];
    case DetailType.pullRequestState:
      return pullRequestObservations(event, where).map((part) => ({ ...base, ...part }));
    case DetailType.pullRequestComment:
      return [{ ...base, ...commentObservation(event, where, base.time) }];
    default:
      return assertNever(event);
  }
}

type Where = Pick<Subject, 'account' | 'region'>;
type PipelineEvent = Extract<AwsEvent, { source: string; detail: { 'execution-id': string } }>;
type RunPart = Pick<Observation, 'run' | 'subject' | 'fact' | 'links' | 'linkable' | 'pipelineVersion'>;

function pipelineObservation(event: PipelineEvent, where: Where): RunPart {
  const d = event.detail;
  const run: RunRef = { kind: 'pipeline', key: `pipeline/${where.account}/${where.region}/${d.pipeline}/${d['execution-id']}` };
  const subject = { ...where, pipeline: d.pipeline };
  if (event['detail-type'] === DetailType.pipelineExecution) {
    const trigger = event.detail['execution-trigger'];
    return { run, subject, fact: { type: 'pipeline', state: d.state, trigger: trigger?.['trigger-type'], triggerDetail: trigger?.['trigger-detail'] } };
  }
  if (event['detail-type'] === DetailType.stageExecution) {
    return { run, subject, fact: { type: 'stage', stage: event.detail.stage ?? '(unnamed stage)', state: d.state } };
  }
  const a = event.detail;
  const result = a['execution-result'];
  const fact: Fact = {
    type: 'action',
    stage: a.stage,
    action: a.action,
    state: a.state,
    category: a.type.category,
    provider: a.type.provider,
    externalId: result?.['external-execution-id'],
    externalUrl: result?.['external-execution-url'],
    summary: result?.['external-execution-summary'],
    errorCode: result?.['error-code'],
  };
  const version = typeof a.version === 'number' ? a.version : Number(a.version);
  return {
    run,
    subject,
    fact,
    links: actionLinks(a.type.provider, result?.['external-execution-id']),
    ...(Number.isInteger(version) ? { pipelineVersion: version } : {}),
  };
}

/** CodePipeline action providers that run a CodeDeploy deployment. */
export const DEPLOY_PROVIDERS: ReadonlySet<string> = new Set(['CodeDeploy', 'CodeDeployToECS']);

/** A CodeBuild or CodeDeploy action names the build or deployment it ran. */
function actionLinks(provider: string, externalId: string | undefined): RunLink[] | undefined {
  if (!externalId) return undefined;
  if (provider === 'CodeBuild') return [{ kind: 'build', externalId: buildKey(externalId) }];
  if (DEPLOY_PROVIDERS.has(provider)) return [{ kind: 'deployment', externalId }];
  return undefined;
}

/**
 * CodeBuild events carry the build ARN, CodePipeline actions the bare `project:uuid`; both reduce
 * to the latter so they can meet.
 */
export function buildKey(buildId: string): string {
  const at = buildId.indexOf(':build/');
  return at >= 0 ? buildId.slice(at + ':build/'.length) : buildId;
}

type BuildEvent = Extract<AwsEvent, { detail: { 'build-id': string } }>;

function buildRun(event: BuildEvent, where: Where): Pick<Observation, 'run' | 'subject' | 'linkable'> {
  const d = event.detail;
  const id = buildKey(d['build-id']);
  const initiator = d['additional-information']?.initiator ?? '';
  const pipeline = initiator.startsWith('codepipeline/') ? initiator.slice('codepipeline/'.length) : undefined;
  return {
    run: { kind: 'build', key: `build/${where.account}/${where.region}/${id}` },
    subject: { ...where, project: d['project-name'] },
    linkable: pipeline ? { kind: 'build', externalId: id, pipeline } : undefined,
  };
}

function buildObservations(event: BuildEvent): Fact[] {
  const d = event.detail;
  const buildId = buildKey(d['build-id']);
  const info = d['additional-information'];
  if (event['detail-type'] === DetailType.buildPhase) {
    const p = event.detail;
    return [
      {
        type: 'build-phase',
        buildId,
        phase: p['completed-phase'],
        status: p['completed-phase-status'] ?? 'SUCCEEDED',
        context: phaseContext(p['completed-phase-context']),
      },
    ];
  }
  const s = event.detail;
  const build: Fact = {
    type: 'build',
    buildId,
    project: s['project-name'],
    state: s['build-status'],
    buildNumber: info?.['build-number'],
    initiator: info?.initiator,
    sourceVersion: info?.['source-version'],
    logGroup: info?.logs?.['group-name'],
    logStream: info?.logs?.['stream-name'],
    logLink: info?.logs?.['deep-link'],
    currentPhase: s['current-phase'],
  };
  const failedPhases: Fact[] = (info?.phases ?? [])
    .filter((p) => p['phase-status'] !== undefined && p['phase-status'] !== 'SUCCEEDED')
    .map((p) => ({ type: 'build-phase', buildId, phase: p['phase-type'], status: p['phase-status'] ?? '', context: phaseContext(p['phase-context']) }));
  return [build, ...failedPhases];
}

/** Phase context arrives as a list, or as a string holding a JSON list (`"[]"`, `"[: ...]"`). */
function phaseContext(context: string | readonly string[] | undefined): string | undefined {
  const parts = typeof context === 'string' ? splitContext(context) : (context ?? []);
  const text = parts
    .map((s) => s.replace(/^:\s*/, '').trim())
    .filter(Boolean)
    .join('\n');
  return text || undefined;
}

function splitContext(context: string): string[] {
  try {
    const parsed: unknown = JSON.parse(context);
    if (Array.isArray(parsed)) return parsed.map(String);
  } catch {
    // Not JSON: CodeBuild writes strings such as "[: exit status 1]"; strip the brackets below.
  }
  return [context.replace(/^\[|\]$/g, '')];
}

type DeploymentEvent = Extract<AwsEvent, { detail: { deploymentId: string } }>;

function deploymentObservation(event: DeploymentEvent, where: Where): RunPart {
  const d = event.detail;
  const run: RunRef = { kind: 'deployment', key: `deployment/${where.account}/${where.region}/${d.deploymentId}` };
  const subject = { ...where, application: d.application };
  const linkable = { kind: 'deployment' as const, externalId: d.deploymentId, group: { application: d.application, deploymentGroup: d.deploymentGroup } };
  if (event['detail-type'] === DetailType.instanceState) {
    const instanceId =
      event.detail.instanceId ??
      event.resources
        .find((r) => r.includes(':instance/'))
        ?.split('/')
        .pop() ??
      'instance';
    return { run, subject, linkable, fact: { type: 'instance', deploymentId: d.deploymentId, instanceId, state: d.state } };
  }
  return {
    run,
    subject,
    linkable,
    fact: { type: 'deployment', deploymentId: d.deploymentId, application: d.application, group: d.deploymentGroup, state: d.state },
  };
}

type PackageEvent = Extract<AwsEvent, { detail: { packageName: string } }>;

function packageObservation(event: PackageEvent, where: Where): RunPart {
  const d = event.detail;
  const namespace = d.packageNamespace ?? undefined;
  const name = [namespace, d.packageName].filter(Boolean).join('/');
  return {
    run: { kind: 'package', key: `package/${d.domainOwner}/${d.domainName}/${d.repositoryName}/${d.packageFormat}/${name}/${d.packageVersion}` },
    subject: { ...where, repository: d.repositoryName },
    fact: {
      type: 'package',
      domain: d.domainName,
      domainOwner: d.domainOwner,
      repository: d.repositoryName,
      format: d.packageFormat,
      namespace,
      name: d.packageName,
      version: d.packageVersion,
      state: d.packageVersionState,
      operation: d.operationType,
    },
  };
}

type AlarmEvent = Extract<AwsEvent, { detail: { alarmName: string } }>;

/** One card per alarm episode: from the moment it went to ALARM until it left that state. */
function alarmObservation(event: AlarmEvent, where: Where): RunPart {
  const d = event.detail;
  const episodeStart = d.state.value === 'ALARM' || !d.previousState ? d.state.timestamp : d.previousState.timestamp;
  const metric = describeMetrics(d.configuration?.metrics ?? []);
  return {
    run: { kind: 'alarm', key: `alarm/${where.account}/${where.region}/${d.alarmName}/${isoOr(episodeStart)}` },
    subject: { ...where, alarm: d.alarmName },
    fact: {
      type: 'alarm',
      alarm: d.alarmName,
      state: d.state.value,
      reason: d.state.reason,
      at: isoOr(d.state.timestamp),
      ...(metric ? { metric } : {}),
      ...(d.configuration?.alarmRule ? { rule: d.configuration.alarmRule } : {}),
    },
  };
}

type ReferenceEvent = Extract<AwsEvent, { detail: { referenceName: string } }>;

/** `referenceCreated` → `CREATED`. */
const REFERENCE_STATES: Readonly<Record<string, string>> = { referenceCreated: 'CREATED', referenceUpdated: 'UPDATED', referenceDeleted: 'DELETED' };

/** One short card per change of a branch or tag: its key names the commit it now points to (or left, when deleted). */
function referenceObservation(event: ReferenceEvent, where: Where): RunPart {
  const d = event.detail;
  const state = REFERENCE_STATES[d.event] ?? d.event;
  const commit = state === 'DELETED' ? `deleted-${d.oldCommitId ?? event.id}` : (d.commitId ?? event.id);
  return {
    run: { kind: 'reference', key: `reference/${where.account}/${where.region}/${d.repositoryName}/${d.referenceType}/${d.referenceName}@${commit}` },
    subject: { ...where, codecommit: d.repositoryName },
    fact: {
      type: 'reference',
      repository: d.repositoryName,
      referenceType: d.referenceType,
      referenceName: d.referenceName,
      state,
      ...(d.commitId ? { commitId: d.commitId } : {}),
      ...(d.oldCommitId ? { oldCommitId: d.oldCommitId } : {}),
      ...(d.callerUserArn ? { caller: d.callerUserArn } : {}),
    },
  };
}

/** A pull request's card, routed by its repository. */
const pullRequestRun = (where: Where, repository: string, id: string): { run: RunRef; subject: Subject } => ({
  run: { kind: 'pull-request', key: `pull-request/${where.account}/${where.region}/${repository}/${id}` },
  subject: { ...where, codecommit: repository },
});

type PullRequestEvent = Extract<AwsEvent, { detail: { pullRequestStatus: string } }>;

const branch = (ref: string | undefined) => (ref?.startsWith('refs/heads/') ? ref.slice('refs/heads/'.length) : ref);

/**
 * One card per pull request, updated in place: every event restates the pull request (title,
 * branches, status), and an approval event also records that person's approval.
 */
function pullRequestObservations(event: PullRequestEvent, where: Where): RunPart[] {
  const d = event.detail;
  // The first repository names the pull request (CodeCommit pull requests have one repository).
  const repository = d.repositoryNames[0] ?? '';
  const merged = d.isMerged?.toLowerCase() === 'true';
  const state = merged ? 'MERGED' : d.pullRequestStatus.toUpperCase() === 'CLOSED' ? 'CLOSED' : d.pullRequestStatus.toUpperCase();
  const { run, subject } = pullRequestRun(where, repository, d.pullRequestId);
  const fact: Fact = {
    type: 'pull-request',
    pullRequestId: d.pullRequestId,
    repository,
    state,
    event: d.event,
    ...(d.title ? { title: d.title } : {}),
    ...(d.sourceReference ? { source: branch(d.sourceReference) } : {}),
    ...(d.destinationReference ? { destination: branch(d.destinationReference) } : {}),
    ...(d.sourceCommit ? { sourceCommit: d.sourceCommit } : {}),
    ...(d.author ? { author: d.author } : {}),
    ...(d.callerUserArn ? { caller: d.callerUserArn } : {}),
  };
  const approval: RunPart[] =
    d.event === 'pullRequestApprovalStateChanged' && d.approvalStatus && d.callerUserArn
      ? [{ run, subject, fact: { type: 'pull-request-approval', pullRequestId: d.pullRequestId, approver: d.callerUserArn, state: d.approvalStatus } }]
      : [];
  return [{ run, subject, fact }, ...approval];
}

type CommentEvent = Extract<AwsEvent, { detail: { commentId: string } }>;

/**
 * A comment joins its pull request's card (creating it when the comment comes first: events are not
 * ordered, and a pull request opened before pipeline-warden still gets its comments).
 */
function commentObservation(event: CommentEvent, where: Where, time: string): RunPart {
  const d = event.detail;
  const edited = d.event === 'commentOnPullRequestUpdated';
  return {
    ...pullRequestRun(where, d.repositoryName, d.pullRequestId),
    fact: {
      type: 'pull-request-comment',
      pullRequestId: d.pullRequestId,
      commentId: d.commentId,
      state: edited ? 'UPDATED' : 'CREATED',
      // Absent fields stay undefined: a card is stored as JSON, which leaves them out.
      at: edited ? time : undefined,
      caller: d.callerUserArn,
      inReplyTo: d.inReplyTo,
    },
  };
}

/** CloudWatch writes `2019-10-02T17:20:48.551+0000`; normalized when it parses, kept as is otherwise. */
function isoOr(time: string): string {
  const ms = Date.parse(time);
  return Number.isNaN(ms) ? time : new Date(ms).toISOString();
}

function assertNever(value: never): never {
  throw new Error(`unhandled detail-type ${JSON.stringify(value)}`);
}
