/**
 * `npm run bench`: the figures issue #2 asks for, each next to a baseline measured in the same run
 * on the same machine, so a reader can compare runs across machines by their ratios.
 *
 * 1. bundle size of each function (minified, as `serverless package` builds it);
 * 2. cold init: a fresh Node process loading the bundle, vs one loading nothing (median of 15);
 * 3. hot path per event (parse → normalize → merge → route → plan/render) over ≥ 10,000 events built
 *    from the real samples, vs JSON round-tripping the same events;
 * 4. Slack calls per pipeline run in the demo scenarios; DynamoDB and Slack calls per run as the
 *    Lambda gets them (batches merged per run, paced by Slack's budget);
 * 5. Slack at organization scale: the load simulation, paced and unpaced;
 * 6. a Slack click on the interactivity endpoint (signature, replay check, parse, approval policy),
 *    vs computing the signature's HMAC alone, and against Slack's 3-second budget;
 * 7. organization scale: the hot path over 200 accounts × 3 regions, STS calls per account per hour,
 *    the size of the organization's policies (bench/organization.ts);
 * 8. notify's CPU per event with the real AWS SDK in the loop and its cold start (module load + first
 *    event), in fresh processes, against a build of the commit before issue 12 (bench/cpu-cold.ts), or
 *    of `BENCH_BASE` (`BENCH_BASE=c28f9b5 npm run bench`: against the commit before the delivery
 *    insights, whose facts recording must stay within 10 % of it).
 */
import { execFileSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import { build } from 'esbuild';
import { collectEventFiles } from '../cli/files';
import { replayEvents } from '../cli/replay';
import { tally } from '../cli/replay-print';
import { customRules } from '../config/custom-rules';
import { approvalRoute } from '../functions/approvals/app/route';
import { approvalKey } from '../functions/approvals/domain/types';
import { parsePolicy } from '../functions/governance/domain/policy-schema';
import { parseConfig } from '../functions/kernel/config/parse';
import { DetailType } from '../functions/kernel/events/schemas';
import { compileGlobs, picomatchGlobs } from '../functions/kernel/glob-picomatch';
import { processBatch } from '../functions/notify/app/process-batch';
import { createMemoryCardStore } from '../functions/platform/memory-store';
import { createRecorder } from '../functions/platform/recording';
import { createMemorySlackBudget } from '../functions/platform/slack-budget-memory';
import { handleSlackRequest, type SlackActionsDeps } from '../functions/slack-actions/app/handle-request';
import { createRouter } from '../functions/slack-actions/app/router';
import { createMemorySlackRequests } from '../functions/slack-actions/aws/requests';
import { verifySlackSignature } from '../functions/slack-actions/aws/signature';
import { approvalConfig, approvalEvent, approvalWorld, REF, START } from '../test/support/approvals';
import { countedRequests } from '../test/support/dynamo-requests';
import { AWS_EVENTS_DIR, readJsonTree } from '../test/support/fixtures';
import { memoryNotifyDeps } from '../test/support/scenarios';
import { ORG_SCALE, PUBLISHED_LIMITS, simulateSlackLoad } from '../test/support/slack-load';
import { blockActions, formBody, slackSignature } from '../test/support/slack-requests';
import { cpuAndColdStart } from './cpu-cold';
import { hotPathHandler, LAMBDA_BUILD, sampleEvents, stats, timeEach, timeEachAsync } from './measure';
import { organizationScale } from './organization';

const ROOT = path.resolve(__dirname, '..');
const OUT = path.join(ROOT, 'bench/out');
const FUNCTIONS = {
  notify: 'functions/notify/handler.ts',
  approvalEvents: 'functions/approvals/handlers/events.ts',
  approvalSteps: 'functions/approvals/handlers/steps.ts',
  slackActions: 'functions/slack-actions/handler.ts',
  rollbackStart: 'functions/rollback/handlers/start.ts',
  rollbackSteps: 'functions/rollback/handlers/steps.ts',
  governance: 'functions/governance/handler.ts',
};

const configResult = parseConfig(readFileSync(path.join(ROOT, 'config/warden.yml'), 'utf8'));
if (!configResult.ok) throw new Error(configResult.problems.join('\n'));
const config = configResult.config;
const policyResult = parsePolicy(readFileSync(path.join(ROOT, 'config/policy.yml'), 'utf8'), { customRules });
if (!policyResult.ok) throw new Error(policyResult.problems.join('\n'));
const policy = policyResult.policy;
const globs = picomatchGlobs();

async function bundles(): Promise<void> {
  console.log('\n## Bundles (esbuild: minify, cjs, node24, @aws-sdk/* provided by the Lambda runtime)');
  mkdirSync(OUT, { recursive: true });
  for (const [name, entry] of Object.entries(FUNCTIONS)) {
    const outfile = path.join(OUT, `${name}.js`);
    await build({
      ...LAMBDA_BUILD,
      entryPoints: [path.join(ROOT, entry)],
      outfile,
      define: {
        WARDEN_EMBEDDED_CONFIG: JSON.stringify(JSON.stringify(config)),
        WARDEN_EMBEDDED_GLOBS: JSON.stringify(JSON.stringify(compileGlobs(config))),
        WARDEN_EMBEDDED_POLICY: JSON.stringify(JSON.stringify(policy)),
      },
    });
    const bytes = statSync(outfile).size;
    const node = process.execPath;
    const env = { ...process.env, AWS_REGION: 'us-east-1', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };
    const spawn = (code: string) => () => execFileSync(node, ['-e', code], { env, cwd: ROOT });
    const baseline = stats(timeEach(15, spawn('0')));
    const init = stats(timeEach(15, spawn(`require(${JSON.stringify(outfile)})`)));
    console.log(
      `${name}: ${bytes} bytes minified = ${(bytes / 1000).toFixed(1)} kB = ${(bytes / 1024).toFixed(1)} KiB${name === 'notify' ? ' (target ≤ 250 KB)' : ''}`,
    );
    console.log(
      `${name}: cold init median ${init.median.toFixed(1)} ms vs empty Node process ${baseline.median.toFixed(1)} ms → ratio ${(init.median / baseline.median).toFixed(2)}, load cost ${(init.median - baseline.median).toFixed(1)} ms${name === 'notify' ? ' (target ≤ 100 ms median)' : ''}`,
    );
  }
}

function hotPath(): void {
  console.log('\n## Hot path, in-process, one core');
  const supported = new Set<string>(Object.values(DetailType));
  const ours = (e: unknown) => supported.has(String((e as Record<string, unknown>)['detail-type']));
  const real = readJsonTree(AWS_EVENTS_DIR)
    .map(([, e]) => e)
    .filter(ours);
  const scenarios = collectEventFiles([path.join(ROOT, 'events/samples')])
    .map((f) => f.event)
    .filter(ours);
  const events = sampleEvents([...real, ...scenarios], 12_000);
  // The pure part of the hot path: what a Lambda does per event besides waiting on DynamoDB and Slack.
  const { handle, cards } = hotPathHandler(config, globs);
  const baseline = stats(timeEach(events.length, (i) => JSON.parse(JSON.stringify(events[i]))));
  const hot = stats(timeEach(events.length, (i) => handle(events[i])));
  console.log(
    `${events.length} events cycled from ${real.length} real events (test/fixtures/aws-events) and ${scenarios.length} scenario events (events/samples), ${cards.size} runs`,
  );
  console.log(
    `parse→normalize→merge→route→render: median ${(hot.median * 1000).toFixed(1)} µs, p99 ${(hot.p99 * 1000).toFixed(1)} µs, ${Math.round(1000 / hot.mean)} events/s (target ≥ 5,000/s)`,
  );
  console.log(
    `baseline JSON round trip: median ${(baseline.median * 1000).toFixed(1)} µs → ratio ${(hot.median / baseline.median).toFixed(1)}× median, ${(hot.p99 / baseline.p99).toFixed(1)}× p99`,
  );
}

async function slackCalls(): Promise<void> {
  console.log('\n## Slack calls per run (demo scenarios, config/warden.yml)');
  const world = JSON.parse(readFileSync(path.join(ROOT, 'events/samples/samples.world.json'), 'utf8'));
  for (const scenario of ['01-pipeline-build-fails', '02-pipeline-deploys', '03-codeartifact-publish']) {
    const files = collectEventFiles([path.join(ROOT, 'events/samples', scenario)]);
    const results = await replayEvents(files, { config, world });
    const t = tally(results);
    const channels = new Set(
      results
        .flatMap((r) => r.calls)
        .filter((c) => c.call.startsWith('slack.'))
        .map((c) => String(c.input['channel'])),
    );
    const posts = t['cards posted'] ?? 0;
    console.log(
      `${scenario}: ${files.length} events, ${channels.size} channel(s): ${posts} top-level post(s), ${(posts / Math.max(1, channels.size)).toFixed(0)} per channel (target 1); ${t['cards updated']} update(s), ${t['thread replies']} thread reply(ies), ${t['emails']} email(s)`,
    );
  }
}

/**
 * The same scenarios as SQS batches of 10 in file order, through the Lambda's batch path
 * (processBatch, merged per run, paced by Slack's budget): DynamoDB calls (card store calls, and the
 * budget's one UpdateItem per take, as the DynamoDB adapters make them) and Slack calls
 * by method, per run. One event per batch (as replay runs them) for comparison.
 */
async function batchCalls(): Promise<void> {
  console.log('\n## Per run as the Lambda gets it: SQS batches, merged per run, paced (DynamoDB and Slack calls)');
  const world = JSON.parse(readFileSync(path.join(ROOT, 'events/samples/samples.world.json'), 'utf8'));
  for (const scenario of ['01-pipeline-build-fails', '02-pipeline-deploys', '03-codeartifact-publish']) {
    const files = collectEventFiles([path.join(ROOT, 'events/samples', scenario)]);
    const bodies = files.map((f) => JSON.stringify(f.event));
    const count = async (batchSize: number) => {
      const recorder = createRecorder(world);
      const counted = countedRequests(createMemoryCardStore(), createMemorySlackBudget());
      const pacing = {
        budget: counted.budget,
        redelivery: { schedule: async () => undefined },
      };
      const notify = memoryNotifyDeps(config, recorder, { store: counted.store, now: () => new Date(), pacing });
      const deps = { deadLetter: recorder.deadLetter, logger: new Logger({ logLevel: 'SILENT' }), notify };
      for (let i = 0; i < bodies.length; i += batchSize) {
        await processBatch(
          bodies.slice(i, i + batchSize).map((body, j) => ({ id: `m-${i + j}`, body })),
          deps,
        );
      }
      const slack = recorder.calls.filter((c) => c.call.startsWith('slack.'));
      const by = (method: string) => slack.filter((c) => c.call === method).length;
      const posts = slack.filter((c) => c.call === 'slack.chat.postMessage' && !c.input['thread_ts']).length;
      const requests = counted.counts();
      return `${requests.total} DynamoDB (${requests.card} card, ${requests.budget} budget), ${by('slack.chat.postMessage')} chat.postMessage (${posts} top-level), ${by('slack.chat.update')} chat.update`;
    };
    console.log(`${scenario}: ${bodies.length} events; one per batch: ${await count(1)}; batches of 10: ${await count(10)}`);
  }
}

/**
 * The organization-scale load simulation (test/support/slack-load.ts; the test asserts what it must
 * hold): 1,000 pipelines, 300 runs starting within 5 minutes, 5 workers, through the real batch code.
 * Without the budget for comparison (each worker calls Slack as it goes; a 429 fails the record).
 */
async function slackLoad(): Promise<void> {
  console.log('\n## Slack at organization scale (simulation, virtual time): 1,000 pipelines, 300 runs starting within 5 minutes, 5 workers');
  console.log(
    `Slack's limits as the fake enforces them, per any 60 s: chat.update ${PUBLISHED_LIMITS['chat.update']}, chat.postMessage ${PUBLISHED_LIMITS['chat.postMessage']} per workspace and ${PUBLISHED_LIMITS['chat.postMessage#channel']} per channel`,
  );
  for (const [name, options] of [
    ['paced (the shared budget)', ORG_SCALE],
    ['unpaced (before: every worker calls at once)', { ...ORG_SCALE, unpaced: true }],
  ] as const) {
    const r = await simulateSlackLoad(options);
    const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
    console.log(
      `${name}: ${r.events} events in ${r.batches} batches; Slack calls made ${r.calls['chat.update']} chat.update, ${r.calls['chat.postMessage']} chat.postMessage (${r.topLevelPosts} top-level); ` +
        `peak per 60 s: chat.update ${r.peakPerMinute['chat.update']}, chat.postMessage ${r.peakPerMinute['chat.postMessage']}, one channel ${r.peakPerMinute['chat.postMessage#channel']}; ` +
        `429s ${r.rateLimited}; redeliveries ${r.redeliveries}; lost ${r.lost}; runs not showing their final state ${r.undelivered.length}; failure replies ${r.failureReplies.delivered}/${r.failureReplies.expected}; ` +
        `event → card update median ${s(r.delay.median)}, p99 ${s(r.delay.p99)}; queue drained after ${s(r.drainedAfterMs)}; ` +
        `DynamoDB requests ${r.dynamo.requests} (${r.dynamo.perEvent.toFixed(2)} per event, ${r.dynamo.perRunBatch.toFixed(2)} per run per batch)`,
    );
  }
}

/** Signed clicks through the real endpoint code, in memory: what a click costs besides Slack's and AWS's round trips. */
async function slackClicks(): Promise<void> {
  console.log('\n## A click on the approval card (signature → replay check → parse → approval policy), in-process');
  const w = approvalWorld(approvalConfig('- name: prod\n  approvers: [U0LEAD0001]\n  whenStarterUnknown: any-approver'));
  await w.send(approvalEvent('STARTED', START));
  const logger = new Logger({ logLevel: 'SILENT' });
  const secret = 'bench-signing-secret';
  const deps: SlackActionsDeps = {
    verify: async (request, now) => verifySlackSignature({ ...request, secret, now }),
    requests: createMemorySlackRequests(),
    route: createRouter({ 'approval:': approvalRoute(async () => w.deps) }),
    ephemeral: { post: async () => undefined },
    now: () => new Date(),
    logger,
  };
  const n = 2_000;
  // A stranger's click: refused by the policy after every check ran, so every request does the same work.
  const requests = Array.from({ length: n }, (_, i) => {
    const body = Buffer.from(
      formBody(blockActions({ actionId: 'approval:approve', value: approvalKey(REF), userId: `U0STRANGER${i}`, channelId: 'C0PAYMENTS1' })),
    );
    const ts = String(Math.floor(Date.now() / 1000));
    return { headers: { 'x-slack-request-timestamp': ts, 'x-slack-signature': slackSignature(secret, ts, body) }, body };
  });
  const baseline = stats(timeEach(n, (i) => createHmac('sha256', secret).update(requests[i]!.body).digest('hex')));
  const click = stats(await timeEachAsync(n, (i) => handleSlackRequest(requests[i]!, deps)));
  console.log(
    `${n} signed clicks: median ${(click.median * 1000).toFixed(1)} µs, p99 ${(click.p99 * 1000).toFixed(1)} µs; HMAC alone median ${(baseline.median * 1000).toFixed(1)} µs → ratio ${(click.median / baseline.median).toFixed(1)}×; ${((click.p99 / 3000) * 100).toFixed(4)}% of Slack's 3 s at p99`,
  );
  await w.machines.finish();
}

(async () => {
  console.log(`pipeline-warden bench · node ${process.version} · ${process.arch}`);
  await bundles();
  hotPath();
  await slackCalls();
  await batchCalls();
  await slackLoad();
  await slackClicks();
  await organizationScale();
  // Fresh processes, the real SDK answered in memory, against a build of the commit before issue 12
  // (or BENCH_BASE).
  await cpuAndColdStart(process.env['BENCH_BASE'] ? { baseRev: process.env['BENCH_BASE'] } : {});
})().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
