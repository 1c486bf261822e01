/**
 * The governance function's AWS side in memory: the one world `warden replay`, `npm run dev` and
 * the tests use (cli/targets/governance.ts, test/support/governance.ts). It behaves as the adapters
 * in aws/governance.ts and the services behind them do: every CodePipeline, CodeBuild and SSM call
 * is recorded under its real API name with the SDK's input shape; a transition record is claimed
 * with DynamoDB's conditional write (a claim against a record changed since it was read loses);
 * StartPipelineExecution with a client request token seen before returns the execution it started;
 * Disable/EnableStageTransition change the inbound transition and leave the stage's latest execution
 * as it was.
 */
import { PermanentError } from '../kernel/errors';
import type { Place } from '../kernel/ports';
import type { RecordedCall } from '../platform/recording';
import { type BuildProject, PipelineDefinitionSchema } from './domain/definitions';
import { type Bypass, stageKey, type TransitionRecord, type TransitionState } from './domain/enforcement';
import type {
  BypassesPort,
  ChangeCalendarsPort,
  DoneRecordsPort,
  GovernancePipelinesPort,
  GovernanceProjectsPort,
  PlaceSummary,
  SweepResultsPort,
  TransitionRecordsPort,
} from './ports';
import { DONE_TTL_SECONDS } from './ports';

/**
 * The done records in memory, with DynamoDB's semantics (a record is there until it expires): the
 * one implementation `warden replay` and the tests use.
 *
 * @example const done = createMemoryDoneRecords(); await done.claim('k') // true; again: false
 */
export function createMemoryDoneRecords(now: () => Date = () => new Date()): DoneRecordsPort & { readonly keys: () => string[] } {
  /** Key → expiry in whole seconds, as DynamoDB's TTL attribute holds it. */
  const expiries = new Map<string, number>();
  return {
    async claim(key) {
      const seconds = Math.floor(now().getTime() / 1000);
      // The adapter's condition: no record, or one whose expiry has passed (`#ttl < :now`).
      if ((expiries.get(key) ?? -Infinity) >= seconds) return false;
      expiries.set(key, seconds + DONE_TTL_SECONDS);
      return true;
    },
    async release(key) {
      expiries.delete(key);
    },
    keys: () => [...expiries.keys()],
  };
}

export type BypassAudit = Parameters<BypassesPort['audit']>[0];

/**
 * Break-glass bypasses in memory, one per stage as the DynamoDB store keys them, with the audit
 * trail kept in order: the one implementation `warden replay`, `npm run dev` and the tests use.
 */
export function createMemoryBypasses(): BypassesPort & { readonly entries: Map<string, Bypass>; readonly audits: BypassAudit[] } {
  const entries = new Map<string, Bypass>();
  /** As the table keys them: `AUDIT#<pipeline>` / `<at>#bypass#<stage>#<event>`; a retried write replaces its entry. */
  const trail = new Map<string, BypassAudit>();
  /** The trail as a Query per pipeline reads it (sort key order); the same array, kept up to date. */
  const audits: BypassAudit[] = [];
  return {
    entries,
    audits,
    // Copies in and out, as a table's items are.
    list: async () => [...entries.values()].map((bypass) => structuredClone(bypass)),
    put: async (bypass) => void entries.set(`${bypass.pipeline}/${bypass.stage}`, structuredClone(bypass)),
    remove: async (pipeline, stage) => void entries.delete(`${pipeline}/${stage}`),
    audit: async (entry) => {
      trail.set(`${entry.pipeline}\u0000${entry.at}#bypass#${entry.stage}#${entry.event}`, { ...entry });
      const sorted = [...trail.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, e]) => e);
      audits.splice(0, audits.length, ...sorted);
    },
  };
}

