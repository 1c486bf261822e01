/**
 * The governance Lambda: a CloudTrail UpdatePipeline event, the schedules' inputs and a published
 * package version reach runGovernance (the real one, spied on) with the right trigger; dependencies
 * are built once per container, and again after a failed build. Then its real wiring: the policy as
 * the bundle embeds it, validated again; the config and environment it cannot run without.
 */

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Logger } from '@aws-lambda-powertools/logger';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { runGovernance } from '../../functions/governance/app/run';
import { createGovernanceHandler } from '../../functions/governance/handler';
import { buildGovernanceDeps, embeddedPolicy } from '../../functions/governance/wiring';
import { parseConfig } from '../../functions/kernel/config/parse';
import { ConfigError } from '../../functions/kernel/errors';
import { useLocalSecrets } from '../support/aws-secrets-server';
import { fixturePipeline, governanceConfig, governancePolicy, governanceWorld } from '../support/governance';
import { lambdaContext } from '../support/slack-requests';

vi.mock('../../functions/governance/app/run', async (importActual) => {
  const actual = await importActual<typeof import('../../functions/governance/app/run')>();
  return { ...actual, runGovernance: vi.fn(actual.runGovernance) };
});

const { loadPolicy } = createRequire(import.meta.url)('../../scripts/serverless-config.cjs') as { loadPolicy(file: string): unknown };
const silent = () => new Logger({ logLevel: 'SILENT' });

/** A real CloudTrail UpdatePipeline event (the sample), renamed to a pipeline of the test world. */
function updatePipeline(name: string) {
  const event = JSON.parse(readFileSync('events/samples/04-governance-pipeline-changed/01-update-pipeline.json', 'utf8'));
  event.detail.requestParameters.pipeline.name = name;
  return event as Record<string, any>;
}

const published = {
  version: '0',
  id: 'c1a2b3c4-0000-4000-8000-000000000001',
  'detail-type': 'CodeArtifact Package Version State Change',
  source: 'aws.codeartifact',
  account: '123456789012',
  time: '2026-11-23T09:00:00Z',
  region: 'eu-west-1',
  resources: ['arn:aws:codeartifact:eu-west-1:123456789012:package/acme/internal/npm/acme/ui-kit'],
  detail: {
    domainName: 'acme',
    domainOwner: '123456789012',
    repositoryName: 'internal',
    packageFormat: 'npm',
    packageNamespace: 'acme',
    packageName: 'ui-kit',
    packageVersion: '2.4.0',
    packageVersionState: 'Published',
    operationType: 'Created',
    sequenceNumber: 1,
    eventDeduplicationId: 'dedupe-1',
  },
};

function world() {
  return governanceWorld({
    config: governanceConfig('report: { slack: { channel: C0GOVERN01 } }'),
    policy: governancePolicy('- id: production-approval\n  mode: enforce'),
    pipelines: [fixturePipeline('MyFirstPipeline.json')],
    now: '2026-11-23T09:00:00Z',
  });
}

