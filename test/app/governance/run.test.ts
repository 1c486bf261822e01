/**
 * The governance function's work, trigger by trigger, on a world of pipelines whose transitions
 * behave as CodePipeline's do: enforcement closes and reopens only what it closed, freezes close
 * production stages for their window, reports go to Slack and email, packages start pipelines.
 */
import { describe, expect, it } from 'vitest';
import { handleBypassClick } from '../../../functions/governance/app/bypass';
import { requestToken } from '../../../functions/governance/app/packages';
import { runGovernance } from '../../../functions/governance/app/run';
import { governanceTrigger } from '../../../functions/governance/domain/trigger';
import { fixturePipeline, governanceConfig, governancePolicy, governanceWorld } from '../../support/governance';

const ENFORCED = governancePolicy('- id: production-approval\n  mode: enforce');
const REPORT = 'report: { slack: { channel: C0GOVERN01 }, email: { topics: [default] } }';
const updatePipeline = (name: string) => ({
  version: '0',
  id: 'ct-1',
  'detail-type': 'AWS API Call via CloudTrail',
  source: 'aws.codepipeline',
  account: '123456789012',
  time: '2026-11-23T10:00:00Z',
  region: 'eu-west-1',
  detail: { eventSource: 'codepipeline.amazonaws.com', eventName: 'UpdatePipeline', requestParameters: { pipeline: { name } } },
});

/** MyFirstPipeline deploys to Prod without an approval; orders-service has one before Prod-eu-west-1. */
function world(governance = REPORT, policy = ENFORCED, now = '2026-11-23T10:00:00Z') {
  return governanceWorld({
    config: governanceConfig(governance),
    policy,
    pipelines: [fixturePipeline('MyFirstPipeline.json'), fixturePipeline('orders-service.json')],
    now,
  });
}
const transitionCalls = (w: ReturnType<typeof world>) => w.calls.filter((c) => c.call.endsWith('StageTransition'));

