/**
 * Writes the insights scenarios under events/insights/ (README, "Delivery insights"): runs of
 * pipelines made of CodePipeline's pipeline and stage execution state-change events, in the shape
 * the CodePipeline user guide documents ("Monitoring CodePipeline events", detail-types
 * `CodePipeline Pipeline Execution State Change` and `CodePipeline Stage Execution State Change`;
 * the same shape as events/samples, which keep real events field for field).
 *
 *   npx tsx scripts/make-insights-scenarios.ts
 *
 * - `week`: two weeks of `payments-checkout` and `web-frontend` releases (Monday 2026-11-09 to
 *   Friday 2026-11-20): production successes, a failed production stage, a stage retried within its
 *   execution, and a CodePipeline ManualRollback execution. `warden metrics --json` and the tests
 *   pin the four keys on it; `warden replay --advance 8d` shows the Monday digest.
 * - `streak`: `payments-ledger` fails three runs in a row, then succeeds.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const ACCOUNT = '123456789012';
const REGION = 'eu-west-1';
const ROOT = path.join(__dirname, '..', 'events', 'insights');

/** A stable UUID from a seed, so the files do not change when the script runs again. */
function uuid(seed: string): string {
  const h = createHash('sha256').update(seed).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

type Step = readonly [minutes: number, stage: string | undefined, state: string];

interface Run {
  readonly pipeline: string;
  /** Start, UTC. */
  readonly start: string;
  readonly steps: readonly Step[];
  readonly trigger?: string;
}

function event(run: Run, executionId: string, [minutes, stage, state]: Step, n: number) {
  const time = new Date(Date.parse(run.start) + minutes * 60_000).toISOString().replace('.000Z', 'Z');
  const base = {
    version: '0',
    id: uuid(`${executionId}/${n}`),
    'detail-type': stage ? 'CodePipeline Stage Execution State Change' : 'CodePipeline Pipeline Execution State Change',
    source: 'aws.codepipeline',
    account: ACCOUNT,
    time,
    region: REGION,
    resources: [`arn:aws:codepipeline:${REGION}:${ACCOUNT}:${run.pipeline}`],
  };
  const detail = stage
    ? { pipeline: run.pipeline, 'execution-id': executionId, stage, state, version: 2.0 }
    : {
        pipeline: run.pipeline,
        'execution-id': executionId,
        state,
        version: 2.0,
        // Every pipeline-level event carries the execution's trigger and start time, as real ones do.
        ...{
          'execution-trigger': {
            'trigger-type': run.trigger ?? 'CodeStarSourceConnection',
            'trigger-detail':
              run.trigger === 'ManualRollback'
                ? `arn:aws:sts::${ACCOUNT}:assumed-role/AWSReservedSSO_Deployer_5f1e2d3c4b5a6978/dana@example.com`
                : `arn:aws:codestar-connections:${REGION}:${ACCOUNT}:connection/2f3a7b4c-9d8e-4f1a-b2c3-d4e5f6a7b8c9`,
          },
          'start-time': run.start.replace('Z', '.000Z'),
        },
        'pipeline-execution-attempt': 1.0,
      };
  return { ...base, detail };
}

const release = (minutes: { build: number; prod: number }, prod: 'SUCCEEDED' | 'FAILED'): Step[] => [
  [0, undefined, 'STARTED'],
  [0, 'Source', 'STARTED'],
  [1, 'Source', 'SUCCEEDED'],
  [1, 'Build', 'STARTED'],
  [minutes.build, 'Build', 'SUCCEEDED'],
  [minutes.build, 'Production', 'STARTED'],
  [minutes.prod, 'Production', prod],
  [minutes.prod, undefined, prod],
];

const buildFails: Step[] = [
  [0, undefined, 'STARTED'],
  [0, 'Build', 'STARTED'],
  [6, 'Build', 'FAILED'],
  [6, undefined, 'FAILED'],
];

function write(folder: string, runs: readonly Run[]) {
  const dir = path.join(ROOT, folder);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const all = runs.flatMap((run, r) => {
    // (Each run's events are built in order; the sort below keeps that order for equal times.)
    const executionId = uuid(`${folder}/${run.pipeline}/${r}`);
    return run.steps.map((step, n) => ({ run, event: event(run, executionId, step, n) }));
  });
  // The order EventBridge delivered them: by time, a run's events in their order.
  all.sort((a, b) => a.event.time.localeCompare(b.event.time));
  all.forEach(({ event: e, run }, i) => {
    const what = `${run.pipeline}-${'stage' in e.detail ? `${String(e.detail.stage).toLowerCase()}-` : ''}${String(e.detail.state).toLowerCase()}`;
    writeFileSync(path.join(dir, `${String(i + 1).padStart(3, '0')}-${what}.json`), `${JSON.stringify(e, null, 2)}\n`);
  });
}

const day = (date: string, hh: string) => `2026-11-${date}T${hh}:00Z`;

write('week', [
  // Week 1 (Mon 9 – Fri 13 November)
  { pipeline: 'payments-checkout', start: day('09', '09:00'), steps: release({ build: 12, prod: 30 }, 'SUCCEEDED') },
  { pipeline: 'web-frontend', start: day('09', '11:00'), steps: release({ build: 8, prod: 20 }, 'SUCCEEDED') },
  { pipeline: 'payments-checkout', start: day('10', '14:00'), steps: release({ build: 12, prod: 40 }, 'FAILED') },
  { pipeline: 'payments-checkout', start: day('11', '10:00'), steps: release({ build: 12, prod: 30 }, 'SUCCEEDED') },
  { pipeline: 'web-frontend', start: day('12', '15:00'), steps: release({ build: 8, prod: 20 }, 'SUCCEEDED') },
  {
    pipeline: 'web-frontend',
    start: day('12', '16:00'),
    steps: [
      [0, undefined, 'STARTED'],
      [0, 'Production', 'STARTED'],
      [5, 'Production', 'SUCCEEDED'],
      [5, undefined, 'SUCCEEDED'],
    ],
    trigger: 'ManualRollback',
  },
  { pipeline: 'payments-checkout', start: day('13', '09:30'), steps: buildFails },
  // Week 2 (Mon 16 – Fri 20 November)
  { pipeline: 'payments-checkout', start: day('16', '09:00'), steps: release({ build: 12, prod: 25 }, 'SUCCEEDED') },
  {
    pipeline: 'payments-checkout',
    start: day('17', '10:00'),
    // Production fails, is retried within the execution, and succeeds.
    steps: [
      ...release({ build: 12, prod: 30 }, 'FAILED').slice(0, 7),
      [45, 'Production', 'STARTED'],
      [60, 'Production', 'SUCCEEDED'],
      [60, undefined, 'SUCCEEDED'],
    ],
  },
  { pipeline: 'web-frontend', start: day('17', '11:00'), steps: release({ build: 8, prod: 20 }, 'SUCCEEDED') },
  { pipeline: 'payments-checkout', start: day('18', '09:00'), steps: release({ build: 12, prod: 30 }, 'SUCCEEDED') },
  { pipeline: 'web-frontend', start: day('19', '11:00'), steps: release({ build: 8, prod: 20 }, 'SUCCEEDED') },
  { pipeline: 'payments-checkout', start: day('20', '09:00'), steps: release({ build: 12, prod: 30 }, 'SUCCEEDED') },
]);

write('streak', [
  { pipeline: 'payments-ledger', start: day('16', '09:00'), steps: buildFails },
  { pipeline: 'payments-ledger', start: day('16', '11:00'), steps: buildFails },
  { pipeline: 'payments-ledger', start: day('16', '13:00'), steps: buildFails },
  { pipeline: 'payments-ledger', start: day('16', '15:00'), steps: buildFails },
  { pipeline: 'payments-ledger', start: day('17', '09:00'), steps: release({ build: 12, prod: 30 }, 'SUCCEEDED') },
]);
