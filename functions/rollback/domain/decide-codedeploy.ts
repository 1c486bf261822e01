/** The decision for a guarded CodeDeploy deployment group. */

import type { EffectiveGuard } from '../../kernel/config/rollback';
import { formatDuration } from '../../kernel/duration';
import { type AlarmInfo, CODEDEPLOY_ROLLBACK_CREATOR, type Decision, type DeploymentView, type GroupView, type Revision } from './types';

/** Statuses of a deployment that has not ended (`Ready`: blue/green waiting to reroute traffic). */
export const ACTIVE_DEPLOYMENT = new Set(['Created', 'Queued', 'InProgress', 'Baking', 'Ready']);

const ms = (iso: string | undefined) => (iso ? Date.parse(iso) : Number.NaN);

/**
 * In order: CodeDeploy's own rollback (already made, or about to be made by the group's alarm
 * configuration) is only watched; a deployment in progress is stopped with rollback; a success
 * within the bake window is replaced by the last good revision; anything else is only told.
 */
export function decideDeployment(alarm: AlarmInfo, guard: EffectiveGuard, group: GroupView | undefined): Decision {
  if (!group?.exists) return { kind: 'notify', code: 'not-found', reason: 'the deployment group does not exist (or cannot be read)' };
  const latest = group.deployments[0];
  if (!latest) return { kind: 'notify', code: 'nothing-deployed', reason: 'the deployment group has no deployments' };
  const alarmAt = Date.parse(alarm.time);
  const recent = (d: DeploymentView) => ACTIVE_DEPLOYMENT.has(d.status) || alarmAt - ms(d.completeTime ?? d.createTime) <= guard.bakeWindowMs;

  const own = codeDeployOwnRollback(alarm, group, latest);
  if (own && recent(latest)) return own;

  if (ACTIVE_DEPLOYMENT.has(latest.status)) {
    if (ms(latest.createTime) > alarmAt) {
      return {
        kind: 'notify',
        code: 'started-after-alarm',
        reason: `deployment ${latest.id} started after ${alarm.name} went to ALARM: it did not cause it (it may be the fix)`,
      };
    }
    const good = lastGood(group.deployments.slice(1), latest);
    return {
      kind: 'stop-deployment',
      deploymentId: latest.id,
      ...(latest.revision ? { from: latest.revision } : {}),
      ...(good ? { to: good.revision } : {}),
      reason: `deployment ${latest.id} was in progress (${latest.status}) when ${alarm.name} went to ALARM`,
    };
  }
  if (latest.status !== 'Succeeded') {
    return {
      kind: 'notify',
      code: 'last-run-failed',
      reason: `the latest deployment ${latest.id} ended ${latest.status} and CodeDeploy made no rollback: nothing succeeded to roll back`,
    };
  }
  const since = alarmAt - ms(latest.completeTime ?? latest.createTime);
  if (since > guard.bakeWindowMs) {
    return {
      kind: 'notify',
      code: 'outside-bake-window',
      reason: `the latest deployment ${latest.id} succeeded ${formatDuration(since)} before the alarm, outside the ${formatDuration(guard.bakeWindowMs)} bake window`,
    };
  }
  const good = lastGood(group.deployments.slice(1), latest);
  if (!good)
    return {
      kind: 'notify',
      code: 'no-earlier-revision',
      reason: `deployment ${latest.id} succeeded within the bake window, but no earlier revision is known to roll back to`,
    };
  return {
    kind: 'redeploy',
    from: { deploymentId: latest.id, ...(latest.revision ? { revision: latest.revision } : {}) },
    to: { ...(good.deploymentId ? { deploymentId: good.deploymentId } : {}), revision: good.revision },
    reason: `deployment ${latest.id} succeeded ${formatDuration(Math.max(0, since))} before ${alarm.name} went to ALARM, within the ${formatDuration(guard.bakeWindowMs)} bake window`,
  };
}

/** A rollback CodeDeploy made or is about to make: only watched and reported, never doubled. */
function codeDeployOwnRollback(alarm: AlarmInfo, group: GroupView, latest: DeploymentView): Decision | undefined {
  if (latest.creator === CODEDEPLOY_ROLLBACK_CREATOR) {
    const triggeredBy = latest.rollbackInfo?.rollbackTriggeringDeploymentId;
    return {
      kind: 'observe-deployment',
      deploymentId: latest.id,
      awaiting: 'rollback',
      ...(triggeredBy ? { triggeredBy } : {}),
      ...(latest.revision ? { to: latest.revision } : {}),
      reason: `CodeDeploy is already rolling back${triggeredBy ? ` deployment ${triggeredBy}` : ''} (rollback deployment ${latest.id})`,
    };
  }
  const rollbackId = latest.rollbackInfo?.rollbackDeploymentId;
  if ((latest.status === 'Stopped' || latest.status === 'Failed') && rollbackId) {
    return {
      kind: 'observe-deployment',
      deploymentId: rollbackId,
      awaiting: 'rollback',
      triggeredBy: latest.id,
      ...(latest.revision ? { from: latest.revision } : {}),
      reason: `CodeDeploy already rolled back deployment ${latest.id} (rollback deployment ${rollbackId})`,
    };
  }
  if (ACTIVE_DEPLOYMENT.has(latest.status) && group.autoRollbackOnAlarm && group.alarms.includes(alarm.name)) {
    return {
      kind: 'observe-deployment',
      deploymentId: latest.id,
      awaiting: 'stop',
      ...(latest.revision ? { from: latest.revision } : {}),
      reason: `the deployment group's own alarm configuration watches ${alarm.name}: CodeDeploy stops deployment ${latest.id} and rolls it back itself`,
    };
  }
  return undefined;
}

/**
 * The revision to go back to: the newest earlier success with another revision, else the revision
 * CodeDeploy says was deployed before the bad one (`previousRevision`).
 */
function lastGood(older: readonly DeploymentView[], bad: DeploymentView): { deploymentId?: string; revision: Revision } | undefined {
  const good = older.find((d) => d.status === 'Succeeded' && d.revision && !sameRevision(d.revision, bad.revision));
  if (good?.revision) return { deploymentId: good.id, revision: good.revision };
  return bad.previousRevision && !sameRevision(bad.previousRevision, bad.revision) ? { revision: bad.previousRevision } : undefined;
}

const sameRevision = (a: Revision, b: Revision | undefined) => b !== undefined && JSON.stringify(a.location) === JSON.stringify(b.location);
