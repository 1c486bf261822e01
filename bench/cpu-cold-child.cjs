'use strict';
/**
 * One measurement in a fresh process, for bench/cpu-cold.ts:
 *
 *   node -r ./bench/in-memory-aws.cjs bench/cpu-cold-child.cjs <bundle> cold|cpu <eventsJsonFile>
 *
 * `cold`: require the bundle, then one invocation with one SQS record (the file's `cold` record);
 * `cpu`: require the bundle, `warmup` records one per invocation, then the `batch1` records one per
 * invocation and the `batch10` records ten per invocation (file order), each timed with
 * process.cpuUsage (user + system, the whole process: the in-memory emulation included, whose own
 * share is reported as `stubNs`).
 *
 * The result is one JSON line on fd 3 (stdout carries the function's own logs, as in Lambda), or on
 * stderr when fd 3 is not open (run by hand).
 */
const t0 = process.hrtime.bigint();
const cpu0 = process.cpuUsage();
/** ms from the process's start to this line: Node's bootstrap and the preload. */
const bootMs = performance.now();

const fs = require('node:fs');
const path = require('node:path');

const [bundle, mode, eventsFile] = process.argv.slice(2);
if (!bundle || (mode !== 'cold' && mode !== 'cpu') || !eventsFile) {
  process.stderr.write('usage: node -r ./bench/in-memory-aws.cjs bench/cpu-cold-child.cjs <bundle> cold|cpu <eventsJsonFile>\n');
  process.exit(2);
}

const ms = (from, to) => Number(to - from) / 1e6;
const cpuMs = (usage) => (usage.user + usage.system) / 1000;

function context(i) {
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: 'notify',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:notify',
    memoryLimitInMB: '512',
    awsRequestId: `bench-${i}`,
    logGroupName: '/aws/lambda/notify',
    logStreamName: '2026/01/01/[$LATEST]bench',
    getRemainingTimeInMillis: () => 60_000,
    done() {},
    fail() {},
    succeed() {},
  };
}

/** Answered calls by name, as a plain object; `since` subtracts an earlier snapshot. */
function callsSince(since = {}) {
  const out = {};
  for (const [name, n] of globalThis.__benchCalls ?? new Map()) if (n - (since[name] ?? 0) > 0) out[name] = n - (since[name] ?? 0);
  return out;
}

const stubNs = () => Number(globalThis.__benchStub?.ns ?? 0n);

function report(result) {
  const line = `${JSON.stringify(result)}\n`;
  try {
    fs.writeSync(3, line);
  } catch {
    process.stderr.write(line);
  }
}

let invocation = 0;
const failed = [];

async function invoke(handler, records) {
  invocation += 1;
  const out = await handler({ Records: records }, context(invocation));
  const failures = out?.batchItemFailures ?? [];
  for (const f of failures) if (failed.length < 20) failed.push(f.itemIdentifier);
  return failures.length;
}

/** Feeds `records` `size` per invocation; CPU, wall and calls of just that. */
async function feed(handler, records, size) {
  const calls0 = callsSince();
  const stub0 = stubNs();
  const wall0 = process.hrtime.bigint();
  const usage0 = process.cpuUsage();
  let failures = 0;
  for (let i = 0; i < records.length; i += size) failures += await invoke(handler, records.slice(i, i + size));
  const usage = process.cpuUsage(usage0);
  const wall = process.hrtime.bigint();
  return {
    events: records.length,
    invocations: Math.ceil(records.length / size),
    userUs: usage.user,
    systemUs: usage.system,
    wallMs: ms(wall0, wall),
    stubNs: stubNs() - stub0,
    calls: callsSince(calls0),
    failures,
  };
}

async function main() {
  const file = path.resolve(bundle);
  if (mode === 'cold') {
    const { handler } = require(file);
    const t1 = process.hrtime.bigint();
    const cpu1 = process.cpuUsage();
    const { cold } = JSON.parse(fs.readFileSync(eventsFile, 'utf8'));
    const t2 = process.hrtime.bigint();
    const cpu2 = process.cpuUsage();
    const failures = await invoke(handler, [cold]);
    const t3 = process.hrtime.bigint();
    const cpu3 = process.cpuUsage();
    report({
      mode,
      bootMs,
      loadMs: ms(t0, t1),
      firstEventMs: ms(t2, t3),
      loadCpuMs: cpuMs(cpu1) - cpuMs(cpu0),
      firstCpuMs: cpuMs(cpu3) - cpuMs(cpu2),
      failures,
      failed,
      calls: callsSince(),
      patched: globalThis.__benchPatched ?? [],
      sqsSent: globalThis.__benchSqsSent ?? [],
    });
    return;
  }
  const { handler } = require(file);
  const { warmup, batch1, batch10 } = JSON.parse(fs.readFileSync(eventsFile, 'utf8'));
  const warm = await feed(handler, warmup, 1);
  const one = await feed(handler, batch1, 1);
  const ten = await feed(handler, batch10, 10);
  report({ mode, warmup: warm, batch1: one, batch10: ten, failed, patched: globalThis.__benchPatched ?? [], sqsSent: globalThis.__benchSqsSent ?? [] });
}

process.on('unhandledRejection', (error) => {
  report({ mode, error: `unhandled rejection: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}` });
  process.exit(1);
});

main().then(
  () => process.exit(0),
  (error) => {
    report({ mode, error: error instanceof Error ? (error.stack ?? error.message) : String(error), failed });
    process.exit(1);
  },
);
