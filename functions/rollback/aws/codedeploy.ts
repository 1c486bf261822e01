/**
 * CodeDeploy for the rollback flow: a deployment group's alarm setup and recent deployments, one
 * deployment's status, StopDeployment with rollback, and CreateDeployment of an earlier revision.
 */
import {
  BatchGetDeploymentsCommand,
  type CodeDeployClient,
  CreateDeploymentCommand,
  type DeploymentInfo,
  GetDeploymentCommand,
  GetDeploymentGroupCommand,
  type GetDeploymentGroupCommandOutput,
  ListDeploymentsCommand,
  type RevisionLocation,
  StopDeploymentCommand,
} from '@aws-sdk/client-codedeploy';
import { PermanentError } from '../../kernel/errors';
import { callAws, classifyAwsError } from '../../platform/aws-errors';
import type { DeploymentView, DeployTarget, Revision } from '../domain/types';
import type { RollbackDeployPort } from '../ports';

/** How far back the decision looks for the last good deployment. */
const LOOKBACK_MS = 30 * 86_400_000;
const KEEP = 20;
const BATCH = 25;

/** A revision as people read it: `s3://bucket/key (version)`, `owner/repo@abc1234`, `AppSpec sha256:…`. */
export function revisionOf(location: RevisionLocation | Record<string, unknown> | undefined): Revision | undefined {
  if (!location) return undefined;
  const r = location as RevisionLocation;
  const s3 = r.s3Location;
  const gh = r.gitHubLocation;
  const content = r.appSpecContent ?? r.string;
  const label = s3
    ? `s3://${s3.bucket}/${s3.key}${s3.version ? ` (${s3.version})` : s3.eTag ? ` (${s3.eTag.slice(0, 12)})` : ''}`
    : gh
      ? `${gh.repository}@${(gh.commitId ?? '').slice(0, 7)}`
      : content?.sha256
        ? `AppSpec sha256:${content.sha256.slice(0, 12)}`
        : (r.revisionType ?? 'revision');
  return { label, location: JSON.parse(JSON.stringify(location)) as Record<string, unknown> };
}

export function deploymentView(info: DeploymentInfo): DeploymentView | undefined {
  if (!info.deploymentId || !info.status || !info.createTime) return undefined;
  const revision = revisionOf(info.revision);
  const previousRevision = revisionOf(info.previousRevision);
  const rb = info.rollbackInfo;
  return {
    id: info.deploymentId,
    status: info.status,
    createTime: info.createTime.toISOString(),
    ...(info.completeTime ? { completeTime: info.completeTime.toISOString() } : {}),
    ...(revision ? { revision } : {}),
    ...(previousRevision ? { previousRevision } : {}),
    ...(info.creator ? { creator: info.creator } : {}),
    ...(info.description ? { description: info.description } : {}),
    ...(rb
      ? {
          rollbackInfo: {
            ...(rb.rollbackDeploymentId ? { rollbackDeploymentId: rb.rollbackDeploymentId } : {}),
            ...(rb.rollbackTriggeringDeploymentId ? { rollbackTriggeringDeploymentId: rb.rollbackTriggeringDeploymentId } : {}),
            ...(rb.rollbackMessage ? { message: rb.rollbackMessage } : {}),
          },
        }
      : {}),
  };
}

/** @example const port = createRollbackDeployPort(new CodeDeployClient({})); await port.group(target, new Date()) */
export function createRollbackDeployPort(client: CodeDeployClient): RollbackDeployPort {
  const groupNames = (t: DeployTarget) => ({ applicationName: t.application, deploymentGroupName: t.deploymentGroup });
  const recent = async (target: DeployTarget, since: Date): Promise<DeploymentView[]> => {
    const ids: string[] = [];
    let nextToken: string | undefined;
    do {
      const page = await call('ListDeployments', () =>
        client.send(new ListDeploymentsCommand({ ...groupNames(target), createTimeRange: { start: since }, ...(nextToken ? { nextToken } : {}) })),
      );
      ids.push(...(page.deployments ?? []));
      nextToken = page.nextToken;
    } while (nextToken && ids.length < 100);
    const views: DeploymentView[] = [];
    for (let i = 0; i < ids.length; i += BATCH) {
      const out = await call('BatchGetDeployments', () => client.send(new BatchGetDeploymentsCommand({ deploymentIds: ids.slice(i, i + BATCH) })));
      views.push(...(out.deploymentsInfo ?? []).flatMap((d) => deploymentView(d) ?? []));
    }
    // ListDeployments documents no order: newest first by creation time.
    return views.sort((a, b) => Date.parse(b.createTime) - Date.parse(a.createTime));
  };
  return {
    async group(target, now) {
      let info: GetDeploymentGroupCommandOutput['deploymentGroupInfo'];
      try {
        info = (await client.send(new GetDeploymentGroupCommand(groupNames(target)))).deploymentGroupInfo;
      } catch (error) {
        if (error instanceof Error && ['DeploymentGroupDoesNotExistException', 'ApplicationDoesNotExistException'].includes(error.name))
          return { exists: false, alarms: [], autoRollbackOnAlarm: false, deployments: [] };
        throw classify('GetDeploymentGroup', error);
      }
      const alarmConfig = info?.alarmConfiguration;
      const rollback = info?.autoRollbackConfiguration;
      return {
        exists: true,
        alarms: alarmConfig?.enabled ? (alarmConfig.alarms ?? []).flatMap((a) => (a.name ? [a.name] : [])) : [],
        autoRollbackOnAlarm: Boolean(rollback?.enabled && rollback.events?.includes('DEPLOYMENT_STOP_ON_ALARM')),
        deployments: (await recent(target, new Date(now.getTime() - LOOKBACK_MS))).slice(0, KEEP),
      };
    },
    async deployment(id) {
      try {
        const info = (await client.send(new GetDeploymentCommand({ deploymentId: id }))).deploymentInfo;
        return info ? deploymentView(info) : undefined;
      } catch (error) {
        if (error instanceof Error && error.name === 'DeploymentDoesNotExistException') return undefined;
        throw classify('GetDeployment', error);
      }
    },
    async stop(deploymentId) {
      try {
        await client.send(new StopDeploymentCommand({ deploymentId, autoRollbackEnabled: true }));
        return 'stopping';
      } catch (error) {
        // A retried step, or a deployment that ended between the decision and the stop.
        if (error instanceof Error && error.name === 'DeploymentAlreadyCompletedException') return 'already-ended';
        throw classify('StopDeployment', error);
      }
    },
    async create(target, { revision, description }) {
      const out = await call('CreateDeployment', () =>
        client.send(new CreateDeploymentCommand({ ...groupNames(target), revision: revision.location as RevisionLocation, description })),
      );
      if (!out.deploymentId) throw new PermanentError('CreateDeployment answered without a deployment id');
      return out.deploymentId;
    },
    async createdSince(target, marker, since) {
      return (await recent(target, since)).find((d) => d.description?.includes(marker))?.id;
    },
  };
}

/** Throttling and 5xx are retried by the state machine; a denied or invalid call is reported. */
const call = <T>(what: string, fn: () => Promise<T>): Promise<T> => callAws(`CodeDeploy ${what}`, fn);
const classify = (what: string, error: unknown) => classifyAwsError(`CodeDeploy ${what}`, error);