describe('governance handler', () => {
  // A block, not an arrow returning the mock: vitest would call a returned function as a teardown.
  beforeEach(() => {
    vi.mocked(runGovernance).mockClear();
  });

  it('runs a CloudTrail UpdatePipeline event as a change to that pipeline, with dependencies built once', async () => {
    const w = world();
    const factory = vi.fn(async () => w.deps);
    const handler = createGovernanceHandler(factory, silent());
    const answer = await handler(updatePipeline('MyFirstPipeline'), lambdaContext());
    await handler(updatePipeline('MyFirstPipeline'), lambdaContext());
    expect(factory).toHaveBeenCalledTimes(1);
    expect(vi.mocked(runGovernance).mock.calls[0]![0]).toEqual({
      kind: 'change',
      pipelines: ['MyFirstPipeline'],
      projects: [],
      eventId: '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5e',
    });
    expect(vi.mocked(runGovernance).mock.calls[0]![1]).toBe(w.deps);
    // MyFirstPipeline's Prod has no approval, and the rule is enforced: closed once, not twice.
    expect(answer).toEqual({ summary: 'change to MyFirstPipeline: 1 checked, 1 violation(s), 1 transition change(s)' });
    expect(w.calls.filter((c) => c.call === 'codepipeline.disableStageTransition')).toHaveLength(1);
  });

  it.each([
    [{ warden: 'audit' }, { kind: 'audit' }, /^daily audit: 1 checked/],
    [{ warden: 'tick' }, { kind: 'tick' }, /^tick: /],
  ])('runs the schedule input %j as %j', async (input, trigger, summary) => {
    const handler = createGovernanceHandler(async () => world().deps, silent());
    const answer = await handler(input, lambdaContext());
    expect(vi.mocked(runGovernance)).toHaveBeenCalledWith(trigger, expect.anything());
    expect(answer.summary).toMatch(summary);
  });

  it('runs a published package version as a package trigger, and answers an event it does not know with "ignored"', async () => {
    const handler = createGovernanceHandler(async () => world().deps, silent());
    await handler(published, lambdaContext());
    expect(vi.mocked(runGovernance).mock.calls[0]![0]).toMatchObject({
      kind: 'package',
      event: { detail: { packageName: 'ui-kit', packageVersion: '2.4.0' } },
    });
    const failed = updatePipeline('MyFirstPipeline');
    failed['detail'].errorCode = 'AccessDenied';
    expect(await handler(failed, lambdaContext())).toEqual({ summary: 'ignored: UpdatePipeline failed (AccessDenied)' });
  });

  it('a failed build of the dependencies fails the invocation (Lambda retries) and is tried again on the next one', async () => {
    const w = world();
    const factory = vi.fn<() => Promise<typeof w.deps>>().mockRejectedValueOnce(new Error('SSM throttled')).mockResolvedValue(w.deps);
    const handler = createGovernanceHandler(factory, silent());
    await expect(handler({ warden: 'audit' }, lambdaContext())).rejects.toThrow('SSM throttled');
    await expect(handler({ warden: 'audit' }, lambdaContext())).resolves.toMatchObject({ summary: expect.stringMatching(/^daily audit/) });
    expect(factory).toHaveBeenCalledTimes(2);
  });
});

describe('governance wiring', () => {
  const env = ['WARDEN_CONFIG_JSON', 'WARDEN_POLICY_JSON', 'TABLE_NAME', 'DEFAULT_TOPIC_ARN'] as const;
  const aws = useLocalSecrets();
  beforeEach(() => {
    const config = parseConfig(readFileSync('config/warden.yml', 'utf8'));
    if (!config.ok) throw new Error(config.problems.join('\n'));
    process.env['WARDEN_CONFIG_JSON'] = JSON.stringify(config.config);
    process.env['WARDEN_POLICY_JSON'] = JSON.stringify(loadPolicy('config/policy.yml'));
    process.env['TABLE_NAME'] = 'pipeline-warden-test-cards';
    process.env['DEFAULT_TOPIC_ARN'] = 'arn:aws:sns:eu-west-1:123456789012:pipeline-warden-test';
    aws.parameters.set('/pipeline-warden/slack-bot-token', 'xoxb-test-token');
  });
  afterEach(() => {
    for (const name of env) delete process.env[name];
  });

  it('builds the real dependencies: config and policy as packaged, the Slack token from SSM', async () => {
    const deps = await buildGovernanceDeps(silent());
    expect(deps.policy).toEqual(loadPolicy('config/policy.yml'));
    expect(deps.customRules.length).toBeGreaterThan(0);
    expect(deps.defaultTopicArn).toBe('arn:aws:sns:eu-west-1:123456789012:pipeline-warden-test');
    expect(deps.bypasses).toBeDefined();
    expect(aws.reads).toEqual(['ssm.GetParameterCommand /pipeline-warden/slack-bot-token']);
  });

  it('does not run without its table', async () => {
    delete process.env['TABLE_NAME'];
    await expect(buildGovernanceDeps(silent())).rejects.toThrow(ConfigError);
  });

  it('validates the embedded policy again, listing every problem; no policy at all is a config error', () => {
    expect(() => embeddedPolicy(JSON.stringify({ version: 1, rules: [{ id: 'prod-aproval' }, { id: 'approval-timeout', mode: 'sometimes' }] }))).toThrow(
      expect.objectContaining({
        problems: expect.arrayContaining([expect.stringMatching(/^rules\[0\]\.id: unknown rule "prod-aproval"/), expect.stringMatching(/^rules\[1\]\.mode: /)]),
      }),
    );
    expect(() => embeddedPolicy('')).toThrow(ConfigError);
  });
});
