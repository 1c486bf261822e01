/**
 * `warden replay` of a failed CloudFormation StackSet action (test/fixtures/deploy-failures), the
 * stack set's operations and results answered by the --world file: the failure reply names the
 * failed accounts and regions with their reasons.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { warden } from '../support/warden-cli';

const FIXTURES = path.resolve(__dirname, '../fixtures/deploy-failures');
const read = (name: string) => JSON.parse(readFileSync(path.join(FIXTURES, name), 'utf8')) as Record<string, unknown>;

function scenario(withResults: boolean): { dir: string; config: string; world: string } {
  const root = mkdtempSync(path.join(tmpdir(), 'warden-stackset-'));
  const dir = path.join(root, 'events');
  mkdirSync(dir);
  copyFileSync(path.join(FIXTURES, 'codepipeline-action-stackset-failed.json'), path.join(dir, '01-action-failed.json'));
  const operations = read('list-stack-set-operations-baseline.json') as { Summaries: Array<{ OperationId: string }> };
  const newest = operations.Summaries[0]!.OperationId;
  const pipeline = read('get-pipeline-baseline-stackset.json') as {
    pipeline: { stages: Array<{ actions: Array<{ configuration?: Record<string, string> }> }> };
  };
  const stackSetName = pipeline.pipeline.stages.flatMap((s) => s.actions).find((a) => a.configuration?.['StackSetName'])?.configuration?.['StackSetName'];
  const world = path.join(root, 'world.json');
  writeFileSync(
    world,
    JSON.stringify({
      pipelines: { 'baseline-pipeline': pipeline },
      stackSets: {
        [String(stackSetName)]: { ...operations, ...(withResults ? { results: { [newest]: read('list-stack-set-operation-results-baseline.json') } } : {}) },
      },
    }),
  );
  const config = path.join(root, 'warden.yml');
  writeFileSync(
    config,
    ['version: 1', 'routes:', '  - name: platform', '    match: { pipelines: ["baseline-*"] }', '    slack: { channels: [C0PLATFORM1] }', ''].join('\n'),
  );
  return { dir, config, world };
}

describe('warden replay: a failed StackSet action', () => {
  it('replies with the failed accounts and regions of the newest operation, capped', () => {
    const { dir, config, world } = scenario(true);
    const { code, stdout, stderr } = warden('replay', '--config', config, '--world', world, dir);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toContain('cloudformation.listStackSetOperations');
    expect(stdout).toContain('cloudformation.listStackSetOperationResults');
    expect(stdout).toContain("222233334444 us-east-1: Account 222233334444 should have 'AWSCloudFormationStackSetExecutionRole' role");
    expect(stdout).toContain('and 2 more accounts/regions');
  });

  it('without results for the operation, the reply keeps the action summary and names no account', () => {
    const { dir, config, world } = scenario(false);
    const { code, stdout } = warden('replay', '--config', config, '--world', world, dir);
    expect(code).toBe(0);
    expect(stdout).toContain('StackSet operation failed');
    expect(stdout).not.toContain('222233334444 us-east-1');
  });
});
