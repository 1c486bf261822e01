/**
 * The organization sweep (issue 13 item 5), executed locally: statemachines/governance-sweep.asl.yaml
 * with the real governance code answering Places, Place and Report, one governance world per
 * account and region. Every place is audited with its own ports, one report for the organization
 * is posted grouped by account, a place that refuses (or fails past its retries) is that place's
 * error and stops no other, and the Map's concurrency is bounded.
 */
import { describe, expect, it } from 'vitest';
import { MAX_SWEEP_PLACES } from '../../functions/governance/app/sweep';
import { RetryableError } from '../../functions/kernel/errors';
import { loadDefinition } from '../../tools/step-functions/asl';
import { fixturePipeline, governanceConfig, governancePolicy } from '../support/governance';
import { grid, SWEEP_ASL, sweepOrganization } from '../support/governance-sweep';

const REPORT = 'report: { slack: { channel: C0GOVERN01 }, email: { topics: [default] } }';
const ORGANIZATION = `organization:
  id: o-a1b2c3d4e5
  deployTo: { organizationalUnits: [ou-a1b2-workloads1], regions: [eu-west-1, us-east-1] }
`;
const ENFORCED = governancePolicy('- id: production-approval\n  mode: enforce');
const REGIONS = ['eu-west-1', 'us-east-1'] as const;
const [A, B, C] = ['111111111111', '111111111112', '111111111113'];

/** 3 accounts × 2 regions; every place has MyFirstPipeline (no approval before Prod) and orders-service (compliant). */
function organization(options: { refused?: string[]; freezes?: string } = {}) {
  return sweepOrganization({
    config: governanceConfig(`${REPORT}${options.freezes ?? ''}`, ORGANIZATION),
    policy: ENFORCED,
    places: grid(3, REGIONS).map((place) => [place, [fixturePipeline('MyFirstPipeline.json'), fixturePipeline('orders-service.json')]] as const),
    ...(options.refused ? { refused: options.refused } : {}),
    now: '2026-11-23T06:00:00Z',
  });
}

