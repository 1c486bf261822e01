/**
 * Why a deploy failed, read where it ran (organization mode: as the actor role in its account and
 * region): a CodeDeploy deployment's error and a few of its failed targets, or the events of the
 * CloudFormation stack a pipeline action deployed, the failed accounts/regions of a stack set's
 * operation, or the latest events of the ECS service a pipeline ECS action deployed. Reads only, a
 * bounded number of calls each.
 */
import {
  type CloudFormationClient,
  DescribeStackEventsCommand,
  ListStackSetOperationResultsCommand,
  ListStackSetOperationsCommand,
} from '@aws-sdk/client-cloudformation';
import { BatchGetDeploymentTargetsCommand, type CodeDeployClient, GetDeploymentCommand, ListDeploymentTargetsCommand } from '@aws-sdk/client-codedeploy';
import { type CodePipelineClient, GetPipelineCommand } from '@aws-sdk/client-codepipeline';
import { DescribeServicesCommand, type ECSClient } from '@aws-sdk/client-ecs';
import { DEPLOY_TARGETS_READ, type DeployDiagnosticsPort, type Place, type StackEventReport } from '../../kernel/ports';
import { stackSetOperationOf } from '../../kernel/stack-set-operation';
import { type ClientsIn, clientAt } from '../../platform/actor';
import { classifyAwsError } from '../../platform/aws-errors';
import { actionConfigurationOf, type PipelineShape } from '../../platform/codepipeline';
import { isOperationStart } from '../domain/deploy-diagnosis';

/** Pages of `ListDeploymentTargets` read looking for failed targets (a page may hold none). */
const TARGET_PAGES_MAX = 3;
/** Pages of `DescribeStackEvents` read back looking for the start of the latest operation. */
const STACK_PAGES_MAX = 5;

export interface DeployDiagnosticsClients {
  readonly codedeploy: ClientsIn<CodeDeployClient>;
  readonly cloudformation: ClientsIn<CloudFormationClient>;
  readonly codepipeline: ClientsIn<CodePipelineClient>;
  /** Without it, ECS actions are not explained (the port has no `serviceEvents`). */
  readonly ecs?: ClientsIn<ECSClient>;
}

/**
 * @example
 * const diagnostics = createDeployDiagnosticsPort({ codedeploy, cloudformation, codepipeline });
 * (await diagnostics.deployment({ deploymentId: 'd-7K1J2ABCD' }))?.deploymentInfo.errorInformation // { code: 'SCRIPT_FAILED', … }
 */
