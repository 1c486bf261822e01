/**
 * Why a deploy failed, in replay (functions/platform/recording.ts): each read recorded under its
 * real API name as the adapter (functions/notify/aws/deploy-diagnostics.ts) makes it, answered by
 * the world file's `deployments`, `pipelines`, `stacks`, `stackSets` and `ecsServices` (per account
 * first), or with `--aws` by the account.
 */
import type { PipelineDeclaration } from '@aws-sdk/client-codepipeline';
import {
  DEPLOY_TARGETS_READ,
  type DeployDiagnosticsPort,
  type DeploymentReport,
  type Place,
  type ServiceEventReport,
  type StackEventReport,
  type StackSetOperationReport,
} from '../kernel/ports';
import { stackSetOperationOf } from '../kernel/stack-set-operation';
import { actionConfigurationOf } from './codepipeline';

/** The world file's sections these reads answer from (recording.ts, `World`). */
export interface DiagnosticsWorld {
  /** Pipeline definitions by name, as `aws codepipeline get-pipeline` prints them (`{ "pipeline": … }`). */
  readonly pipelines?: Readonly<Record<string, { readonly pipeline: PipelineDeclaration }>>;
  /**
   * CodeDeploy deployments by id, as `aws deploy get-deployment` (`deploymentInfo`) and
   * `aws deploy batch-get-deployment-targets` (`deploymentTargets`, every target: replay reads the failed ones) print them.
   */
  readonly deployments?: Readonly<Record<string, Partial<DeploymentReport>>>;
  /** CloudFormation stacks by name, as `aws cloudformation describe-stack-events` prints them (newest first). */
  readonly stacks?: Readonly<Record<string, { readonly StackEvents?: readonly StackEventReport[] }>>;
  /**
   * CloudFormation stack sets by name: `Summaries` as `aws cloudformation list-stack-set-operations`
   * prints them, `results` by operation id as `list-stack-set-operation-results` prints them (every
   * result: replay reads the failed ones).
   */
  readonly stackSets?: Readonly<
    Record<
      string,
      {
        readonly Summaries?: readonly {
          readonly OperationId?: string;
          readonly Status?: string;
          readonly StatusReason?: string;
          readonly CreationTimestamp?: string;
        }[];
        readonly results?: Readonly<
          Record<string, { readonly Summaries?: readonly (StackSetOperationReport['failed'][number] & { readonly Status?: string })[] }>
        >;
      }
    >
  >;
  /** ECS services keyed `<cluster>/<service>`, each as `aws ecs describe-services` prints one service (`events` newest first). */
  readonly ecsServices?: Readonly<Record<string, { readonly events?: readonly ServiceEventReport[] }>>;
}

export interface RecordingContext {
  readonly world: DiagnosticsWorld;
  /** `--aws`: the account answers (each read is still recorded). */
  readonly live?: DeployDiagnosticsPort;
  readonly calls: {
    push(...calls: { readonly call: string; readonly input: Readonly<Record<string, unknown>>; readonly account?: string; readonly region?: string }[]): number;
  };
  /** The world file's own sections of an account (organization mode), read before the top-level ones. */
  readonly accountOf: (place: Place | undefined) => DiagnosticsWorld | undefined;
}

