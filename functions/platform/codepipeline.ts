import { type CodePipelineClient, GetPipelineCommand, type PipelineDeclaration } from '@aws-sdk/client-codepipeline';
import type { DeployTarget, PipelinesPort, Place } from '../kernel/ports';
import { type ClientsIn, clientAt } from './actor';
import { classifyAwsError } from './aws-errors';

/**
 * Reads pipeline definitions (`codepipeline.getPipeline`) to learn where a CodeDeploy action deploys.
 * Definitions are cached per container by name and structure version: a version never changes.
 *
 * @example await createPipelinesPort(client).deployTarget({ pipeline: 'web', stage: 'Deploy', action: 'Deploy', version: 3 })
 * // { application: 'web', deploymentGroup: 'web-prod' }
 */
export function createPipelinesPort(clients: ClientsIn<CodePipelineClient>): PipelinesPort {
  const cache = new Map<string, Promise<PipelineDeclaration | undefined>>();
  const load = (name: string, version?: number, place?: Place) => {
    const key = `${place ? `${place.account}/${place.region}/` : ''}${name}@${version ?? 'latest'}`;
    let pipeline = cache.get(key);
    if (!pipeline) {
      pipeline = clientAt(clients, place, `codepipeline.getPipeline ${name}`)
        .send(new GetPipelineCommand({ name, version }))
        .then(
          (out) => out.pipeline,
          (error: unknown) => {
            cache.delete(key);
            if (error instanceof Error && (error.name === 'PipelineNotFoundException' || error.name === 'PipelineVersionNotFoundException')) return undefined;
            throw classifyAwsError(`codepipeline.getPipeline ${name}`, error);
          },
        );
      cache.set(key, pipeline);
    }
    return pipeline;
  };
  return {
    async deployTarget(ref) {
      return deployTargetOf(await load(ref.pipeline, ref.version, ref.place), ref.stage, ref.action);
    },
    async actionConfiguration(ref) {
      return actionConfigurationOf(await load(ref.pipeline, ref.version, ref.place), ref.stage, ref.action);
    },
  };
}

/** The CodeDeploy target of one action of a pipeline definition (shared with the recording adapter). */
export function deployTargetOf(pipeline: PipelineDeclaration | undefined, stage: string, action: string): DeployTarget | undefined {
  const config = actionConfigurationOf(pipeline, stage, action);
  const application = config?.['ApplicationName'];
  const deploymentGroup = config?.['DeploymentGroupName'];
  return application && deploymentGroup ? { application, deploymentGroup } : undefined;
}

/** A pipeline definition, as far as an action's configuration is read from it (GetPipeline's output, or a world file's copy). */
export interface PipelineShape {
  readonly stages?: ReadonlyArray<{
    readonly name?: string;
    readonly actions?: ReadonlyArray<{ readonly name?: string; readonly configuration?: Readonly<Record<string, string>> }>;
  }>;
}

/** One action's configuration in a pipeline definition (shared with the recording adapter and the deploy-failure reads). */
export function actionConfigurationOf(pipeline: PipelineShape | undefined, stage: string, action: string): Readonly<Record<string, string>> | undefined {
  return pipeline?.stages?.find((s) => s.name === stage)?.actions?.find((a) => a.name === action)?.configuration;
}
