/**
 * The rollback flow's AWS side in replay and in the state machine tests: CodeDeploy and
 * CodePipeline answered from the world file's `rollback` section (README.md, "Rollback on alarms", "World file"),
 * every call recorded under its real API name with the SDK's input shape, and writes simulated:
 * a stopped deployment gets CodeDeploy's rollback deployment, a redeploy or a stage rollback runs
 * for `rollbackTakes` and ends `rollbackResult`. Times are read against the replay clock: an entry
 * that completes after "now" is still in progress.
 */
import { parseDuration } from '../../kernel/duration';
import type { RecordedCall } from '../../platform/recording';
import type { RollbackDeployPort, RollbackPipelinePort } from '../ports';
import { createWorldDeployPort } from './codedeploy';
import { createWorldPipelinePort } from './codepipeline';
import type { RollbackWorldSection, WorldContext } from './section';

export { parseRollbackWorld, RollbackWorldSection, type WorldContext } from './section';

/**
 * @example
 * const { deploy, pipeline } = createWorldRollbackPorts(section, { now: () => clock.now(), calls: recorder.calls });
 * await deploy.stop('d-123'); // records codedeploy.stopDeployment; d-123 is Stopped, a rollback deployment runs
 */
export function createWorldRollbackPorts(
  section: RollbackWorldSection,
  options: { readonly now: () => Date; readonly calls: RecordedCall[] },
): { deploy: RollbackDeployPort; pipeline: RollbackPipelinePort } {
  let seq = 0;
  const context: WorldContext = {
    // The simulation mutates its copy; the caller's parsed world stays as read.
    section: structuredClone(section),
    now: options.now,
    calls: options.calls,
    takesMs: parseDuration(section.rollbackTakes) ?? 300_000,
    nextId: () => ++seq,
  };
  return { deploy: createWorldDeployPort(context), pipeline: createWorldPipelinePort(context) };
}
