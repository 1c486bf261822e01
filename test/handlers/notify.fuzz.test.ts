/**
 * The notify record path fuzzed (security review, issue 10, "Done when"): ≥ 10 000 mutations of the
 * real events (events/samples, test/fixtures/aws-events, test/fixtures/aws-docs) through
 * processRecord and the hot path, with the memory store and recording adapters replay uses. No
 * crash; every event delivered (or unchanged, or parked) or dead-lettered exactly once; every Slack
 * message within Block Kit's limits, and no `<!…>` or `<@…>` in it but the config's mentions.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../functions/kernel/config/parse';
import { notifyEvent } from '../../functions/notify/app/notify-event';
import { processRecord } from '../../functions/notify/app/process-record';
import { createMemoryCardStore } from '../../functions/platform/memory-store';
import { createRecorder, type RecordedCall } from '../../functions/platform/recording';
import { mentionsIn, mutate, random } from '../support/event-fuzz';
import { AWS_DOCS_DIR, AWS_EVENTS_DIR, readJsonTree } from '../support/fixtures';
import { memoryNotifyDeps } from '../support/scenarios';

const CONFIG = parseConfig(`version: 1
defaults: { slackLevel: all, emailLevel: all, logLines: 30 }
routes:
  - name: everything
    slack: { channels: [C0FUZZ0001], mentions: [S0ONCALL1, here, U0LEAD0001], level: all }
    email: { topics: [default], level: all }
`);
/** The only mentions a message may carry: the config's. */
const ALLOWED = new Set(['<!subteam^S0ONCALL1>', '<!here>', '<@U0LEAD0001>']);
const isEvent = (e: unknown) => typeof e === 'object' && e !== null && 'detail-type' in e;
const REAL = [...readJsonTree('events/samples'), ...readJsonTree(AWS_EVENTS_DIR), ...readJsonTree(AWS_DOCS_DIR)].filter(([, e]) => isEvent(e));

interface Block {
  type?: string;
  text?: { type?: string; text?: unknown };
  fields?: Array<{ text?: unknown }>;
  elements?: Array<{ text?: unknown }>;
}

/** Block Kit's limits and the mention rule; each problem names the case. */
function messageProblems(call: RecordedCall): string[] {
  const input = call.input as { text?: unknown; blocks?: Block[] };
  const problems: string[] = [];
  const text = typeof input.text === 'string' ? input.text : '';
  if (typeof input.text !== 'string' || text.length === 0 || text.length > 40_000) problems.push(`text of ${text.length} characters`);
  const blocks = input.blocks ?? [];
  if (blocks.length > 50) problems.push(`${blocks.length} blocks`);
  const strings = [text];
  for (const b of blocks) {
    const own = typeof b.text?.text === 'string' ? b.text.text : undefined;
    if (b.type === 'header' && (b.text?.type !== 'plain_text' || (own ?? '').length > 150)) problems.push('header over 150 characters');
    if (b.type === 'section' && own !== undefined && own.length > 3000) problems.push(`section text of ${own.length}`);
    if (b.type === 'context' && (b.elements?.length ?? 0) > 10) problems.push('context with more than 10 elements');
    for (const part of [own, ...(b.fields ?? []).map((f) => f.text), ...(b.elements ?? []).map((e) => e.text)]) {
      if (typeof part !== 'string') continue;
      if (part.length > 3000) problems.push(`a text of ${part.length} characters`);
      strings.push(part);
    }
  }
  for (const s of strings) for (const m of mentionsIn(s)) if (!ALLOWED.has(m)) problems.push(`unescaped ${m.slice(0, 40)}`);
  return problems;
}

describe('notify record path fuzz', () => {
  it('10 000 mutated real events: no crash, each delivered or dead-lettered once, every message within Block Kit and escaped', async () => {
    if (!CONFIG.ok) throw new Error(CONFIG.problems.join('\n'));
    expect(REAL.length).toBeGreaterThanOrEqual(40);
    const rng = random(20261123);
    const recorder = createRecorder({});
    const store = createMemoryCardStore();
    const deps = memoryNotifyDeps(CONFIG.config, recorder, {
      store,
      defaultTopicArn: 'arn:aws:sns:us-east-1:123456789012:t',
      now: () => new Date('2026-11-23T10:00:00Z'),
    });
    const logger = new Logger({ logLevel: 'SILENT' });
    const crashes: string[] = [];
    const wrong: string[] = [];
    const results: Record<string, number> = {};
    let messages = 0;
    const began = Date.now();
    for (let id = 0; id < 10_000; id += 1) {
      const [name, base] = REAL[rng.int(REAL.length)]!;
      const { value, kinds } = mutate(rng, base);
      const start = recorder.calls.length;
      let result: string;
      try {
        result = await processRecord(JSON.stringify(value), { deadLetter: recorder.deadLetter, logger, notify: (e) => notifyEvent(e, deps) });
      } catch (error) {
        crashes.push(`#${id} ${name} ${kinds.join('+')}: ${error instanceof Error ? `${error.name}: ${error.message.slice(0, 200)}` : String(error)}`);
        continue;
      }
      results[result] = (results[result] ?? 0) + 1;
      const calls = recorder.calls.slice(start);
      const letters = calls.filter((c) => c.call === 'sqs.sendMessage').length;
      if (letters !== (result === 'rejected' ? 1 : 0)) wrong.push(`#${id} ${name} ${kinds.join('+')}: ${result} with ${letters} dead letters`);
      for (const call of calls.filter((c) => c.call === 'slack.chat.postMessage' || c.call === 'slack.chat.update')) {
        messages += 1;
        for (const problem of messageProblems(call)) wrong.push(`#${id} ${name} ${kinds.join('+')}: ${problem}`);
      }
    }
    const ms = Date.now() - began;
    console.info(`notify fuzz: 10000 events in ${ms} ms; ${JSON.stringify(results)}; ${messages} Slack messages`);
    expect(crashes).toEqual([]);
    expect(wrong.slice(0, 20)).toEqual([]);
    // The run is meaningful: both outcomes are common, and many messages were checked.
    expect(results['rejected']).toBeGreaterThan(1_000);
    expect((results['delivered'] ?? 0) + (results['unchanged'] ?? 0) + (results['parked'] ?? 0)).toBeGreaterThan(2_000);
    expect(messages).toBeGreaterThan(800);
  }, 120_000);
});