export interface GovernanceWorldOptions {
  /** Pipeline name → GetPipeline's `pipeline` (read with the adapter's schema when governance gets it). */
  readonly pipelines: Iterable<readonly [string, unknown]>;
  /** Inbound transitions per pipeline, as GetPipelineState reports them; a stage not listed is open. */
  readonly transitions?: Readonly<Record<string, readonly TransitionState[]>>;
  readonly projects?: readonly BuildProject[];
  /** Change Calendar → its state; a calendar not listed is OPEN. */
  readonly calendars?: Readonly<Record<string, 'OPEN' | 'CLOSED'>>;
  readonly now: () => Date;
  /** Where every CodePipeline, CodeBuild and SSM call goes. */
  readonly calls: RecordedCall[];
  /** The id of the `n`th execution the world starts (from 1); `exec-<n>` unless given. */
  readonly executionId?: (n: number, clientRequestToken: string) => string;
}

/** A transition change by anyone (governance, a person in the console): the stage's latest execution stays. */
type TransitionChange = Omit<TransitionState, 'stage' | 'lastChangedAt' | 'latestExecutionId'>;

/** BatchGetProjects takes at most 100 names a call (as aws/governance.ts sends them). */
const BATCH = 100;

/** The stage names of a definition as GetPipelineState lists them, whether or not governance can read the rest. */
function stageNames(definition: unknown): string[] {
  const stages = (definition as { stages?: unknown } | undefined)?.stages;
  if (!Array.isArray(stages)) return [];
  return stages.flatMap((s: { name?: unknown }) => (typeof s?.name === 'string' ? [s.name] : []));
}

/**
 * @example
 * const world = createGovernanceWorld({ pipelines: [['orders', definition]], now: () => clock.now(), calls: recorder.calls });
 * await world.pipelines.disable('orders', 'Prod', 'pipeline-warden - rule x'); // records codepipeline.disableStageTransition; Prod is closed
 */