describe('a pipeline changed (CloudTrail UpdatePipeline)', () => {
  it('closes the production stage of a pipeline that breaks an enforced rule, says why, and does it once', async () => {
    const w = world();
    const result = await runGovernance(governanceTrigger(updatePipeline('MyFirstPipeline')), w.deps);
    expect(result.summary).toBe('change to MyFirstPipeline: 1 checked, 1 violation(s), 1 transition change(s)');
    expect(transitionCalls(w)).toEqual([
      {
        call: 'codepipeline.disableStageTransition',
        input: { pipelineName: 'MyFirstPipeline', stageName: 'Prod', transitionType: 'Inbound', reason: 'pipeline-warden - rule production-approval' },
      },
    ]);
    expect(w.records.get('MyFirstPipeline/Prod')).toMatchObject({ state: 'disabled', reason: 'pipeline-warden - rule production-approval' });
    const [report, thread] = w.recorder.calls.filter((c) => c.call === 'slack.chat.postMessage');
    expect(report?.input).toMatchObject({
      channel: 'C0GOVERN01',
      text: '⛔ Pipeline policy · change to MyFirstPipeline: 1 of 1 resources violate it (1 error, 0 other)',
    });
    expect(JSON.stringify(report?.input['blocks'])).toContain('closed the way into *Prod* of *MyFirstPipeline*');
    expect(thread?.input).toMatchObject({ channel: 'C0GOVERN01', thread_ts: expect.any(String) });
    expect(JSON.stringify(thread?.input['blocks'])).toContain('production-approval` [enforce] · stage Prod');
    expect(w.recorder.calls.filter((c) => c.call === 'sns.publish')).toHaveLength(1);

    await runGovernance(governanceTrigger(updatePipeline('MyFirstPipeline')), w.deps);
    expect(transitionCalls(w)).toHaveLength(1);
  });

  it('reopens the stage once the pipeline is fixed, and only the one it closed', async () => {
    const w = world();
    await runGovernance(governanceTrigger(updatePipeline('MyFirstPipeline')), w.deps);
    w.person('orders-service/Prod-eu-west-1', { enabled: false, disabledReason: 'waiting for the database migration' });
    // Fixed: the deploy waits for an approval in Prod now.
    const fixed = fixturePipeline('MyFirstPipeline.json');
    const prod = fixed.stages.find((s) => s.name === 'Prod')!;
    w.definitions.set('MyFirstPipeline', {
      ...fixed,
      stages: fixed.stages.map((s) =>
        s === prod
          ? {
              ...s,
              actions: [
                { name: 'Approve', actionTypeId: { category: 'Approval', owner: 'AWS', provider: 'Manual', version: '1' }, runOrder: 1 },
                ...s.actions.map((a) => ({ ...a, runOrder: 2 })),
              ],
            }
          : s,
      ),
    });
    const result = await runGovernance({ kind: 'audit' }, w.deps);
    expect(transitionCalls(w).slice(1)).toEqual([
      { call: 'codepipeline.enableStageTransition', input: { pipelineName: 'MyFirstPipeline', stageName: 'Prod', transitionType: 'Inbound' } },
    ]);
    expect(w.records.size).toBe(0);
    // The person's hold on orders-service stays.
    expect(w.transitions.get('orders-service/Prod-eu-west-1')).toMatchObject({ enabled: false, disabledReason: 'waiting for the database migration' });
    expect(result.summary).toBe('daily audit: 2 checked, 0 violation(s), 1 transition change(s)');
  });

  it('does not fight a person who reopened the stage while the rule is still broken', async () => {
    const w = world();
    await runGovernance(governanceTrigger(updatePipeline('MyFirstPipeline')), w.deps);
    w.setNow('2026-11-23T10:30:00Z');
    w.person('MyFirstPipeline/Prod', { enabled: true });
    await runGovernance(governanceTrigger(updatePipeline('MyFirstPipeline')), w.deps);
    await runGovernance({ kind: 'tick' }, w.deps);
    expect(transitionCalls(w)).toHaveLength(1);
    expect(w.records.get('MyFirstPipeline/Prod')?.state).toBe('released');
  });

  it('reports only; closes nothing, when the rule is report-only or enforcement is switched off', async () => {
    for (const w of [world(REPORT, governancePolicy('- id: production-approval')), world(`${REPORT}\nenforce: false`)]) {
      await runGovernance(governanceTrigger(updatePipeline('MyFirstPipeline')), w.deps);
      expect(transitionCalls(w)).toEqual([]);
      expect(w.slackTexts()[0]).toMatch(/^⛔ Pipeline policy/);
    }
  });

  it('stays quiet about a change that complies and changes nothing', async () => {
    const w = world();
    await runGovernance(governanceTrigger(updatePipeline('orders-service')), w.deps);
    expect(w.recorder.calls).toEqual([]);
  });
});

describe('the daily audit', () => {
  it('checks every pipeline and project and posts one report with a thread per violating resource, even when all comply', async () => {
    const w = world(REPORT, governancePolicy('- id: production-approval\n- id: pipeline-type-v2\n  severity: info'));
    await runGovernance({ kind: 'audit' }, w.deps);
    const texts = w.slackTexts();
    // MyFirstPipeline: no approval before Prod, and a V1 pipeline; orders-service complies.
    expect(texts[0]).toBe('⛔ Pipeline policy · daily audit: 1 of 2 resources violate it (1 error, 1 other)');
    expect(texts.slice(1)).toEqual(['pipeline MyFirstPipeline: 2 violation(s)']);
    const clean = world(REPORT, governancePolicy('- id: codebuild-logging'));
    await runGovernance({ kind: 'audit' }, clean.deps);
    expect(clean.slackTexts()).toEqual(['✅ Pipeline policy · daily audit: all 2 resources comply']);
  });
});