/** @example const diagnostics = recordingDiagnostics({ world, calls, accountOf }); await diagnostics.deployment({ deploymentId: 'd-1' }) */
export function recordingDiagnostics({ world, live, calls, accountOf }: RecordingContext): DeployDiagnosticsPort {
  const definitionOf = (place: Place | undefined, pipeline: string) => (accountOf(place)?.pipelines?.[pipeline] ?? world.pipelines?.[pipeline])?.pipeline;
  /** A deployment read from the account: the reads after GetDeployment are recorded as the adapter makes them (a failed-target list, then a batch of those it read). */
  const liveDeployment = async (port: DeployDiagnosticsPort, ref: Parameters<DeployDiagnosticsPort['deployment']>[0]) => {
    const report = await port.deployment(ref);
    if (!report) return undefined;
    const { deploymentId, place } = ref;
    calls.push({ call: 'codedeploy.listDeploymentTargets', input: { deploymentId, targetFilters: { TargetStatus: ['Failed'] } }, ...place });
    const read = report.deploymentTargets.map(targetId).filter((id) => id !== '');
    if (read.length) calls.push({ call: 'codedeploy.batchGetDeploymentTargets', input: { deploymentId, targetIds: read }, ...place });
    return report;
  };
  return {
    async deployment({ place, deploymentId }) {
      calls.push({ call: 'codedeploy.getDeployment', input: { deploymentId }, ...place });
      if (live) return liveDeployment(live, { place, deploymentId });
      const known = accountOf(place)?.deployments?.[deploymentId] ?? world.deployments?.[deploymentId];
      if (!known?.deploymentInfo) return undefined;
      const failed = (known.deploymentTargets ?? []).filter((t) => targetStatus(t) === 'Failed');
      calls.push({ call: 'codedeploy.listDeploymentTargets', input: { deploymentId, targetFilters: { TargetStatus: ['Failed'] } }, ...place });
      const read = failed.slice(0, DEPLOY_TARGETS_READ);
      if (read.length) calls.push({ call: 'codedeploy.batchGetDeploymentTargets', input: { deploymentId, targetIds: read.map(targetId) }, ...place });
      return { deploymentInfo: known.deploymentInfo, deploymentTargets: read };
    },
    async actionStack({ place, pipeline, stage, action }) {
      calls.push({ call: 'codepipeline.getPipeline', input: { name: pipeline }, ...place });
      if (live) return live.actionStack({ place, pipeline, stage, action });
      return actionConfigurationOf(definitionOf(place, pipeline), stage, action)?.['StackName'] || undefined;
    },
    async stackEvents({ place, stackName }) {
      calls.push({ call: 'cloudformation.describeStackEvents', input: { StackName: stackName }, ...place });
      if (live) return live.stackEvents({ place, stackName });
      const stack = accountOf(place)?.stacks?.[stackName] ?? world.stacks?.[stackName];
      return stack ? (stack.StackEvents ?? []) : undefined;
    },
    async actionStackSet({ place, pipeline, stage, action }) {
      calls.push({ call: 'codepipeline.getPipeline', input: { name: pipeline }, ...place });
      if (live) return live.actionStackSet?.({ place, pipeline, stage, action });
      return actionConfigurationOf(definitionOf(place, pipeline), stage, action)?.['StackSetName'] || undefined;
    },
    // The calls the adapter makes: the operations, then the newest one's failed results (created since the action started, give or take a minute).
    async stackSetOperation({ place, stackSetName, since }) {
      calls.push({ call: 'cloudformation.listStackSetOperations', input: { StackSetName: stackSetName }, ...place });
      if (live) return live.stackSetOperation?.({ place, stackSetName, since });
      const known = accountOf(place)?.stackSets?.[stackSetName] ?? world.stackSets?.[stackSetName];
      const op = stackSetOperationOf(known?.Summaries ?? [], since);
      if (!op?.OperationId) return undefined;
      const input = {
        StackSetName: stackSetName,
        OperationId: op.OperationId,
        MaxResults: 100,
        Filters: [{ Name: 'OPERATION_RESULT_STATUS', Values: 'FAILED' }],
      };
      calls.push({ call: 'cloudformation.listStackSetOperationResults', input, ...place });
      const failed = (known?.results?.[op.OperationId]?.Summaries ?? []).filter((r) => r.Status === 'FAILED');
      return { Status: op.Status, StatusReason: op.StatusReason, failed: failed.slice(0, 100), more: failed.length > 100 };
    },
    async actionService({ place, pipeline, stage, action }) {
      calls.push({ call: 'codepipeline.getPipeline', input: { name: pipeline }, ...place });
      if (live) return live.actionService?.({ place, pipeline, stage, action });
      const config = actionConfigurationOf(definitionOf(place, pipeline), stage, action);
      const cluster = config?.['ClusterName'];
      const service = config?.['ServiceName'];
      return cluster && service ? { cluster, service } : undefined;
    },
    async serviceEvents({ place, cluster, service }) {
      calls.push({ call: 'ecs.describeServices', input: { cluster, services: [service] }, ...place });
      if (live) return live.serviceEvents?.({ place, cluster, service });
      const known = accountOf(place)?.ecsServices?.[`${cluster}/${service}`] ?? world.ecsServices?.[`${cluster}/${service}`];
      return known ? (known.events ?? []) : undefined;
    },
  };
}

type TargetOf = NonNullable<DeploymentReport['deploymentTargets']>[number];
const targetBody = (t: TargetOf) => t.instanceTarget ?? t.lambdaTarget ?? t.ecsTarget ?? t.cloudFormationTarget;
const targetStatus = (t: TargetOf) => targetBody(t)?.status;
const targetId = (t: TargetOf) => targetBody(t)?.targetId ?? '';
