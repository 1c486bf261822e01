/** The CodeDeploy side of rollbacks, against the SDK (aws-sdk-client-mock): group view, stop, redeploy. */
import {
  BatchGetDeploymentsCommand,
  CodeDeployClient,
  CreateDeploymentCommand,
  DeploymentAlreadyCompletedException,
  DeploymentGroupDoesNotExistException,
  GetDeploymentCommand,
  GetDeploymentGroupCommand,
  ListDeploymentsCommand,
  StopDeploymentCommand,
  ThrottlingException,
} from '@aws-sdk/client-codedeploy';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it } from 'vitest';
import { PermanentError, RetryableError } from '../../functions/kernel/errors';
import { createRollbackDeployPort, revisionOf } from '../../functions/rollback/aws/codedeploy';

const cd = mockClient(CodeDeployClient);
const port = () => createRollbackDeployPort(new CodeDeployClient({ region: 'eu-west-1' }));
const target = { kind: 'codedeploy' as const, application: 'web-frontend', deploymentGroup: 'web-frontend-prod' };
const s3 = (version: string) => ({ revisionType: 'S3' as const, s3Location: { bucket: 'artifacts', key: 'web.zip', bundleType: 'zip' as const, version } });
const meta = { $metadata: {} };
const NOW = new Date('2026-11-23T10:30:00Z');

