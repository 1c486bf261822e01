/**
 * The governance function's AWS edge: CodePipeline (definitions, stage transitions, starts),
 * CodeBuild (projects), SSM Change Calendars, and the records of the transitions it closed.
 */
import { BatchGetProjectsCommand, type CodeBuildClient, paginateListProjects } from '@aws-sdk/client-codebuild';
import {
  type CodePipelineClient,
  DisableStageTransitionCommand,
  EnableStageTransitionCommand,
  GetPipelineCommand,
  GetPipelineStateCommand,
  paginateListPipelines,
  StartPipelineExecutionCommand,
} from '@aws-sdk/client-codepipeline';
import { GetCalendarStateCommand, type SSMClient } from '@aws-sdk/client-ssm';
import { DeleteCommand, type DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { PermanentError } from '../../kernel/errors';
import type { Place } from '../../kernel/ports';
import { KEY_PREFIX } from '../../kernel/table-keys';
import { callAws, classifyAwsError } from '../../platform/aws-errors';
import { TTL_ATTRIBUTE } from '../../platform/dynamo-store';
import { parseStored } from '../../platform/stored-item';
import { type BuildProject, BuildProjectSchema, PipelineDefinitionSchema } from '../domain/definitions';
import { type TransitionRecord, TransitionRecordSchema } from '../domain/enforcement';
import type {
  ChangeCalendarsPort,
  DoneRecordsPort,
  GovernancePipelinesPort,
  GovernanceProjectsPort,
  PlaceSummary,
  SweepResultsPort,
  TransitionRecordsPort,
} from '../ports';
import { DONE_TTL_SECONDS } from '../ports';

const call = callAws;

const iso = (d: Date | undefined) => (d ? d.toISOString() : undefined);

export function createGovernancePipelinesPort(client: CodePipelineClient): GovernancePipelinesPort {
  return {
    async list() {
      const names: string[] = [];
      await call('CodePipeline ListPipelines', async () => {
        for await (const page of paginateListPipelines({ client }, {})) names.push(...(page.pipelines ?? []).flatMap((p) => (p.name ? [p.name] : [])));
      });
      return names;
    },
    async get(name) {
      try {
        const out = await client.send(new GetPipelineCommand({ name }));
        const parsed = PipelineDefinitionSchema.safeParse(out.pipeline);
        if (!parsed.success) throw new PermanentError(`CodePipeline GetPipeline ${name}: a definition pipeline-warden cannot read`);
        return parsed.data;
      } catch (error) {
        if (error instanceof Error && error.name === 'PipelineNotFoundException') return undefined;
        if (error instanceof PermanentError) throw error;
        return call(`CodePipeline GetPipeline ${name}`, () => Promise.reject(error));
      }
    },
    async transitions(name) {
      const out = await call(`CodePipeline GetPipelineState ${name}`, () => client.send(new GetPipelineStateCommand({ name })));
      return (out.stageStates ?? []).flatMap((s) => {
        if (!s.stageName) return [];
        const t = s.inboundTransitionState;
        return [
          {
            stage: s.stageName,
            enabled: t?.enabled ?? true,
            ...(t?.disabledReason ? { disabledReason: t.disabledReason } : {}),
            ...(t?.lastChangedBy ? { lastChangedBy: t.lastChangedBy } : {}),
            ...(t?.lastChangedAt ? { lastChangedAt: iso(t.lastChangedAt) } : {}),
            ...(s.latestExecution?.pipelineExecutionId ? { latestExecutionId: s.latestExecution.pipelineExecutionId } : {}),
          },
        ];
      });
    },
    async disable(name, stage, reason) {
      await call(`CodePipeline DisableStageTransition ${name}/${stage}`, () =>
        client.send(new DisableStageTransitionCommand({ pipelineName: name, stageName: stage, transitionType: 'Inbound', reason })),
      );
    },
    async enable(name, stage) {
      await call(`CodePipeline EnableStageTransition ${name}/${stage}`, () =>
        client.send(new EnableStageTransitionCommand({ pipelineName: name, stageName: stage, transitionType: 'Inbound' })),
      );
    },
    async start(name, clientRequestToken) {
      const out = await call(`CodePipeline StartPipelineExecution ${name}`, () => client.send(new StartPipelineExecutionCommand({ name, clientRequestToken })));
      return { executionId: out.pipelineExecutionId ?? '' };
    },
  };
}

/** BatchGetProjects takes at most 100 names a call. */
const BATCH = 100;

export function createGovernanceProjectsPort(client: CodeBuildClient): GovernanceProjectsPort {
  return {
    async list() {
      const names: string[] = [];
      await call('CodeBuild ListProjects', async () => {
        for await (const page of paginateListProjects({ client }, {})) names.push(...(page.projects ?? []));
      });
      return names;
    },
    async get(names) {
      const projects: BuildProject[] = [];
      for (let i = 0; i < names.length; i += BATCH) {
        const out = await call('CodeBuild BatchGetProjects', () => client.send(new BatchGetProjectsCommand({ names: names.slice(i, i + BATCH) })));
        for (const item of out.projects ?? []) {
          const parsed = BuildProjectSchema.safeParse(item);
          if (parsed.success) projects.push(parsed.data);
        }
      }
      return projects;
    },
  };
}

export function createChangeCalendarsPort(client: SSMClient): ChangeCalendarsPort {
  return {
    async state(calendar) {
      const out = await call(`SSM GetCalendarState ${calendar}`, () => client.send(new GetCalendarStateCommand({ CalendarNames: [calendar] })));
      return out.State === 'CLOSED' ? 'CLOSED' : 'OPEN';
    },
  };
}

/**
 * The partition of a place's records: organization mode keeps each account's and region's apart
 * (`<prefix>#<account>/<region>`: two accounts may have a pipeline of the same name); one account
 * keeps the partition it always had.
 */
export const placedPartition = (pk: string, place: Place | undefined): string => (place ? `${pk}#${place.account}/${place.region}` : pk);

/**
 * The transitions this tool closed: `GOVERNANCE#TRANSITIONS` / `<pipeline>#<stage>` in the cards table
 * (`GOVERNANCE#TRANSITIONS#<account>/<region>` for a place, organization mode).
 */
export function createDynamoTransitionRecords(options: {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
  readonly place?: Place;
}): TransitionRecordsPort {
  const { client, tableName } = options;
  const RECORDS_PK = placedPartition(`${KEY_PREFIX.governance}TRANSITIONS`, options.place);
  return {
    async list() {
      const records: TransitionRecord[] = [];
      let start: Record<string, unknown> | undefined;
      do {
        const out = await call('DynamoDB (transitions)', () =>
          client.send(
            new QueryCommand({
              TableName: tableName,
              KeyConditionExpression: 'pk = :pk',
              ExpressionAttributeValues: { ':pk': RECORDS_PK },
              ConsistentRead: true,
              ExclusiveStartKey: start,
            }),
          ),
        );
        records.push(...(out.Items ?? []).map((i) => parseStored(TransitionRecordSchema, i['record'], `transition record ${String(i['sk'])}`)));
        start = out.LastEvaluatedKey;
      } while (start);
      return records;
    },
    async put(record) {
      // No expiry: a closed transition stays ours for as long as it stays closed.
      await call('DynamoDB (transitions)', () =>
        client.send(new PutCommand({ TableName: tableName, Item: { pk: RECORDS_PK, sk: `${record.pipeline}#${record.stage}`, record } })),
      );
    },
    async claim(record, seen) {
      const condition = seen
        ? {
            ConditionExpression: '#r.disabledAt = :at AND #r.#state = :state AND #r.reason = :reason',
            ExpressionAttributeNames: { '#r': 'record', '#state': 'state' },
            ExpressionAttributeValues: { ':at': seen.disabledAt, ':state': seen.state, ':reason': seen.reason },
          }
        : { ConditionExpression: 'attribute_not_exists(pk)' };
      try {
        await client.send(new PutCommand({ TableName: tableName, Item: { pk: RECORDS_PK, sk: `${record.pipeline}#${record.stage}`, record }, ...condition }));
        return true;
      } catch (error) {
        if (error instanceof Error && error.name === 'ConditionalCheckFailedException') return false;
        throw classifyAwsError('DynamoDB (transitions)', error);
      }
    },
    async remove(pipeline, stage) {
      await call('DynamoDB (transitions)', () => client.send(new DeleteCommand({ TableName: tableName, Key: { pk: RECORDS_PK, sk: `${pipeline}#${stage}` } })));
    },
  };
}

/**
 * Side effects done (`GOVERNANCE#DONE#<key>` in the cards table, within the governance role's
 * `GOVERNANCE#*` leading keys): a conditional put records one before it is made, as `claim` does
 * for a closed stage, so of any number of deliveries, concurrent or not, one makes it.
 */
export function createDynamoDoneRecords(options: {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
  readonly now?: () => Date;
}): DoneRecordsPort {
  const { client, tableName } = options;
  const now = options.now ?? (() => new Date());
  const key = (done: string) => ({ pk: `${KEY_PREFIX.governance}DONE#${done}`, sk: 'done' });
  return {
    async claim(done) {
      const at = now();
      const seconds = Math.floor(at.getTime() / 1000);
      const Item = { ...key(done), at: at.toISOString(), [TTL_ATTRIBUTE]: seconds + DONE_TTL_SECONDS };
      try {
        // DynamoDB deletes expired items days later: one past its expiry is no longer a record.
        await client.send(
          new PutCommand({
            TableName: tableName,
            Item,
            ConditionExpression: 'attribute_not_exists(pk) OR #ttl < :now',
            ExpressionAttributeNames: { '#ttl': TTL_ATTRIBUTE },
            ExpressionAttributeValues: { ':now': seconds },
          }),
        );
        return true;
      } catch (error) {
        if (error instanceof Error && error.name === 'ConditionalCheckFailedException') return false;
        throw classifyAwsError('DynamoDB (done)', error);
      }
    },
    async release(done) {
      await call('DynamoDB (done)', () => client.send(new DeleteCommand({ TableName: tableName, Key: key(done) })));
    },
  };
}

/** A sweep's results outlive its execution (a day at most) by a day. */
const SWEEP_TTL_SECONDS = 2 * 86_400;

/**
 * Each place's result of an organization sweep: `GOVERNANCE#SWEEP#<key>` / `<account>/<region>`,
 * within the governance role's `GOVERNANCE#*` leading keys, expiring after two days.
 */
export function createDynamoSweepResults(options: {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
  readonly now?: () => Date;
}): SweepResultsPort {
  const { client, tableName } = options;
  const now = options.now ?? (() => new Date());
  const pk = (key: string) => `${KEY_PREFIX.governance}SWEEP#${key}`;
  return {
    async put(key, summary) {
      const Item = {
        pk: pk(key),
        sk: `${summary.place.account}/${summary.place.region}`,
        summary,
        [TTL_ATTRIBUTE]: Math.floor(now().getTime() / 1000) + SWEEP_TTL_SECONDS,
      };
      await call('DynamoDB (sweep)', () => client.send(new PutCommand({ TableName: tableName, Item })));
    },
    async list(key) {
      const found: PlaceSummary[] = [];
      let start: Record<string, unknown> | undefined;
      do {
        const out = await call('DynamoDB (sweep)', () =>
          client.send(
            new QueryCommand({
              TableName: tableName,
              KeyConditionExpression: 'pk = :pk',
              ExpressionAttributeValues: { ':pk': pk(key) },
              ConsistentRead: true,
              ExclusiveStartKey: start,
            }),
          ),
        );
        found.push(...(out.Items ?? []).map((i) => i['summary'] as PlaceSummary));
        start = out.LastEvaluatedKey;
      } while (start);
      return found;
    },
  };
}