export function createDeployDiagnosticsPort(clients: DeployDiagnosticsClients): DeployDiagnosticsPort {
  const definition = async (place: Place | undefined, pipeline: string) => {
    try {
      return (await clientAt(clients.codepipeline, place, `codepipeline.getPipeline ${pipeline}`).send(new GetPipelineCommand({ name: pipeline }))).pipeline;
    } catch (error) {
      if (error instanceof Error && error.name === 'PipelineNotFoundException') return undefined;
      throw classifyAwsError(`codepipeline.getPipeline ${pipeline}`, error);
    }
  };
  const ecs = clients.ecs;
  return {
    ...(ecs
      ? {
          actionService: async ({ place, pipeline, stage, action }) => serviceOf(await definition(place, pipeline), stage, action),
          async serviceEvents({ place, cluster, service }) {
            const what = `ECS DescribeServices ${cluster}/${service}`;
            try {
              const out = await clientAt(ecs, place, what).send(new DescribeServicesCommand({ cluster, services: [service] }));
              // A service that does not exist is a `failures[]` entry (MISSING), not an error.
              const found = out.services?.[0];
              return found ? (found.events ?? []) : undefined;
            } catch (error) {
              if (error instanceof Error && error.name === 'ClusterNotFoundException') return undefined;
              throw classifyAwsError(what, error);
            }
          },
        }
      : {}),
    actionStackSet: async ({ place, pipeline, stage, action }) =>
      actionConfigurationOf(await definition(place, pipeline), stage, action)?.['StackSetName'] || undefined,
    // Two calls: the operations' first page (newest first), then one page of the chosen one's failed results.
    async stackSetOperation({ place, stackSetName: StackSetName, since }) {
      const what = `ListStackSetOperations ${StackSetName}`;
      const cloudformation = clientAt(clients.cloudformation, place, what);
      try {
        const op = stackSetOperationOf((await cloudformation.send(new ListStackSetOperationsCommand({ StackSetName }))).Summaries ?? [], since);
        if (!op?.OperationId) return undefined;
        const out = await cloudformation.send(
          new ListStackSetOperationResultsCommand({
            StackSetName,
            OperationId: op.OperationId,
            MaxResults: 100,
            Filters: [{ Name: 'OPERATION_RESULT_STATUS', Values: 'FAILED' }],
          }),
        );
        return { ...op, failed: out.Summaries ?? [], more: !!out.NextToken };
      } catch (error) {
        // StackSetNotFoundException, OperationNotFoundException
        if (error instanceof Error && /NotFound/.test(error.name)) return undefined;
        throw classifyAwsError(what, error);
      }
    },
    async deployment({ place, deploymentId }) {
      const codedeploy = clientAt(clients.codedeploy, place, `CodeDeploy GetDeployment ${deploymentId}`);
      const what = `CodeDeploy deployment ${deploymentId}`;
      try {
        const info = (await codedeploy.send(new GetDeploymentCommand({ deploymentId }))).deploymentInfo;
        if (!info) return undefined;
        const targetIds: string[] = [];
        let nextToken: string | undefined;
        for (let page = 0; page < TARGET_PAGES_MAX && targetIds.length < DEPLOY_TARGETS_READ; page += 1) {
          const out = await codedeploy.send(new ListDeploymentTargetsCommand({ deploymentId, targetFilters: { TargetStatus: ['Failed'] }, nextToken }));
          targetIds.push(...(out.targetIds ?? []));
          nextToken = out.nextToken;
          if (!nextToken) break;
        }
        const read = targetIds.slice(0, DEPLOY_TARGETS_READ);
        const targets = read.length
          ? ((await codedeploy.send(new BatchGetDeploymentTargetsCommand({ deploymentId, targetIds: read }))).deploymentTargets ?? [])
          : [];
        return { deploymentInfo: info, deploymentTargets: targets };
      } catch (error) {
        if (error instanceof Error && error.name === 'DeploymentDoesNotExistException') return undefined;
        throw classifyAwsError(what, error);
      }
    },

    async actionStack({ place, pipeline, stage, action }) {
      try {
        const out = await clientAt(clients.codepipeline, place, `codepipeline.getPipeline ${pipeline}`).send(new GetPipelineCommand({ name: pipeline }));
        return stackOf(out.pipeline, stage, action);
      } catch (error) {
        if (error instanceof Error && error.name === 'PipelineNotFoundException') return undefined;
        throw classifyAwsError(`codepipeline.getPipeline ${pipeline}`, error);
      }
    },

    async stackEvents({ place, stackName }) {
      const cloudformation = clientAt(clients.cloudformation, place, `CloudFormation DescribeStackEvents ${stackName}`);
      const events: StackEventReport[] = [];
      let NextToken: string | undefined;
      try {
        for (let page = 0; page < STACK_PAGES_MAX; page += 1) {
          // Newest first: the failed operation is at the start, its own start a page or two back.
          const out = await cloudformation.send(new DescribeStackEventsCommand({ StackName: stackName, NextToken }));
          const batch = out.StackEvents ?? [];
          const start = batch.findIndex(isOperationStart);
          events.push(...(start >= 0 ? batch.slice(0, start + 1) : batch));
          NextToken = out.NextToken;
          if (start >= 0 || !NextToken) break;
        }
        return events;
      } catch (error) {
        // "Stack with id X does not exist" is a ValidationError: the stack was deleted since.
        if (error instanceof Error && error.name === 'ValidationError' && /does not exist/.test(error.message)) return undefined;
        throw classifyAwsError(`CloudFormation DescribeStackEvents ${stackName}`, error);
      }
    },
  };
}

/**
 * The service a standard ECS deploy action deploys: its `ClusterName` and `ServiceName` configuration.
 *
 * @example serviceOf(pipeline, 'Deploy', 'DeployToECS') // { cluster: 'web-cluster', service: 'web' }
 */
export function serviceOf(pipeline: PipelineShape | undefined, stage: string, action: string): { cluster: string; service: string } | undefined {
  const config = actionConfigurationOf(pipeline, stage, action);
  const cluster = config?.['ClusterName'];
  const service = config?.['ServiceName'];
  return cluster && service ? { cluster, service } : undefined;
}

/**
 * The stack a CloudFormation action deploys: its `StackName` configuration. (A StackSet action's
 * stack set, `StackSetName`, has operations, not stack events: `stackSetOperation` reads them.)
 *
 * @example stackOf(pipeline, 'Deploy', 'CreateStack') // 'web-prod'
 */
export function stackOf(pipeline: PipelineShape | undefined, stage: string, action: string): string | undefined {
  return actionConfigurationOf(pipeline, stage, action)?.['StackName'] || undefined;
}