export function createGovernanceWorld(options: GovernanceWorldOptions) {
  const { calls, now } = options;
  /** Pipeline name → GetPipeline's `pipeline`; tests add and change pipelines here. */
  const definitions = new Map<string, unknown>(options.pipelines);
  /** `<pipeline>/<stage>` → its inbound transition; a stage without an entry is open. */
  const transitions = new Map<string, TransitionState>();
  for (const [name, definition] of definitions) for (const stage of stageNames(definition)) transitions.set(stageKey(name, stage), { stage, enabled: true });
  for (const [name, states] of Object.entries(options.transitions ?? {})) for (const t of states) transitions.set(stageKey(name, t.stage), { ...t });
  const projects = [...(options.projects ?? [])];
  const calendars = new Map<string, 'OPEN' | 'CLOSED'>(Object.entries(options.calendars ?? {}));
  /** `<pipeline>/<client request token>` → the execution it started. */
  const executions = new Map<string, string>();
  /** The transition records table: `<pipeline>/<stage>` → the record. */
  const records = new Map<string, TransitionRecord>();
  const executionId = options.executionId ?? ((n: number) => `exec-${n}`);

  const stateOf = (key: string, stage: string): TransitionState => transitions.get(key) ?? { stage, enabled: true };
  // As in CodePipeline, changing a transition leaves the stage's latest execution as it was.
  const change = (pipeline: string, stage: string, state: TransitionChange) => {
    const key = stageKey(pipeline, stage);
    const { latestExecutionId } = stateOf(key, stage);
    const { enabled, disabledReason, lastChangedBy } = state;
    transitions.set(key, {
      stage,
      enabled,
      ...(disabledReason !== undefined ? { disabledReason } : {}),
      ...(lastChangedBy !== undefined ? { lastChangedBy } : {}),
      lastChangedAt: now().toISOString(),
      ...(latestExecutionId ? { latestExecutionId } : {}),
    });
  };
  /** CodePipeline refuses a transition change of a pipeline or stage that does not exist (a 4xx: the adapter's PermanentError). */
  const existing = (pipeline: string, stage?: string) => {
    if (!definitions.has(pipeline)) throw new PermanentError(`PipelineNotFoundException: ${pipeline}`);
    if (stage !== undefined && !stageNames(definitions.get(pipeline)).includes(stage)) throw new PermanentError(`StageNotFoundException: ${pipeline}/${stage}`);
  };
  const splitKey = (key: string) => {
    const at = key.indexOf('/');
    return { pipeline: key.slice(0, at), stage: key.slice(at + 1) };
  };

  const pipelines: GovernancePipelinesPort = {
    async list() {
      calls.push({ call: 'codepipeline.listPipelines', input: {} });
      return [...definitions.keys()];
    },
    async get(name) {
      calls.push({ call: 'codepipeline.getPipeline', input: { name } });
      if (!definitions.has(name)) return undefined;
      const parsed = PipelineDefinitionSchema.safeParse(definitions.get(name));
      if (!parsed.success) throw new PermanentError(`CodePipeline GetPipeline ${name}: a definition pipeline-warden cannot read`);
      return parsed.data;
    },
    async transitions(name) {
      calls.push({ call: 'codepipeline.getPipelineState', input: { name } });
      existing(name);
      return stageNames(definitions.get(name)).map((stage) => ({ ...stateOf(stageKey(name, stage), stage) }));
    },
    async disable(name, stage, reason) {
      calls.push({ call: 'codepipeline.disableStageTransition', input: { pipelineName: name, stageName: stage, transitionType: 'Inbound', reason } });
      existing(name, stage);
      change(name, stage, { enabled: false, disabledReason: reason });
    },
    async enable(name, stage) {
      calls.push({ call: 'codepipeline.enableStageTransition', input: { pipelineName: name, stageName: stage, transitionType: 'Inbound' } });
      existing(name, stage);
      change(name, stage, { enabled: true });
    },
    // The same client request token starts one execution: a repeat returns the one it started.
    async start(name, clientRequestToken) {
      calls.push({ call: 'codepipeline.startPipelineExecution', input: { name, clientRequestToken } });
      const key = `${name}/${clientRequestToken}`;
      let id = executions.get(key);
      if (id === undefined) {
        id = executionId(executions.size + 1, clientRequestToken);
        executions.set(key, id);
      }
      return { executionId: id };
    },
  };

  const projectsPort: GovernanceProjectsPort = {
    async list() {
      calls.push({ call: 'codebuild.listProjects', input: {} });
      return projects.map((p) => p.name);
    },
    async get(names) {
      const found: BuildProject[] = [];
      for (let i = 0; i < names.length; i += BATCH) {
        const chunk = names.slice(i, i + BATCH);
        calls.push({ call: 'codebuild.batchGetProjects', input: { names: chunk } });
        found.push(...projects.filter((p) => chunk.includes(p.name)));
      }
      return found;
    },
  };

  const calendarsPort: ChangeCalendarsPort = {
    async state(calendar) {
      calls.push({ call: 'ssm.getCalendarState', input: { CalendarNames: [calendar] } });
      return calendars.get(calendar) ?? 'OPEN';
    },
  };

  const recordsPort: TransitionRecordsPort = {
    list: async () => [...records.values()].map((r) => ({ ...r })),
    put: async (record) => void records.set(stageKey(record.pipeline, record.stage), { ...record }),
    // DynamoDB's conditional put: with `seen`, the stored record must still have its disabledAt,
    // state and reason; without, there must be none. Otherwise another run got there first.
    async claim(record, seen) {
      const key = stageKey(record.pipeline, record.stage);
      const held = records.get(key);
      const unchanged = seen
        ? held !== undefined && held.disabledAt === seen.disabledAt && held.state === seen.state && held.reason === seen.reason
        : held === undefined;
      if (unchanged) records.set(key, { ...record });
      return unchanged;
    },
    remove: async (pipeline, stage) => void records.delete(stageKey(pipeline, stage)),
  };

  return {
    pipelines,
    projects: projectsPort,
    calendars: calendarsPort,
    records: recordsPort,
    done: createMemoryDoneRecords(now),
    bypasses: createMemoryBypasses(),
    /** What the ports read and change, for tests to look at and set up. */
    state: { definitions, transitions, projects, calendars, executions, records },
    /** An execution goes into a stage (GetPipelineState's latestExecution changes). */
    enter(key: string, executionId: string) {
      const { stage } = splitKey(key);
      transitions.set(key, { ...stateOf(key, stage), latestExecutionId: executionId });
    },
    /** A person (console) changes a transition: as Disable/EnableStageTransition, the latest execution stays. */
    person(key: string, state: TransitionChange) {
      const { pipeline, stage } = splitKey(key);
      change(pipeline, stage, state);
    },
  };
}

