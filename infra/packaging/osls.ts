/**
 * What osls hands an exported function of a `${file(...)}` source, and the wrapper every resolver
 * runs through: the stage check, then one printed failure instead of osls's many.
 */
import { stageNameProblems } from '../../cli/stage-names';
import { InvalidConfigError } from './errors';
import { PROJECT_DIR } from './load';

/** The part of osls's variable-source context the resolvers use. */
export interface ResolverContext {
  /** Resolves another variable of serverless.yml, e.g. `sls:stage` or `param:config, 'config/warden.yml'`. */
  resolveVariable(address: string): Promise<unknown>;
}

export type Resolver<T> = (ctx: ResolverContext) => Promise<T>;

/** Stages already found to fit every physical name of the stack. */
const fittingStages = new Set<string>();

/**
 * Refuses a stage that makes a physical name longer than AWS allows (cli/stage-names.ts), with
 * each name and its limit: CloudFormation would only fail half-way through the deployment.
 *
 * @throws InvalidConfigError naming each name too long and its limit.
 */
export async function checkStage({ resolveVariable }: ResolverContext): Promise<void> {
  const stage = String(await resolveVariable('sls:stage'));
  if (fittingStages.has(stage)) return;
  const { problems, longest } = stageNameProblems(PROJECT_DIR, stage);
  if (problems.length)
    throw new InvalidConfigError(`Stage "${stage}" (${stage.length} characters) is too long: at most ${longest} fit every name of the stack`, problems);
  fittingStages.add(stage);
}

/**
 * An export for osls. osls calls every `${file(...)}` of serverless.yml, collects each failure and
 * prints them all, each wrapped in "Cannot resolve variable at …": one invalid config made twenty
 * copies. So the first failure prints its problems once and ends the process with status 1.
 *
 * @example export const topicArns = resolver(async (ctx) => topicArnsOf(await configFromParams(ctx)));
 */
export function resolver<T>(resolve: Resolver<T>): Resolver<T> {
  return async (ctx) => {
    try {
      await checkStage(ctx);
      return await resolve(ctx);
    } catch (error) {
      if (!(error instanceof InvalidConfigError)) throw error;
      process.stderr.write(`\nError:\n${error.message}\n`);
      return process.exit(1);
    }
  };
}
