/**
 * Organization scale (issue 13, item 7), in-process: 200 accounts × 3 regions × 5 pipelines.
 *
 * 1. notify's hot path per event (parse → normalize → merge → route → plan/render) with an
 *    organization's config (team routes by pipeline prefix, routes by account) on events of all those
 *    pipelines, against the single-account figure (the sample config, one account) in the same run;
 * 2. STS calls per account per hour: an hour of events spread over every account, through the actor's
 *    credentials cache (functions/platform/actor.ts), STS answered in memory;
 * 3. the size of the bus policy and of the assume-role grant: neither names a member account, so they
 *    are the same for 2 accounts as for 1,000.
 */
import path from 'node:path';
import type { AssumeRoleCommand, AssumeRoleCommandOutput } from '@aws-sdk/client-sts';
import { collectEventFiles } from '../cli/files';
import type { Config } from '../functions/kernel/config/schema';
import { picomatchGlobs } from '../functions/kernel/glob-picomatch';
import { createActor } from '../functions/platform/actor';
import { organizationResourcesOf } from '../infra/packaging/organization';
import { config as parseYaml } from '../test/support/scenarios';
import { hotPathHandler, stats, timeEach } from './measure';

const ROOT = path.resolve(__dirname, '..');
const ACCOUNTS = 200;
const REGIONS = ['eu-west-1', 'us-east-1', 'ap-southeast-2'];
const PIPELINES_PER_PLACE = 5;

const account = (i: number) => String(100_000_000_000 + i);

/**
 * An organization's config: 20 team routes by pipeline prefix, 10 routes by account (20 accounts
 * each), a failures route. With `accounts: 1`, the same shape for one account: every card goes to as
 * many channels either way, so the two figures differ only by the organization's size.
 */
function organizationConfig(accounts = ACCOUNTS): Config {
  const teams = Array.from(
    { length: 20 },
    (_, t) =>
      `  - match: { pipelines: ["team-${String(t).padStart(2, '0')}-*"] }\n    slack: { channels: [C0TEAM00${String(t).padStart(2, '0')}], level: all }`,
  );
  const groups = Math.min(10, accounts);
  const byAccount = Array.from({ length: groups }, (_, g) => {
    const members = Array.from({ length: Math.ceil(accounts / groups) }, (_, i) => `'${account(g * Math.ceil(accounts / groups) + i)}'`).join(', ');
    return `  - match: { accounts: [${members}] }\n    slack: { channels: [C0BU0000${g}], level: status-changes }`;
  });
  return parseYaml(
    `version: 1\norganization:\n  id: o-a1b2c3d4e5\n  deployTo: { organizationalUnits: [r-a1b2], regions: [${REGIONS.join(', ')}] }\nroutes:\n${[...teams, ...byAccount].join('\n')}\n  - match: { pipelines: ["*"] }\n    slack: { channels: [C0FAILURES], level: failures }\n`,
  );
}

/** The demo scenarios' events, each run moved to one of `places` × pipelines, ids made distinct. */
function eventsAcross(n: number, places: ReadonlyArray<{ account: string; region: string }>): unknown[] {
  const runs = ['01-pipeline-build-fails', '02-pipeline-deploys'].map((s) => collectEventFiles([path.join(ROOT, 'events/samples', s)]).map((f) => f.event));
  const names = { '01-pipeline-build-fails': 'payments-api', '02-pipeline-deploys': 'web-frontend' };
  const out: unknown[] = [];
  for (let r = 0; out.length < n; r += 1) {
    const template = runs[r % 2] ?? [];
    const name = Object.values(names)[r % 2] ?? '';
    const place = places[r % places.length] ?? { account: '123456789012', region: 'eu-west-1' };
    // The place's pipelines: PIPELINES_PER_PLACE of them, of as many teams.
    const pipeline = `team-${String(Math.floor(r / places.length) % PIPELINES_PER_PLACE).padStart(2, '0')}-svc-${Math.floor(r / places.length) % PIPELINES_PER_PLACE}`;
    const text = JSON.stringify(template)
      .replaceAll('123456789012', place.account)
      .replaceAll('"eu-west-1"', `"${place.region}"`)
      .replaceAll(':eu-west-1:', `:${place.region}:`)
      .replaceAll(name, pipeline)
      .replace(/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-)[0-9a-f]{12}/g, (_, head: string) => `${head}${String(r).padStart(12, '0')}`);
    out.push(...(JSON.parse(text) as unknown[]));
  }
  return out.slice(0, n);
}