export type GovernanceWorld = ReturnType<typeof createGovernanceWorld>;

/** The organization sweep's results in memory, as the DynamoDB store keeps them (one per sweep and place; a retry replaces). */
export function createMemorySweepResults(): SweepResultsPort & { readonly entries: Map<string, Map<string, PlaceSummary>> } {
  const entries = new Map<string, Map<string, PlaceSummary>>();
  return {
    entries,
    async put(key, summary) {
      const sweep = entries.get(key) ?? new Map<string, PlaceSummary>();
      sweep.set(`${summary.place.account}/${summary.place.region}`, structuredClone(summary));
      entries.set(key, sweep);
    },
    list: async (key) => [...(entries.get(key)?.values() ?? [])].map((s) => structuredClone(s)),
  };
}

/**
 * An organization in memory (organization mode): one governance world per account and region, each
 * with its own pipelines, transitions and records, as the actor role there and the per-place
 * records keys give them. An account in `refused` refuses the actor role, as STS does when the
 * member stack is missing there: every call fails with the actor's PermanentError.
 *
 * @example
 * const org = createOrganizationWorld({ places: [[{ account: '111122223333', region: 'eu-west-1' }, { pipelines: [] }]], now, calls });
 * deps.at = org.at;
 */
export function createOrganizationWorld(options: {
  readonly places: Iterable<readonly [Place, Omit<GovernanceWorldOptions, 'now' | 'calls'>]>;
  readonly refused?: readonly string[];
  readonly now: () => Date;
  readonly calls: RecordedCall[];
}) {
  const key = (p: Place) => `${p.account}/${p.region}`;
  const worlds = new Map<string, GovernanceWorld>();
  const places: Place[] = [];
  for (const [place, world] of options.places) {
    places.push(place);
    worlds.set(key(place), createGovernanceWorld({ ...world, now: options.now, calls: options.calls }));
  }
  const refused = new Set(options.refused ?? []);
  const refuse = (account: string) => () => {
    throw new PermanentError(
      `cannot act in account ${account}: the role arn:aws:iam::${account}:role/pipeline-warden-actor refused or does not exist (AccessDenied); deploy the member stack there (npx warden member-template) or check its trust`,
    );
  };
  /** Every method of a port fails as the refused role does. */
  const refusing = <T extends object>(port: T, account: string): T =>
    Object.fromEntries(Object.keys(port).map((name) => [name, refuse(account)])) as unknown as T;
  return {
    worlds,
    places,
    /** The ports of a place; an account without a world is one without pipelines. */
    at(place: Place) {
      let world = worlds.get(key(place));
      if (!world) {
        world = createGovernanceWorld({ pipelines: [], now: options.now, calls: options.calls });
        worlds.set(key(place), world);
      }
      const ports = { pipelines: world.pipelines, projects: world.projects, calendars: world.calendars, records: world.records, bypasses: world.bypasses };
      if (!refused.has(place.account)) return ports;
      // CodePipeline, CodeBuild and SSM go through the actor role; the records are the central table's.
      return {
        ...ports,
        pipelines: refusing(ports.pipelines, place.account),
        projects: refusing(ports.projects, place.account),
        calendars: refusing(ports.calendars, place.account),
      };
    },
    /** The organization's places, as Organizations lists them. */
    placesPort: { list: async () => places.map((p) => ({ ...p })) },
  };
}
