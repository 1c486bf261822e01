/** CodeDeploy as the world file describes it (see world.ts): reads answered, writes simulated. */
import type { DeploymentInfo } from '@aws-sdk/client-codedeploy';
import { PermanentError } from '../../kernel/errors';
import { deploymentView } from '../aws/codedeploy';
import type { DeployTarget } from '../domain/types';
import type { RollbackDeployPort } from '../ports';
import type { WorldContext, WorldDeployment } from './section';

const TERMINAL = new Set(['Succeeded', 'Failed', 'Stopped']);

/** An entry's status at `now`: a terminal status only once its end time has passed. */
export function statusAt(status: string, end: string | undefined, now: Date, running: string): string {
  return end && Date.parse(end) > now.getTime() ? running : status;
}

export function createWorldDeployPort(context: WorldContext): RollbackDeployPort {
  const { calls } = context;
  const now = () => context.now();
  const groupOf = (t: DeployTarget) => context.section.deploymentGroups[`${t.application}/${t.deploymentGroup}`];
  const all = () => Object.entries(context.section.deploymentGroups).flatMap(([key, g]) => g.deployments.map((d) => ({ key, d })));
  const find = (id: string) => all().find((e) => e.d.deploymentId === id);
  const visible = (d: WorldDeployment) => Date.parse(d.createTime) <= now().getTime();
  const info = (d: WorldDeployment, key: string): DeploymentInfo => {
    const [applicationName, deploymentGroupName] = key.split('/');
    const status = statusAt(d.status, d.completeTime, now(), 'InProgress') as DeploymentInfo['status'];
    const done = TERMINAL.has(status ?? '');
    return {
      applicationName,
      deploymentGroupName,
      deploymentId: d.deploymentId,
      status,
      createTime: new Date(d.createTime),
      ...(done && d.completeTime ? { completeTime: new Date(d.completeTime) } : {}),
      ...(d.revision ? { revision: d.revision } : {}),
      ...(d.previousRevision ? { previousRevision: d.previousRevision } : {}),
      ...(d.creator ? { creator: d.creator as DeploymentInfo['creator'] } : {}),
      ...(d.description ? { description: d.description } : {}),
      ...(d.rollbackInfo ? { rollbackInfo: d.rollbackInfo } : {}),
    };
  };
  const names = (t: DeployTarget) => ({ applicationName: t.application, deploymentGroupName: t.deploymentGroup });
  const listSince = (t: DeployTarget, since: Date) => {
    calls.push({ call: 'codedeploy.listDeployments', input: { ...names(t), createTimeRange: { start: since.toISOString() } } });
    const ids = (groupOf(t)?.deployments ?? []).filter((d) => visible(d) && Date.parse(d.createTime) >= since.getTime()).map((d) => d.deploymentId);
    if (ids.length) calls.push({ call: 'codedeploy.batchGetDeployments', input: { deploymentIds: ids } });
    const key = `${t.application}/${t.deploymentGroup}`;
    return ids
      .flatMap((id) => {
        const found = find(id);
        if (!found) throw new Error(`codedeploy world: deployment ${id} was listed but is not in the world`);
        return deploymentView(info(found.d, key)) ?? [];
      })
      .sort((a, b) => Date.parse(b.createTime) - Date.parse(a.createTime));
  };
  /** A new deployment of the group that runs for `takesMs` and ends as the world says. */
  const launch = (t: DeployTarget, fields: Partial<WorldDeployment> & Pick<WorldDeployment, 'deploymentId'>) => {
    const group = groupOf(t);
    if (!group) throw new PermanentError(`DeploymentGroupDoesNotExistException: ${t.application}/${t.deploymentGroup}`);
    const start = now();
    group.deployments.push({
      status: context.section.rollbackResult,
      createTime: start.toISOString(),
      completeTime: new Date(start.getTime() + context.takesMs).toISOString(),
      ...fields,
    });
  };
  return {
    async group(t, at) {
      calls.push({ call: 'codedeploy.getDeploymentGroup', input: names(t) });
      const group = groupOf(t);
      if (!group) return { exists: false, alarms: [], autoRollbackOnAlarm: false, deployments: [] };
      return {
        exists: true,
        alarms: group.alarms,
        autoRollbackOnAlarm: group.autoRollbackOnAlarm,
        deployments: listSince(t, new Date(at.getTime() - 30 * 86_400_000)).slice(0, 20),
      };
    },
    async deployment(id) {
      calls.push({ call: 'codedeploy.getDeployment', input: { deploymentId: id } });
      const found = find(id);
      return found && visible(found.d) ? deploymentView(info(found.d, found.key)) : undefined;
    },
    async stop(deploymentId) {
      calls.push({ call: 'codedeploy.stopDeployment', input: { deploymentId, autoRollbackEnabled: true } });
      const found = find(deploymentId);
      if (!found) throw new PermanentError(`DeploymentDoesNotExistException: ${deploymentId}`);
      if (TERMINAL.has(statusAt(found.d.status, found.d.completeTime, now(), 'InProgress'))) return 'already-ended';
      const [application = '', deploymentGroup = ''] = found.key.split('/');
      const target = { kind: 'codedeploy' as const, application, deploymentGroup };
      const previous = [...(groupOf(target)?.deployments ?? [])]
        .filter((d) => d.deploymentId !== deploymentId && statusAt(d.status, d.completeTime, now(), 'InProgress') === 'Succeeded')
        .sort((a, b) => Date.parse(b.createTime) - Date.parse(a.createTime))[0];
      const rollbackId = `d-ROLLBACK${context.nextId()}`;
      Object.assign(found.d, {
        status: 'Stopped',
        completeTime: now().toISOString(),
        rollbackInfo: { rollbackDeploymentId: rollbackId, rollbackMessage: `Rolled back by deployment ${rollbackId}` },
      });
      // As CodeDeploy does: the stop's rollback is a new deployment of the last successful revision.
      launch(target, {
        deploymentId: rollbackId,
        creator: 'codeDeployRollback',
        ...(previous?.revision ? { revision: previous.revision } : {}),
        rollbackInfo: { rollbackTriggeringDeploymentId: deploymentId },
      });
      return 'stopping';
    },
    async create(t, { revision, description }) {
      calls.push({ call: 'codedeploy.createDeployment', input: { ...names(t), revision: revision.location, description } });
      const deploymentId = `d-WARDEN${context.nextId()}`;
      launch(t, { deploymentId, creator: 'user', revision: revision.location, description });
      return deploymentId;
    },
    async createdSince(t, marker, since) {
      return listSince(t, since).find((d) => d.description?.includes(marker))?.id;
    },
  };
}