describe('the organization sweep state machine', () => {
  it('bounds the Map: MaxConcurrency 40, an inline Map, items as the places', () => {
    const machine = loadDefinition(SWEEP_ASL) as { States: Record<string, Record<string, unknown>> };
    const map = machine.States['Sweep']!;
    expect(map['Type']).toBe('Map');
    expect(map['MaxConcurrency']).toBe(40);
    expect(map['ItemsPath']).toBe('$.places');
    expect((map['ItemProcessor'] as { ProcessorConfig: unknown }).ProcessorConfig).toEqual({ Mode: 'INLINE' });
    // 7 history events an item: the cap keeps a Standard execution under its 25,000.
    expect(MAX_SWEEP_PLACES * 7).toBeLessThan(25_000);
  });

  it('audits every account and region with its own ports, closes stages there, and posts one report grouped by account', async () => {
    const org = organization();
    const result = await org.run({ warden: 'audit', id: 'evt-audit-1' });
    expect(result.status).toBe('SUCCEEDED');
    expect(result.output).toEqual({ summary: 'organization audit: 6 place(s), 12 checked, 6 violation(s), 0 place(s) not checked' });
    expect(result.states.filter((s) => s === 'Place')).toHaveLength(6);

    // Enforcement acted in each place's own world, and its records are each place's.
    for (const place of grid(3, REGIONS)) {
      const world = org.org.worlds.get(`${place.account}/${place.region}`)!;
      expect(world.state.transitions.get('MyFirstPipeline/Prod')?.enabled, `${place.account}/${place.region}`).toBe(false);
      expect([...world.state.records.keys()]).toEqual(['MyFirstPipeline/Prod']);
    }

    const posts = org.slackPosts();
    const [report, ...thread] = posts;
    expect(report?.input).toMatchObject({
      channel: 'C0GOVERN01',
      text: '⛔ Pipeline policy · organization daily audit (3 accounts, 6 account-regions): 6 violations (6 errors) in 12 resources',
    });
    const blocks = JSON.stringify(report?.input['blocks']);
    for (const account of [A, B, C]) expect(blocks).toContain(`*Account ${account}*`);
    expect(blocks).toContain('eu-west-1: 2 checked, 1 violation, 1 transition change');
    // A reply per account, each violation with its region.
    expect(thread).toHaveLength(3);
    expect(thread.every((t) => typeof t.input['thread_ts'] === 'string')).toBe(true);
    expect(JSON.stringify(thread[0]?.input['blocks'])).toMatch(/us-east-1 · pipeline MyFirstPipeline: `production-approval` \[enforce\]/);
    const emails = org.recorder.calls.filter((c) => c.call === 'sns.publish');
    expect(emails).toHaveLength(1);
    expect(String(emails[0]?.input['Message'])).toContain(`Account ${B}\n  eu-west-1: 2 checked, 1 violation`);

    // Once per sweep: a second execution for the same schedule event posts nothing again.
    await org.run({ warden: 'audit', id: 'evt-audit-1' }, 'sweep-duplicate');
    expect(org.slackPosts()).toHaveLength(posts.length);
  });

  it('reports a place whose actor role is refused as its error, and audits the others', async () => {
    const org = organization({ refused: [B] });
    const result = await org.run({ warden: 'audit', id: 'evt-audit-2' });
    expect(result.status).toBe('SUCCEEDED');
    expect(result.output).toEqual({ summary: 'organization audit: 6 place(s), 8 checked, 4 violation(s), 2 place(s) not checked' });
    const [report] = org.slackPosts();
    expect(report?.input['text']).toBe(
      '⛔ Pipeline policy · organization daily audit (3 accounts, 6 account-regions): 4 violations (4 errors) in 8 resources; 2 account-regions could not be checked',
    );
    const blocks = report?.input['blocks'] as { text: { text: string } }[];
    // The account that could not be checked comes first.
    expect(blocks[1]?.text.text).toContain(`*Account ${B}*`);
    expect(blocks[1]?.text.text).toContain('eu-west-1: ⛔ not checked: cannot act in account 111111111112');
    expect(org.org.worlds.get(`${A}/eu-west-1`)!.state.transitions.get('MyFirstPipeline/Prod')?.enabled).toBe(false);
  });

  it('reports a place that fails past its retries (the Map catches it) without failing the sweep', async () => {
    const org = organization();
    const broken = org.org.worlds.get(`${C}/us-east-1`)!;
    broken.pipelines.list = async () => {
      throw new RetryableError('CodePipeline ListPipelines: ThrottlingException');
    };
    const result = await org.run({ warden: 'audit', id: 'evt-audit-3' });
    expect(result.status).toBe('SUCCEEDED');
    // The item was tried 1 + 4 times (Retry on RetryableError), then caught.
    expect(result.states.filter((s) => s === 'Place')).toHaveLength(5 + 5);
    expect(JSON.stringify(org.slackPosts()[0]?.input['blocks'])).toContain('us-east-1: ⛔ not checked: RetryableError');
  });

  it('honours the bound: never more Place tasks at once than MaxConcurrency', async () => {
    const org = sweepOrganization({
      config: governanceConfig(REPORT, ORGANIZATION),
      policy: ENFORCED,
      places: grid(60, REGIONS).map((place) => [place, [fixturePipeline('orders-service.json')]] as const),
      now: '2026-11-23T06:00:00Z',
    });
    const result = await org.run({ warden: 'audit', id: 'evt-audit-4' });
    expect(result.status).toBe('SUCCEEDED');
    expect(result.states.filter((s) => s === 'Place')).toHaveLength(120);
    expect(org.concurrency.max).toBeGreaterThan(1);
    expect(org.concurrency.max).toBeLessThanOrEqual(40);
  });

  it('ticks every place: a freeze closes production stages in every account, each place posting its own changes', async () => {
    const org = organization({
      freezes:
        '\nfreezes:\n  - { name: release-freeze, timezone: UTC, from: "2026-11-23T00:00", to: "2026-11-30T00:00", pipelines: ["orders-*"], breakGlass: { approvers: [U0RELEASE1] } }',
    });
    const result = await org.run({ warden: 'tick' });
    expect(result.status).toBe('SUCCEEDED');
    expect(result.output).toEqual({ summary: 'organization tick: 6 place(s), 0 checked, 0 violation(s), 0 place(s) not checked' });
    for (const place of grid(3, REGIONS))
      expect(org.org.worlds.get(`${place.account}/${place.region}`)!.state.transitions.get('orders-service/Prod-eu-west-1')?.enabled).toBe(false);
    const texts = org.slackPosts().map((p) => String(p.input['text']));
    expect(texts).toHaveLength(6);
    expect(texts).toContain(`pipeline-warden changed stage transitions in ${A} eu-west-1`);
    // The break-glass button names its place: a click acts in that account and region.
    const button = JSON.stringify(org.slackPosts()[0]?.input['blocks']);
    expect(button).toContain(`\\"account\\":\\"${A}\\"`);
  });
});
