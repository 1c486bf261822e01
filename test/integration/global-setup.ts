/**
 * One packaged stack in one moto for every integration test file: packaging takes ~20 s and files
 * run in parallel workers, so each file deploying its own would multiply the run time. The create
 * outcome is provided, not thrown, so a failed CreateStack fails a test with moto's reason.
 */
import { rmSync } from 'node:fs';
import type { TestProject } from 'vitest/node';
import { startMoto } from '../support/moto';
import { serverlessPackage, type Template } from '../support/package';
import { deployToMoto, type StackOutcome } from './deploy';

export interface DeployedStack extends StackOutcome {
  readonly endpoint: string;
  /** moto's stderr up to the end of CreateStack (its unsupported-type warnings are there). */
  readonly motoStderr: string;
  readonly packageMs: number;
  /** The template as packaged (before the moto rewrite): what the deployed resources must match. */
  readonly template: Template;
}

declare module 'vitest' {
  export interface ProvidedContext {
    stack: DeployedStack;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // Packaged before moto starts: a package failure then leaves no process behind.
  const packaged = await serverlessPackage([]);
  const moto = await startMoto();
  try {
    const outcome = await deployToMoto({ endpoint: moto.endpoint, packaged, stackName: 'pipeline-warden-ci' });
    project.provide('stack', { ...outcome, endpoint: moto.endpoint, motoStderr: moto.stderr(), packageMs: packaged.ms, template: packaged.template });
  } catch (error) {
    await moto.stop();
    throw error;
  } finally {
    rmSync(packaged.dir, { recursive: true, force: true });
  }
  return () => moto.stop();
}
