/**
 * A governance world for tests: the one world replay uses (functions/governance/world.ts), which
 * behaves as CodePipeline, CodeBuild, SSM and DynamoDB do for what governance calls, with the
 * tests' pipelines, projects and clock, recording Slack and email.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { GovernanceDeps } from '../../functions/governance/app/deps';
import type { BuildProject, PipelineDefinition } from '../../functions/governance/domain/definitions';
import { parsePolicy } from '../../functions/governance/domain/policy-schema';
import { createGovernanceWorld } from '../../functions/governance/world';
import { parseConfig } from '../../functions/kernel/config/parse';
import { createRecorder, type RecordedCall } from '../../functions/platform/recording';
import { createMemoryDirectory } from '../../functions/platform/slack-directory-memory';

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

/**
 * The governance world (functions/governance/world.ts, the one replay uses) with a test's
 * pipelines and projects: its CodePipeline, CodeBuild and SSM calls in `calls`, Slack and email in
 * `recorder`, and the world's state to look at and change.
 */
export function governanceWorld(options: {
  config: GovernanceDeps['config'];
  policy: GovernanceDeps['policy'];
  pipelines: PipelineDefinition[];
  projects?: BuildProject[];
  now: string;
  groups?: Record<string, string[]>;
}) {
  let now = new Date(options.now);
  const calls: RecordedCall[] = [];
  const recorder = createRecorder({});
  const world = createGovernanceWorld({
    pipelines: options.pipelines.map((p) => [p.name, p] as const),
    ...(options.projects ? { projects: options.projects } : {}),
    now: () => now,
    calls,
  });
  const deps: GovernanceDeps = {
    config: options.config,
    policy: options.policy,
    customRules: [],
    pipelines: world.pipelines,
    projects: world.projects,
    calendars: world.calendars,
    records: world.records,
    done: world.done,
    bypasses: world.bypasses,
    directory: createMemoryDirectory(options.groups ? { groups: options.groups } : {}),
    slack: recorder.slack,
    email: recorder.email,
    defaultTopicArn: 'arn:aws:sns:eu-west-1:123456789012:warden',
    now: () => now,
    logger: { info: () => undefined, warn: () => undefined },
  };
  return {
    deps,
    world,
    calls,
    recorder,
    records: world.state.records,
    done: world.done,
    bypasses: world.bypasses.entries,
    audits: world.bypasses.audits,
    transitions: world.state.transitions,
    /** An execution goes into a stage (GetPipelineState's latestExecution changes). */
    enter: world.enter,
    calendars: world.state.calendars,
    definitions: world.state.definitions,
    setNow: (iso: string) => (now = new Date(iso)),
    /** A person (console) changes a transition. */
    person: world.person,
    slackTexts: () => recorder.calls.filter((c) => c.call === 'slack.chat.postMessage').map((c) => String(c.input['text'])),
  };
}
