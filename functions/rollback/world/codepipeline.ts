/** CodePipeline as the world file describes it (see world.ts): reads answered, writes simulated. */
import { PermanentError } from '../../kernel/errors';
import type { StageExecution, StageTarget } from '../domain/types';
import type { RollbackPipelinePort } from '../ports';
import { statusAt } from './codedeploy';
import type { WorldContext, WorldStageExecution } from './section';

const RUNNING = new Set(['InProgress', 'Stopping']);

export function createWorldPipelinePort(context: WorldContext): RollbackPipelinePort {
  const { calls } = context;
  const now = () => context.now();
  const pipelineOf = (name: string) => context.section.pipelines[name];
  const visible = (e: WorldStageExecution) => Date.parse(e.startTime) <= now().getTime();
  const statusOf = (e: WorldStageExecution) => statusAt(e.status, e.endTime, now(), 'InProgress');
  const executions = (t: StageTarget) =>
    (pipelineOf(t.pipeline)?.stages[t.stage] ?? []).filter(visible).sort((a, b) => Date.parse(b.startTime) - Date.parse(a.startTime));
  const allExecutions = (pipeline: string) =>
    Object.values(pipelineOf(pipeline)?.stages ?? {})
      .flat()
      .filter(visible);
  const view = (e: WorldStageExecution): StageExecution => {
    const status = statusOf(e);
    const rev = e.sourceRevision;
    return {
      executionId: e.pipelineExecutionId,
      status,
      type: e.executionType,
      startTime: e.startTime,
      ...(e.endTime && !RUNNING.has(status) ? { endTime: e.endTime } : {}),
      ...(e.rollbackTargetPipelineExecutionId ? { rollbackTarget: e.rollbackTargetPipelineExecutionId } : {}),
      ...(rev ? { revision: `${rev.revisionId.slice(0, 7)}${rev.revisionSummary ? ` ${rev.revisionSummary.split('\n')[0]}` : ''}` } : {}),
    };
  };
  const listRecorded = (pipelineName: string, stageName?: string) =>
    calls.push({
      call: 'codepipeline.listPipelineExecutions',
      input: { pipelineName, maxResults: 25, ...(stageName ? { filter: { succeededInStage: { stageName } } } : {}) },
    });
  return {
    async stage(t) {
      calls.push({ call: 'codepipeline.getPipeline', input: { name: t.pipeline } });
      const pipeline = pipelineOf(t.pipeline);
      if (!pipeline) return { stageExists: false, succeeded: [] };
      if (!(t.stage in pipeline.stages)) return { pipelineType: pipeline.pipelineType, stageExists: false, succeeded: [] };
      if (pipeline.pipelineType !== 'V2') return { pipelineType: pipeline.pipelineType, stageExists: true, succeeded: [] };
      calls.push({ call: 'codepipeline.getPipelineState', input: { name: t.pipeline } });
      listRecorded(t.pipeline, t.stage);
      const runs = executions(t);
      const succeeded = runs.filter((e) => statusOf(e) === 'Succeeded').map(view);
      const latest = runs[0];
      if (!latest) return { pipelineType: 'V2', stageExists: true, succeeded };
      listRecorded(t.pipeline);
      calls.push({
        call: 'codepipeline.listActionExecutions',
        input: { pipelineName: t.pipeline, filter: { pipelineExecutionId: latest.pipelineExecutionId } },
      });
      return { pipelineType: 'V2', stageExists: true, latest: view(latest), succeeded };
    },
    async stageStatus(t) {
      calls.push({ call: 'codepipeline.getPipelineState', input: { name: t.pipeline } });
      const latest = executions(t)[0];
      return latest ? { executionId: latest.pipelineExecutionId, status: statusOf(latest) } : {};
    },
    async executionStatus(pipelineName, pipelineExecutionId) {
      calls.push({ call: 'codepipeline.getPipelineExecution', input: { pipelineName, pipelineExecutionId } });
      const found = allExecutions(pipelineName).find((e) => e.pipelineExecutionId === pipelineExecutionId);
      if (!found) throw new PermanentError(`PipelineExecutionNotFoundException: ${pipelineExecutionId}`);
      return statusOf(found);
    },
    async stop(pipelineName, pipelineExecutionId, reason) {
      calls.push({ call: 'codepipeline.stopPipelineExecution', input: { pipelineName, pipelineExecutionId, abandon: true, reason: reason.slice(0, 200) } });
      // Abandoning ends the stage at once.
      for (const e of allExecutions(pipelineName)) {
        if (e.pipelineExecutionId === pipelineExecutionId && RUNNING.has(statusOf(e))) Object.assign(e, { status: 'Stopped', endTime: now().toISOString() });
      }
    },
    async rollback(t, targetPipelineExecutionId) {
      calls.push({ call: 'codepipeline.rollbackStage', input: { pipelineName: t.pipeline, stageName: t.stage, targetPipelineExecutionId } });
      const stage = pipelineOf(t.pipeline)?.stages[t.stage];
      const target = stage?.find((e) => e.pipelineExecutionId === targetPipelineExecutionId);
      if (!stage || !target) throw new PermanentError(`UnableToRollbackStageException: no execution ${targetPipelineExecutionId} in ${t.pipeline}/${t.stage}`);
      if (executions(t).some((e) => RUNNING.has(statusOf(e)))) throw new PermanentError(`UnableToRollbackStageException: ${t.pipeline}/${t.stage} is running`);
      const id = `e0000000-0000-4000-8000-${String(context.nextId()).padStart(12, '0')}`;
      const start = now();
      stage.push({
        pipelineExecutionId: id,
        status: context.section.rollbackResult,
        startTime: start.toISOString(),
        endTime: new Date(start.getTime() + context.takesMs).toISOString(),
        executionType: 'ROLLBACK',
        rollbackTargetPipelineExecutionId: targetPipelineExecutionId,
        ...(target.sourceRevision ? { sourceRevision: target.sourceRevision } : {}),
      });
      return id;
    },
    async rollbackSince(t, targetExecutionId, since) {
      listRecorded(t.pipeline);
      return executions(t).find(
        (e) => e.executionType === 'ROLLBACK' && e.rollbackTargetPipelineExecutionId === targetExecutionId && Date.parse(e.startTime) >= since.getTime(),
      )?.pipelineExecutionId;
    },
  };
}