describe('change freezes (the tick)', () => {
  const FREEZE = `${REPORT}\nfreezes:\n  - name: year-end\n    timezone: Europe/Berlin\n    from: "2026-12-20T00:00"\n    to: "2027-01-04T08:00"\n    pipelines: ["orders-*"]`;

  it('closes the production stages of the pipelines in scope for the window, then reopens them', async () => {
    const w = world(FREEZE, governancePolicy('- id: pipeline-type-v2'), '2026-12-19T22:59:00Z');
    await runGovernance({ kind: 'tick' }, w.deps);
    expect(transitionCalls(w)).toEqual([]);
    w.setNow('2026-12-19T23:00:00Z');
    await runGovernance({ kind: 'tick' }, w.deps);
    await runGovernance({ kind: 'tick' }, w.deps);
    expect(transitionCalls(w)).toEqual([
      {
        call: 'codepipeline.disableStageTransition',
        input: {
          pipelineName: 'orders-service',
          stageName: 'Prod-eu-west-1',
          transitionType: 'Inbound',
          reason: 'pipeline-warden - freeze year-end until 2027-01-04 08.00 Europe-Berlin',
        },
      },
    ]);
    expect(w.slackTexts()).toEqual(['pipeline-warden changed stage transitions']);
    w.setNow('2027-01-04T07:00:00Z');
    await runGovernance({ kind: 'tick' }, w.deps);
    expect(transitionCalls(w)[1]).toEqual({
      call: 'codepipeline.enableStageTransition',
      input: { pipelineName: 'orders-service', stageName: 'Prod-eu-west-1', transitionType: 'Inbound' },
    });
  });

  it("closes every pipeline's production stages while an SSM Change Calendar is CLOSED", async () => {
    const w = world(`${REPORT}\nchangeCalendars: [release-calendar]`, governancePolicy('- id: pipeline-type-v2'));
    w.calendars.set('release-calendar', 'CLOSED');
    await runGovernance({ kind: 'tick' }, w.deps);
    expect(transitionCalls(w).map((c) => [c.input['pipelineName'], c.input['stageName'], c.input['reason']])).toEqual([
      ['MyFirstPipeline', 'Prod', 'pipeline-warden - change calendar release-calendar is closed'],
      ['orders-service', 'Prod-eu-west-1', 'pipeline-warden - change calendar release-calendar is closed'],
    ]);
  });

  it('does nothing at all when no freeze is configured and nothing is closed', async () => {
    const w = world();
    expect((await runGovernance({ kind: 'tick' }, w.deps)).summary).toBe('tick: no freeze configured, nothing closed');
    expect(w.calls).toEqual([]);
  });
});

describe('a package version published', () => {
  const published = (namespace: string | null, name: string) => ({
    version: '0',
    id: '73f03fec-a137-971e-6ac6-07c8ffffffff',
    'detail-type': 'CodeArtifact Package Version State Change' as const,
    source: 'aws.codeartifact',
    account: '123456789012',
    time: '2026-11-23T10:00:00Z',
    region: 'eu-west-1',
    detail: {
      domainName: 'acme',
      repositoryName: 'shared-npm',
      packageFormat: 'npm',
      packageNamespace: namespace,
      packageName: name,
      packageVersion: '3.4.0',
      packageVersionState: 'Published',
    },
  });
  const triggers =
    'codeartifact:\n  triggers:\n    - domain: acme\n      repositories: ["shared-*"]\n      namespaces: ["@acme"]\n      pipelines: [orders-service, MyFirstPipeline]';

  it('starts the pipelines wired to it once per package version (recorded first; a client request token per change and pipeline as well)', async () => {
    const w = governanceWorld({
      config: governanceConfig(REPORT, triggers),
      policy: ENFORCED,
      pipelines: [fixturePipeline('orders-service.json')],
      now: '2026-11-23T10:00:00Z',
    });
    const first = await runGovernance(governanceTrigger(published('acme', 'money')), w.deps);
    const again = await runGovernance(governanceTrigger(published('acme', 'money')), w.deps);
    const orders = requestToken(published('acme', 'money'), 'orders-service');
    const first_ = requestToken(published('acme', 'money'), 'MyFirstPipeline');
    expect(orders).not.toBe(first_);
    expect(w.calls.filter((c) => c.call === 'codepipeline.startPipelineExecution')).toEqual([
      { call: 'codepipeline.startPipelineExecution', input: { name: 'orders-service', clientRequestToken: orders } },
      { call: 'codepipeline.startPipelineExecution', input: { name: 'MyFirstPipeline', clientRequestToken: first_ } },
    ]);
    expect(again.summary).toBe('acme/money 3.4.0: already started orders-service, MyFirstPipeline (a duplicate delivery): nothing done');
    expect(first.summary).toBe(
      '📦 acme/money 3.4.0 was published to acme/shared-npm: started orders-service (execution exec-1), MyFirstPipeline (execution exec-2)',
    );
    expect((await runGovernance(governanceTrigger(published('other', 'money')), w.deps)).summary).toBe('other/money 3.4.0: no pipeline is wired to it');
  });
});

