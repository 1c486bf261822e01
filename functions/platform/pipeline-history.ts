/**
 * Delivery facts read back from a pipeline's CodePipeline history (read-only), for `warden metrics
 * --aws`: what pipeline-warden would have recorded had it been watching. Executions come from
 * ListPipelineExecutions; per standard execution, ListActionExecutions tells when its production
 * stages succeeded or failed; GetPipelineExecution gives the source revisions' `created` time.
 */
import {
  type ActionExecutionDetail,
  type CodePipelineClient,
  GetPipelineExecutionCommand,
  ListActionExecutionsCommand,
  ListPipelineExecutionsCommand,
  type PipelineExecutionSummary,
} from '@aws-sdk/client-codepipeline';
import type { DeliveryFact } from '../kernel/delivery/fact';
import { isProductionStage } from '../kernel/production';
import { callAws } from './aws-errors';

export interface PipelineHistoryQuery {
  readonly pipeline: string;
  /** Executions last updated before this are not read. */
  readonly since: Date;
  readonly productionStages: readonly string[];
  /** Where the pipeline lives: facts name it. */
  readonly account: string;
  readonly region: string;
}

const ROLLBACK_TRIGGERS = new Set(['ManualRollback', 'AutomatedRollback']);

/**
 * @example const facts = await pipelineHistoryFacts(new CodePipelineClient({}), { pipeline: 'web', since, productionStages, account, region })
 */
export async function pipelineHistoryFacts(client: CodePipelineClient, query: PipelineHistoryQuery): Promise<DeliveryFact[]> {
  const facts: DeliveryFact[] = [];
  for (const summary of await executionsSince(client, query)) facts.push(...(await factsOfExecution(client, query, summary)));
  return facts;
}

/** Newest first, page by page, until a page holds only executions started before `since`. */
async function executionsSince(client: CodePipelineClient, query: PipelineHistoryQuery): Promise<PipelineExecutionSummary[]> {
  const since = query.since.getTime();
  const found: PipelineExecutionSummary[] = [];
  let nextToken: string | undefined;
  do {
    const page = await call('ListPipelineExecutions', () =>
      client.send(new ListPipelineExecutionsCommand({ pipelineName: query.pipeline, maxResults: 100, ...(nextToken ? { nextToken } : {}) })),
    );
    const summaries = page.pipelineExecutionSummaries ?? [];
    found.push(...summaries.filter((s) => (s.lastUpdateTime ?? s.startTime ?? new Date(0)).getTime() >= since));
    if (summaries.every((s) => (s.startTime?.getTime() ?? 0) < since)) break;
    nextToken = page.nextToken;
  } while (nextToken);
  return found;
}

async function factsOfExecution(client: CodePipelineClient, query: PipelineHistoryQuery, summary: PipelineExecutionSummary): Promise<DeliveryFact[]> {
  const executionId = summary.pipelineExecutionId;
  const startedAt = summary.startTime?.toISOString();
  if (!executionId || !startedAt) return [];
  const base = { account: query.account, region: query.region, pipeline: query.pipeline, executionId };
  const triggerType = summary.trigger?.triggerType;
  if (summary.executionType === 'ROLLBACK' || (triggerType && ROLLBACK_TRIGGERS.has(triggerType))) {
    // RollbackStage (pipeline-warden's own included) starts a rollback execution too: CodePipeline does not say who asked.
    return [{ ...base, kind: 'rollback', by: 'codepipeline', at: startedAt }];
  }
  // A retried action is listed once per attempt: any failed attempt is the run's production failure
  // (it counts once even when the retry then succeeded); each action's last attempt is its outcome.
  const attempts = (await actionsOf(client, query.pipeline, executionId)).filter((a) => isProductionStage(a.stageName ?? '', query.productionStages));
  const facts: DeliveryFact[] = [];
  const failed = attempts.filter((a) => a.status === 'Failed').sort((a, b) => time(a) - time(b))[0];
  if (failed) facts.push({ ...base, kind: 'failed-deployment', stage: failed.stageName ?? '', at: iso(failed) });
  const outcomes = latestPerAction(attempts);
  if (outcomes.length > 0 && outcomes.every((a) => a.status === 'Succeeded')) {
    const at = new Date(Math.max(...outcomes.map(time))).toISOString();
    const committedAt = await committedAtOf(client, query.pipeline, executionId);
    facts.push({ ...base, kind: 'deployment', at, startedAt, ...(committedAt ? { committedAt } : {}) });
  }
  return facts;
}

async function actionsOf(client: CodePipelineClient, pipelineName: string, pipelineExecutionId: string): Promise<ActionExecutionDetail[]> {
  const actions: ActionExecutionDetail[] = [];
  let nextToken: string | undefined;
  do {
    const page = await call('ListActionExecutions', () =>
      client.send(new ListActionExecutionsCommand({ pipelineName, filter: { pipelineExecutionId }, ...(nextToken ? { nextToken } : {}) })),
    );
    actions.push(...(page.actionExecutionDetails ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  return actions;
}

/** Each action's last attempt (latest start). */
function latestPerAction(actions: readonly ActionExecutionDetail[]): ActionExecutionDetail[] {
  const latest = new Map<string, ActionExecutionDetail>();
  for (const action of actions) {
    const key = `${action.stageName}/${action.actionName}`;
    const held = latest.get(key);
    if (!held || (action.startTime?.getTime() ?? 0) > (held.startTime?.getTime() ?? 0)) latest.set(key, action);
  }
  return [...latest.values()];
}

/** The earliest `created` of the execution's source revisions: when the change was made. */
async function committedAtOf(client: CodePipelineClient, pipelineName: string, pipelineExecutionId: string): Promise<string | undefined> {
  const out = await call('GetPipelineExecution', () => client.send(new GetPipelineExecutionCommand({ pipelineName, pipelineExecutionId })));
  const created = (out.pipelineExecution?.artifactRevisions ?? []).flatMap((r) => (r.created ? [r.created.getTime()] : []));
  return created.length ? new Date(Math.min(...created)).toISOString() : undefined;
}

const time = (a: ActionExecutionDetail) => (a.lastUpdateTime ?? a.startTime ?? new Date(0)).getTime();
const iso = (a: ActionExecutionDetail) => new Date(time(a)).toISOString();
const call = <T>(what: string, fn: () => Promise<T>): Promise<T> => callAws(`CodePipeline ${what}`, fn);
