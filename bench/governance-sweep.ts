/**
 * The organization sweep at scale (issue 13 item 5): the daily audit of 200 accounts × 3 regions ×
 * 5 pipelines through statemachines/governance-sweep.asl.yaml executed locally, the real governance
 * code answering its tasks, one governance world per place. Prints the items, the wall time, the
 * Place tasks at most in flight, and the history events a Standard execution would have (the local
 * runner keeps no history: counted from the states entered, 7 per inline Map item, ~3 per Task).
 *
 *   npx tsx bench/governance-sweep.ts
 */
import { fixturePipeline, governanceConfig, governancePolicy } from '../test/support/governance';
import { grid, sweepOrganization } from '../test/support/governance-sweep';

const ACCOUNTS = 200;
const REGIONS = ['eu-west-1', 'us-east-1', 'ap-southeast-2'];
const PIPELINES = 5;

const pipelines = Array.from({ length: PIPELINES }, (_, i) =>
  i % 2 ? fixturePipeline('orders-service.json', `orders-${i}`) : fixturePipeline('MyFirstPipeline.json', `web-${i}`),
);
const org = sweepOrganization({
  config: governanceConfig(
    'report: { slack: { channel: C0GOVERN01 }, email: { topics: [default] } }',
    'organization:\n  id: o-a1b2c3d4e5\n  deployTo: { organizationalUnits: [r-a1b2], regions: [eu-west-1, us-east-1, ap-southeast-2] }\n',
  ),
  policy: governancePolicy('- id: production-approval\n  mode: enforce'),
  places: grid(ACCOUNTS, REGIONS).map((place) => [place, pipelines] as const),
  now: '2026-11-23T06:00:00Z',
});

async function main(): Promise<void> {
  const started = performance.now();
  const result = await org.run({ warden: 'audit', id: 'bench-audit' });
  const ms = performance.now() - started;
  const items = result.states.filter((s) => s === 'Place').length;
  const tasks = result.states.length - items;
  // ExecutionStarted + ExecutionSucceeded; per Task state (Places, Report): Entered, Scheduled, Started, Succeeded, Exited;
  // Map: MapStateEntered, MapStateStarted, MapStateSucceeded, MapStateExited; per item: 7.
  const history = 2 + tasks * 5 + 4 + items * 7;
  const cpCalls = org.calls.filter((c) => c.call.startsWith('codepipeline.')).length;
  console.log(
    JSON.stringify(
      {
        status: result.status,
        places: items,
        pipelines: items * PIPELINES,
        codepipelineCalls: cpCalls,
        slackPosts: org.slackPosts().length,
        wallMs: Math.round(ms),
        msPerPlace: Number((ms / items).toFixed(2)),
        placeTasksInFlightMax: org.concurrency.max,
        historyEventsEstimate: history,
        historyLimit: 25_000,
        summary: (result.output as { summary?: string } | undefined)?.summary,
      },
      null,
      2,
    ),
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
