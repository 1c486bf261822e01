/** Replay runs every event through the targets of every rule that matches it, as EventBridge would. */
import { describe, expect, it } from 'vitest';
import { readConfigFile } from '../../cli/config-file';
import { loadRulePatterns } from '../../cli/files';
import { createLocalMachines } from '../../cli/local-machines';
import { TARGETS } from '../../cli/targets';
import type { ReplayShared } from '../../cli/targets/types';
import { createMemoryCardStore } from '../../functions/platform/memory-store';
import { createRecorder } from '../../functions/platform/recording';
import { createScheduler } from '../../tools/step-functions/clock';

function shared(): ReplayShared {
  const clock = createScheduler('2026-11-23T10:00:00Z');
  const recorder = createRecorder({});
  const machines = createLocalMachines({ clock, recorder, currentEvent: () => undefined });
  const loaded = readConfigFile('config/warden.yml');
  if (!loaded.ok) throw new Error(loaded.problems.join('\n'));
  return {
    config: loaded.config,
    world: {},
    recorder,
    store: createMemoryCardStore(),
    clock,
    machines,
    defaultTopicArn: 'arn:aws:sns:us-east-1:123456789012:t',
  };
}

describe('replay targets', () => {
  it('gives every rule pattern of events/ exactly one target, and every target a pattern', () => {
    const targets = TARGETS.flatMap((factory) => factory(shared()));
    const patterns = loadRulePatterns().map((p) => p.name);
    expect(targets.map((t) => t.pattern).sort()).toEqual([...patterns].sort());
  });
});
