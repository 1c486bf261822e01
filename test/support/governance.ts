/**
 * A governance world for tests: pipelines with their definitions and stage transitions, projects,
 * change calendars and our transition records in memory, recording Slack and email. The fake
 * pipelines behave as CodePipeline does for what governance calls (a disable sets the reason and
 * the change time; a start with a token seen before returns the same execution).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { GovernanceDeps, TransitionRecord, TransitionState } from '../../functions/governance/app/deps';
import type { BuildProject, PipelineDefinition } from '../../functions/governance/domain/definitions';
import { parsePolicy } from '../../functions/governance/domain/policy-schema';
import { createMemoryBypasses, createMemoryDoneRecords } from '../../functions/governance/world';
import { parseConfig } from '../../functions/kernel/config/parse';
import { createRecorder } from '../../functions/shared/recording';

const FIXTURES = path.resolve(__dirname, '../fixtures/governance');

/** A fixture pipeline (get-pipeline output), renamed. */
export function fixturePipeline(file: string, name?: string): PipelineDefinition {
  const { pipeline } = JSON.parse(readFileSync(path.join(FIXTURES, 'pipelines', file), 'utf8')) as { pipeline: PipelineDefinition };
  return { ...pipeline, ...(name ? { name } : {}) };
}

export function governancePolicy(rules: string) {
  const parsed = parsePolicy(`version: 1\nrules:\n${rules.replace(/^/gm, '  ')}\n`);
  if (!parsed.ok) throw new Error(parsed.problems.join('\n'));
  return parsed.policy;
}

export function governanceConfig(governance: string, extra = '') {
  const parsed = parseConfig(`version: 1\nroutes:\n  - slack: { channels: [C0PLATFORM1] }\ngovernance:\n${governance.replace(/^/gm, '  ')}\n${extra}`);
  if (!parsed.ok) throw new Error(parsed.problems.join('\n'));
  return parsed.config;
}

export function governanceWorld(options: {
  config: GovernanceDeps['config'];
  policy: GovernanceDeps['policy'];
  pipelines: PipelineDefinition[];
  projects?: BuildProject[];
  now: string;
  groups?: Record<string, string[]>;
}) {
  let now = new Date(options.now);
  const definitions = new Map(options.pipelines.map((p) => [p.name, p]));
  const transitions = new Map<string, TransitionState>();
  for (const p of options.pipelines) for (const s of p.stages) transitions.set(`${p.name}/${s.name}`, { stage: s.name, enabled: true });
  const records = new Map<string, TransitionRecord>();
  const calendars = new Map<string, 'OPEN' | 'CLOSED'>();
  const starts = new Map<string, string>();
  const breakGlass = createMemoryBypasses();
  const bypasses = breakGlass.entries;
  const audits = breakGlass.audits;
  const calls: Array<{ call: string; input: Record<string, unknown> }> = [];
  const recorder = createRecorder({});
  const done = createMemoryDoneRecords(() => now);
  // As in CodePipeline, changing a transition leaves the stage's latest execution as it was.
  const change = (key: string, state: Omit<TransitionState, 'stage' | 'lastChangedAt' | 'latestExecutionId'>) => {
    const { stage, latestExecutionId } = transitions.get(key)!;
    transitions.set(key, { stage, ...state, lastChangedAt: now.toISOString(), ...(latestExecutionId ? { latestExecutionId } : {}) });
  };
  const deps: GovernanceDeps = {
    config: options.config,
    policy: options.policy,
    customRules: [],
    pipelines: {
      list: async () => [...definitions.keys()],
      get: async (name) => definitions.get(name),
      transitions: async (name) => (definitions.get(name)?.stages ?? []).map((s) => transitions.get(`${name}/${s.name}`)!),
      disable: async (name, stage, reason) => {
        calls.push({ call: 'codepipeline.disableStageTransition', input: { pipelineName: name, stageName: stage, transitionType: 'Inbound', reason } });
        change(`${name}/${stage}`, { enabled: false, disabledReason: reason });
      },
      enable: async (name, stage) => {
        calls.push({ call: 'codepipeline.enableStageTransition', input: { pipelineName: name, stageName: stage, transitionType: 'Inbound' } });
        change(`${name}/${stage}`, { enabled: true });
      },
      start: async (name, token) => {
        calls.push({ call: 'codepipeline.startPipelineExecution', input: { name, clientRequestToken: token } });
        const key = `${name}/${token}`;
        if (!starts.has(key)) starts.set(key, `exec-${starts.size + 1}`);
        return { executionId: starts.get(key)! };
      },
    },
    projects: {
      list: async () => (options.projects ?? []).map((p) => p.name),
      get: async (names) => (options.projects ?? []).filter((p) => names.includes(p.name)),
    },
    calendars: { state: async (name) => calendars.get(name) ?? 'OPEN' },
    records: {
      list: async () => [...records.values()],
      put: async (r) => void records.set(`${r.pipeline}/${r.stage}`, r),
      claim: async (r, seen) => {
        const held = records.get(`${r.pipeline}/${r.stage}`);
        const same = seen ? held?.disabledAt === seen.disabledAt && held.state === seen.state && held.reason === seen.reason : held === undefined;
        if (same) records.set(`${r.pipeline}/${r.stage}`, r);
        return same;
      },
      remove: async (p, s) => void records.delete(`${p}/${s}`),
    },
    done,
    bypasses: breakGlass,
    directory: {
      groupsOf: async (user, groups) => groups.filter((g) => options.groups?.[g]?.includes(user)),
      userIdByEmail: async () => undefined,
    },
    slack: recorder.slack,
    email: recorder.email,
    defaultTopicArn: 'arn:aws:sns:eu-west-1:123456789012:warden',
    now: () => now,
    logger: { info: () => undefined, warn: () => undefined },
  };
  return {
    deps,
    calls,
    recorder,
    records,
    done,
    bypasses,
    audits,
    transitions,
    /** An execution goes into a stage (GetPipelineState's latestExecution changes). */
    enter: (key: string, executionId: string) => transitions.set(key, { ...transitions.get(key)!, latestExecutionId: executionId }),
    calendars,
    definitions,
    setNow: (iso: string) => (now = new Date(iso)),
    /** A person (console) changes a transition. */
    person: (key: string, state: Omit<TransitionState, 'stage' | 'lastChangedAt'>) => change(key, state),
    slackTexts: () => recorder.calls.filter((c) => c.call === 'slack.chat.postMessage').map((c) => String(c.input['text'])),
  };
}