describe('rollback CodeDeploy port', () => {
  beforeEach(() => cd.reset());

  it('reads the group: its own alarm rollback, and recent deployments newest first (ListDeployments has no order)', async () => {
    cd.on(GetDeploymentGroupCommand).resolves({
      deploymentGroupInfo: {
        alarmConfiguration: { enabled: true, alarms: [{ name: 'web-frontend-5xx' }] },
        autoRollbackConfiguration: { enabled: true, events: ['DEPLOYMENT_FAILURE', 'DEPLOYMENT_STOP_ON_ALARM'] },
      },
    });
    cd.on(ListDeploymentsCommand)
      .resolvesOnce({ deployments: ['d-OLD'], nextToken: 'page-2' })
      .resolvesOnce({ deployments: ['d-NEW'] });
    cd.on(BatchGetDeploymentsCommand).resolves({
      deploymentsInfo: [
        {
          deploymentId: 'd-OLD',
          status: 'Succeeded',
          createTime: new Date('2026-11-22T10:00:00Z'),
          completeTime: new Date('2026-11-22T10:05:00Z'),
          revision: s3('v1'),
          creator: 'user',
        },
        {
          deploymentId: 'd-NEW',
          status: 'InProgress',
          createTime: new Date('2026-11-23T10:20:00Z'),
          revision: s3('v2'),
          creator: 'user',
          rollbackInfo: { rollbackMessage: 'none yet' },
        },
      ],
    });
    const group = await port().group(target, NOW);
    expect(group).toEqual({
      exists: true,
      alarms: ['web-frontend-5xx'],
      autoRollbackOnAlarm: true,
      deployments: [
        {
          id: 'd-NEW',
          status: 'InProgress',
          createTime: '2026-11-23T10:20:00.000Z',
          revision: { label: 's3://artifacts/web.zip (v2)', location: s3('v2') },
          creator: 'user',
          rollbackInfo: { message: 'none yet' },
        },
        {
          id: 'd-OLD',
          status: 'Succeeded',
          createTime: '2026-11-22T10:00:00.000Z',
          completeTime: '2026-11-22T10:05:00.000Z',
          revision: { label: 's3://artifacts/web.zip (v1)', location: s3('v1') },
          creator: 'user',
        },
      ],
    });
    expect(cd).toHaveReceivedCommandWith(ListDeploymentsCommand, {
      applicationName: 'web-frontend',
      deploymentGroupName: 'web-frontend-prod',
      createTimeRange: { start: new Date('2026-10-24T10:30:00Z') },
    });
    expect(cd).toHaveReceivedCommandWith(BatchGetDeploymentsCommand, { deploymentIds: ['d-OLD', 'd-NEW'] });
  });

  it('a group whose alarms are disabled rolls back nothing itself; a missing group is reported as such', async () => {
    cd.on(GetDeploymentGroupCommand)
      .resolvesOnce({
        deploymentGroupInfo: {
          alarmConfiguration: { enabled: false, alarms: [{ name: 'x' }] },
          autoRollbackConfiguration: { enabled: true, events: ['DEPLOYMENT_FAILURE'] },
        },
      })
      .rejectsOnce(new DeploymentGroupDoesNotExistException({ message: 'no such group', ...meta }));
    cd.on(ListDeploymentsCommand).resolves({ deployments: [] });
    expect(await port().group(target, NOW)).toEqual({ exists: true, alarms: [], autoRollbackOnAlarm: false, deployments: [] });
    expect(await port().group(target, NOW)).toEqual({ exists: false, alarms: [], autoRollbackOnAlarm: false, deployments: [] });
  });

  it('stops with autoRollbackEnabled; a deployment that already ended is an expected outcome', async () => {
    cd.on(StopDeploymentCommand)
      .resolvesOnce({ status: 'Pending' })
      .rejectsOnce(new DeploymentAlreadyCompletedException({ message: 'done', ...meta }));
    expect(await port().stop('d-NEW')).toBe('stopping');
    expect(await port().stop('d-NEW')).toBe('already-ended');
    expect(cd).toHaveReceivedCommandWith(StopDeploymentCommand, { deploymentId: 'd-NEW', autoRollbackEnabled: true });
  });

  it('redeploys a revision with its exact location and finds it again by its marker', async () => {
    cd.on(CreateDeploymentCommand).resolves({ deploymentId: 'd-REDEPLOY' });
    const revision = revisionOf(s3('v1'))!;
    expect(await port().create(target, { revision, description: 'pipeline-warden rollback exec-1: …' })).toBe('d-REDEPLOY');
    expect(cd).toHaveReceivedCommandWith(CreateDeploymentCommand, {
      applicationName: 'web-frontend',
      deploymentGroupName: 'web-frontend-prod',
      revision: s3('v1'),
      description: 'pipeline-warden rollback exec-1: …',
    });
    cd.on(ListDeploymentsCommand).resolves({ deployments: ['d-REDEPLOY'] });
    cd.on(BatchGetDeploymentsCommand).resolves({
      deploymentsInfo: [{ deploymentId: 'd-REDEPLOY', status: 'InProgress', createTime: NOW, description: 'pipeline-warden rollback exec-1: …' }],
    });
    expect(await port().createdSince(target, 'pipeline-warden rollback exec-1', NOW)).toBe('d-REDEPLOY');
    expect(await port().createdSince(target, 'pipeline-warden rollback exec-2', NOW)).toBeUndefined();
  });

  it('reads one deployment; a throttle is retryable, a denial permanent', async () => {
    cd.on(GetDeploymentCommand)
      .resolvesOnce({
        deploymentInfo: { deploymentId: 'd-1', status: 'Stopped', createTime: NOW, completeTime: NOW, rollbackInfo: { rollbackDeploymentId: 'd-RB' } },
      })
      .rejectsOnce(new ThrottlingException({ message: 'Rate exceeded', ...meta }))
      .rejectsOnce(Object.assign(new Error('not authorized'), { name: 'AccessDeniedException', $metadata: { httpStatusCode: 403 } }));
    expect(await port().deployment('d-1')).toMatchObject({ id: 'd-1', status: 'Stopped', rollbackInfo: { rollbackDeploymentId: 'd-RB' } });
    await expect(port().deployment('d-1')).rejects.toBeInstanceOf(RetryableError);
    await expect(port().deployment('d-1')).rejects.toBeInstanceOf(PermanentError);
  });

  it.each([
    [{ revisionType: 'GitHub', gitHubLocation: { repository: 'acme/web', commitId: '0123456789abcdef' } }, 'acme/web@0123456'],
    [{ revisionType: 'AppSpecContent', appSpecContent: { content: '{}', sha256: 'ab12cd34ef56ab12cd34' } }, 'AppSpec sha256:ab12cd34ef56'],
    [{ revisionType: 'S3', s3Location: { bucket: 'b', key: 'k.zip', eTag: '0123456789abcdefff' } }, 's3://b/k.zip (0123456789ab)'],
  ])('labels revision %j as %s', (location, label) => {
    expect(revisionOf(location)?.label).toBe(label);
  });
});