function hotPathPerEvent(config: Config, events: readonly unknown[]): { median: number; p99: number } {
  const { handle, cards } = hotPathHandler(config, picomatchGlobs());
  // Warm-up pass, then the measured one.
  for (const e of events.slice(0, 2_000)) handle(e);
  cards.clear();
  return stats(timeEach(events.length, (i) => handle(events[i])));
}

async function stsPerAccountHour(): Promise<{ calls: number; perAccount: number }> {
  let now = Date.parse('2026-12-02T10:00:00Z');
  let calls = 0;
  const sts = {
    send: async (command: AssumeRoleCommand): Promise<AssumeRoleCommandOutput> => {
      calls += 1;
      const arn = command.input.RoleArn ?? '';
      return {
        $metadata: {},
        Credentials: { AccessKeyId: `AKIA${arn.split(':')[4]}`, SecretAccessKey: 's', SessionToken: 't', Expiration: new Date(now + 3_600_000) },
      };
    },
  };
  const actor = createActor({ roleName: 'pipeline-warden-actor', sts, now: () => new Date(now) });
  const clients = actor.clients((config) => config);
  // An hour of events, 10 a second, spread over every account and region.
  for (let i = 0; i < 36_000; i += 1) {
    now += 100;
    await clients({ account: account(i % ACCOUNTS), region: REGIONS[i % REGIONS.length] ?? 'eu-west-1' }).credentials();
  }
  return { calls, perAccount: calls / ACCOUNTS };
}

export async function organizationScale(): Promise<void> {
  console.log(`\n## Organization scale: ${ACCOUNTS} accounts × ${REGIONS.length} regions × ${PIPELINES_PER_PLACE} pipelines`);
  const places = Array.from({ length: ACCOUNTS * REGIONS.length }, (_, i) => ({
    account: account(i % ACCOUNTS),
    region: REGIONS[Math.floor(i / ACCOUNTS)] ?? 'eu-west-1',
  }));
  const n = 12_000;
  const distinct = (events: readonly unknown[]) => {
    const pipelines = events.flatMap((event) => {
      const e = event as { account?: string; region?: string; detail?: { pipeline?: string } };
      return e.detail?.pipeline ? [`${e.account}/${e.region}/${e.detail.pipeline}`] : [];
    });
    return new Set(pipelines).size;
  };
  const homeEvents = eventsAcross(n, [{ account: account(0), region: 'eu-west-1' }]);
  const orgEvents = eventsAcross(n, places);
  const home = hotPathPerEvent(organizationConfig(1), homeEvents);
  const org = hotPathPerEvent(organizationConfig(), orgEvents);
  console.log(
    `notify hot path per event, ${n} events: organization (${distinct(orgEvents)} pipelines seen, 31 routes, 3 channels a card) median ${(org.median * 1000).toFixed(1)} µs, p99 ${(org.p99 * 1000).toFixed(1)} µs; ` +
      `one account (${distinct(homeEvents)} pipelines, the same routes' shape): median ${(home.median * 1000).toFixed(1)} µs, p99 ${(home.p99 * 1000).toFixed(1)} µs → ratio ${(org.median / home.median).toFixed(2)} (target ≤ 1.10)`,
  );
  const { calls, perAccount } = await stsPerAccountHour();
  console.log(
    `STS AssumeRole in an hour of events (10/s over ${ACCOUNTS} accounts and ${REGIONS.length} regions): ${calls} calls, ${perAccount.toFixed(2)} per account`,
  );
  const cfg = parseYaml(
    `version: 1\norganization:\n  id: o-a1b2c3d4e5\n  deployTo: { organizationalUnits: [r-a1b2], regions: [eu-west-1] }\nroutes:\n  - match: {}\n    slack: { channels: [C0DEPLOYS01] }\n`,
  );
  const r = organizationResourcesOf(cfg, () => 'template').Resources as Record<string, { Properties: Record<string, unknown> }>;
  console.log(
    `bus policy ${JSON.stringify(r['CentralEventBus']?.Properties['Policy']).length} characters (EventBridge allows 10,240), assume-role grant ${JSON.stringify(r['ActorAssumePolicy']?.Properties['PolicyDocument']).length} characters, ` +
      'for 2 member accounts as for 1,000: members are admitted by the organization id and never listed; the stack has the same rules whatever the number of accounts',
  );
  console.log(
    'org-wide audit coverage: `npx tsx bench/governance-sweep.ts` (the sweep over 200 accounts × 3 regions, executed locally; a few minutes, so not in this run)',
  );
}