describe('break-glass during a freeze', () => {
  const FREEZE = `${REPORT}\nfreezes:\n  - name: release-freeze\n    timezone: UTC\n    from: "2026-11-23T00:00"\n    to: "2026-11-30T00:00"\n    pipelines: ["orders-*"]\n    breakGlass: { approvers: [U0RELEASE1, S0RELMGRS1] }`;
  const KEY = 'orders-service/Prod-eu-west-1';
  const click = (user: string, value: string) => handleBypassClick({ actionId: 'bypass:grant:0', value, user: { id: user } }, setup.w.deps);
  const setup = {} as { w: ReturnType<typeof governanceWorld>; value: string };

  async function frozen() {
    setup.w = governanceWorld({
      config: governanceConfig(FREEZE),
      policy: governancePolicy('- id: pipeline-type-v2'),
      pipelines: [fixturePipeline('orders-service.json')],
      now: '2026-11-23T10:00:00Z',
      groups: { S0RELMGRS1: ['U0MANAGER1'] },
    });
    setup.w.enter(KEY, 'exec-before');
    await runGovernance({ kind: 'tick' }, setup.w.deps);
    const message = setup.w.recorder.calls.find((c) => c.call === 'slack.chat.postMessage')!;
    const button = (message.input['blocks'] as Array<{ type: string; elements?: Array<{ action_id: string; value: string }> }>).find(
      (b) => b.type === 'actions',
    )!.elements![0]!;
    expect(button.action_id).toBe('bypass:grant:0');
    setup.value = button.value;
    return setup.w;
  }

  it('refuses a person the freeze does not name; nothing opens', async () => {
    const w = await frozen();
    expect(await click('U0STRANGER', setup.value)).toMatchObject({
      kind: 'refused',
      ephemeral: expect.stringMatching(/You may not lift freeze "release-freeze". Break-glass approvers: <@U0RELEASE1>, <!subteam\^S0RELMGRS1>/),
    });
    expect(w.transitions.get(KEY)?.enabled).toBe(false);
    expect(w.audits).toEqual([]);
  });

  it('lets exactly one execution in: opened at once, audited, closed again once an execution has gone in', async () => {
    const w = await frozen();
    expect(await click('U0MANAGER1', setup.value)).toEqual({ kind: 'done', text: 'Lifted for one execution of orders-service into Prod-eu-west-1.' });
    expect(w.transitions.get(KEY)?.enabled).toBe(true);
    expect(w.audits).toEqual([
      { pipeline: 'orders-service', stage: 'Prod-eu-west-1', freeze: 'release-freeze', event: 'granted', by: 'U0MANAGER1', at: '2026-11-23T10:00:00.000Z' },
    ]);
    expect(await click('U0RELEASE1', setup.value)).toMatchObject({
      kind: 'refused',
      ephemeral: expect.stringContaining('already let one execution into Prod-eu-west-1'),
    });

    w.setNow('2026-11-23T10:05:00Z');
    await runGovernance({ kind: 'tick' }, w.deps);
    expect(w.transitions.get(KEY)?.enabled).toBe(true); // nobody went in yet

    w.enter(KEY, 'exec-let-in');
    w.setNow('2026-11-23T10:10:00Z');
    await runGovernance({ kind: 'tick' }, w.deps);
    expect(w.transitions.get(KEY)).toMatchObject({ enabled: false, disabledReason: 'pipeline-warden - freeze release-freeze until 2026-11-30 00.00 UTC' });
    expect(w.audits.map((a) => a['event'])).toEqual(['granted', 'used']);
    expect(w.bypasses.size).toBe(0);
  });

  it('an unused bypass expires after an hour, and the stage closes again', async () => {
    const w = await frozen();
    await click('U0RELEASE1', setup.value);
    w.setNow('2026-11-23T11:00:01Z');
    await runGovernance({ kind: 'tick' }, w.deps);
    expect(w.transitions.get(KEY)?.enabled).toBe(false);
    expect(w.audits.map((a) => a['event'])).toEqual(['granted', 'expired']);
  });

  it('refuses a bypass of a freeze that is not on', async () => {
    const w = await frozen();
    w.setNow('2026-12-01T00:00:00Z');
    expect(await click('U0RELEASE1', setup.value)).toMatchObject({
      kind: 'refused',
      ephemeral: 'Freeze "release-freeze" is not on now: there is nothing to lift. Nothing changed.',
    });
  });
});
