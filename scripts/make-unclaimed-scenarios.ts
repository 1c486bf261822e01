/**
 * Writes the unclaimed-build scenarios under events/unclaimed-build/ (README, "No failure
 * unannounced"): a CodeBuild build a pipeline started (`additional-information.initiator` =
 * `codepipeline/<pipeline>`) fails, and its pipeline action does not report it in time. Each event
 * is a copy of a file of events/samples/01-pipeline-build-fails (the shapes AWS documents for
 * "CodePipeline Pipeline Execution State Change", "CodePipeline Action Execution State Change" and
 * "CodeBuild Build State Change", field for field) with the pipeline, project, ids and times of its run.
 *
 *   npx tsx scripts/make-unclaimed-scenarios.ts
 *
 * - `never-claimed`: `payments-reconciler` starts, its build fails at 09:15:58, and no action ever
 *   reports it. `warden replay --advance 15m` announces the build on its own card at 09:25:58.
 * - `claimed-late`: `payments-settlement`'s build fails at 10:15:58; its action reports it at
 *   10:27:30, after the build was announced: the pipeline card takes the build in, and the build's
 *   card names the pipeline run.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const SAMPLES = path.join(__dirname, '..', 'events', 'samples', '01-pipeline-build-fails');
const ROOT = path.join(__dirname, '..', 'events', 'unclaimed-build');

/** A stable UUID from a seed, so the files do not change when the script runs again. */
function uuid(seed: string): string {
  const h = createHash('sha256').update(seed).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

interface Run {
  readonly folder: string;
  readonly pipeline: string;
  /** Minutes the sample's times move by (a whole number of hours). */
  readonly shiftMinutes: number;
  /** Sample file → the file written (and, for a late one, minutes added to its time). */
  readonly files: ReadonlyArray<readonly [sample: string, file: string, lateMinutes?: number]>;
}

const RUNS: readonly Run[] = [
  {
    folder: 'never-claimed',
    pipeline: 'payments-reconciler',
    shiftMinutes: 0,
    files: [
      ['01-pipeline-started.json', '01-pipeline-started.json'],
      ['08-build-in-progress.json', '02-build-in-progress.json'],
      ['10-build-failed.json', '03-build-failed.json'],
    ],
  },
  {
    folder: 'claimed-late',
    pipeline: 'payments-settlement',
    shiftMinutes: 60,
    files: [
      ['01-pipeline-started.json', '01-pipeline-started.json'],
      ['10-build-failed.json', '02-build-failed.json'],
      ['11-action-build-failed.json', '03-action-build-failed-late.json', 11.5],
      ['13-pipeline-failed.json', '04-pipeline-failed.json', 11.5],
    ],
  },
];

const shift = (iso: string, ms: number) => new Date(Date.parse(iso) + ms).toISOString().replace('.000Z', 'Z');
/** A run's copy of a sample event: its names, ids and times (the build's phase times, "Nov 23, 2026 9:14:05 AM", move by whole hours). */
function rewrite(text: string, run: Run, n: number, lateMinutes = 0): string {
  const execution = uuid(`${run.pipeline}/execution`);
  const build = uuid(`${run.pipeline}/build`);
  const event = JSON.parse(
    text
      .replaceAll(', 2026 9:', `, 2026 ${9 + Math.floor(run.shiftMinutes / 60)}:`)
      .replaceAll('payments-api-build', `${run.pipeline}-build`)
      .replaceAll('payments-api', run.pipeline)
      .replaceAll('6f2b1c1e-3a4d-4e7b-9c1d-2a5f8e9b0c31', execution)
      .replaceAll('0b4c9c1a-5f0e-4c1b-8d5e-7f3a2b1c9d8e', build),
  ) as { id: string; time: string; detail: Record<string, unknown> };
  event.id = uuid(`${run.pipeline}/${n}`);
  event.time = shift(event.time, (run.shiftMinutes + lateMinutes) * 60_000);
  if (typeof event.detail['start-time'] === 'string')
    event.detail['start-time'] = new Date(Date.parse(event.detail['start-time']) + run.shiftMinutes * 60_000).toISOString();
  return `${JSON.stringify(event, null, 2)}\n`;
}

rmSync(ROOT, { recursive: true, force: true });
for (const run of RUNS) {
  const dir = path.join(ROOT, run.folder);
  mkdirSync(dir, { recursive: true });
  for (const [i, [sample, file, late]] of run.files.entries()) {
    writeFileSync(path.join(dir, file), rewrite(readFileSync(path.join(SAMPLES, sample), 'utf8'), run, i + 1, late));
  }
}
// The failed builds' logs, as replay reads them instead of CloudWatch Logs.
const logs = Object.fromEntries(
  RUNS.map((run) => [
    `/aws/codebuild/${run.pipeline}-build`,
    {
      [uuid(`${run.pipeline}/build`)]: [
        '> npm test',
        'FAIL src/ledger.test.ts',
        '  ● balances › nets refunds against captures',
        'Tests: 1 failed, 57 passed, 58 total',
      ],
    },
  ]),
);
writeFileSync(
  path.join(ROOT, 'unclaimed.world.json'),
  `${JSON.stringify({ description: 'The unclaimed builds’ logs (scripts/make-unclaimed-scenarios.ts).', logs }, null, 2)}\n`,
);
