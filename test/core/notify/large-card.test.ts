/**
 * A card as large as a real pipeline can make it (issue 14): Slack takes at most 50 blocks and
 * 3,000 characters a section, so a long card is spread over sections, and a card too long even for
 * that folds its finished stages into a count before anything is cut. The failed, running and
 * waiting stages are always on it.
 */
import { describe, expect, it } from 'vitest';
import type { FactRecord, RunCard } from '../../../functions/kernel/card/types';
import { ICON } from '../../../functions/kernel/render/format';
import { layout, renderCard } from '../../../functions/notify/domain/slack-card';
import { renderFailure } from '../../../functions/notify/domain/slack-thread';
import { validateMessage } from '../../../tools/block-kit/validate';

const at = (i: number) => new Date(Date.parse('2026-12-02T10:00:00Z') + i * 1000).toISOString();

/** A pipeline run of `stages` stages × `actions` actions; the last stage failed (or runs, or waits). */
function pipelineCard(stages: number, actions: number, last: 'Failed' | 'InProgress' = 'Failed'): RunCard {
  const facts: Record<string, FactRecord> = {
    pipeline: { time: at(0), eventId: 'e-p', fact: { type: 'pipeline', state: last === 'Failed' ? 'FAILED' : 'STARTED' } },
  };
  for (let s = 1; s <= stages; s += 1) {
    const stage = `Stage-${String(s).padStart(3, '0')}-deploy-to-region-cluster`;
    const state = s === stages ? (last === 'Failed' ? 'FAILED' : 'STARTED') : 'SUCCEEDED';
    facts[`stage:${stage}`] = { time: at(s * 10), eventId: `e-s${s}`, fact: { type: 'stage', stage, state } };
    for (let a = 1; a <= actions; a += 1) {
      const action = `Action-${a}-with-a-descriptive-name`;
      const failed = s === stages && a === actions && last === 'Failed';
      facts[`action:${stage}/${action}`] = {
        time: at(s * 10 + a),
        eventId: `e-s${s}a${a}`,
        fact: {
          type: 'action',
          stage,
          action,
          state: failed ? 'FAILED' : state === 'STARTED' && a === actions ? 'STARTED' : 'SUCCEEDED',
          category: 'Deploy',
          provider: 'CloudFormation',
          ...(failed ? { summary: 'Stack pipeline-warden-test is in ROLLBACK_COMPLETE state and can not be updated.' } : {}),
        },
      };
    }
  }
  return {
    run: { kind: 'pipeline', key: 'pipeline/123456789012/eu-west-1/very-long-pipeline/0b4c9c1a-5f0e-4c1b-8d5e-7f3a2b1c9d8e' },
    subject: { account: '123456789012', region: 'eu-west-1', pipeline: 'very-long-pipeline' },
    facts,
    failures: {},
    slack: {},
    threads: [],
    emails: [],
  };
}

const sections = (blocks: readonly Readonly<Record<string, unknown>>[]) =>
  blocks.filter((b) => b['type'] === 'section').map((b) => String((b['text'] as { text?: string } | undefined)?.text ?? ''));

describe('a large card', () => {
  it('60 stages × 4 actions at level all: every stage shown over several sections, the failed last stage included', () => {
    const { blocks } = renderCard(pipelineCard(60, 4), 'all');
    expect(blocks.length).toBeLessThanOrEqual(50);
    for (const text of sections(blocks)) expect(text.length).toBeLessThanOrEqual(3000);
    const all = sections(blocks).join('\n');
    expect(all).toContain('Stage-001-deploy-to-region-cluster');
    expect(all).toContain('Stage-060-deploy-to-region-cluster');
    expect(all).toContain('ROLLBACK_COMPLETE');
    expect(all).not.toContain('…');
  });

  it('300 stages × 4 actions: still every stage, over at most 50 blocks, the failed one included', () => {
    const { blocks } = renderCard(pipelineCard(300, 4), 'all');
    expect(blocks.length).toBeLessThanOrEqual(50);
    for (const text of sections(blocks)) expect(text.length).toBeLessThanOrEqual(3000);
    const all = sections(blocks).join('\n');
    expect(all).toContain('Stage-001-deploy-to-region-cluster');
    expect(all).toContain('Stage-300-deploy-to-region-cluster');
    expect(all).toContain('ROLLBACK_COMPLETE');
  });

  it('600 stages × 4 actions, too long even for 50 blocks: the finished stages fold into a count, the failed one is whole', () => {
    const { blocks } = renderCard(pipelineCard(600, 4), 'all');
    expect(blocks.length).toBeLessThanOrEqual(50);
    for (const text of sections(blocks)) expect(text.length).toBeLessThanOrEqual(3000);
    const all = sections(blocks).join('\n');
    expect(all).toContain('599 stages succeeded');
    expect(all).toContain('Stage-600-deploy-to-region-cluster');
    expect(all).toContain('ROLLBACK_COMPLETE');
  });

  it('a running last stage is kept whole too', () => {
    const all = sections(renderCard(pipelineCard(300, 4, 'InProgress'), 'all').blocks).join('\n');
    expect(all).toContain('Stage-300-deploy-to-region-cluster');
    expect(all).toContain('Action-4-with-a-descriptive-name');
  });

  it.each([60, 300, 600])('a %i-stage card is a message Slack accepts (tools/block-kit)', (stages) => {
    expect(validateMessage(renderCard(pipelineCard(stages, 4), 'all'))).toEqual({ ok: true });
    expect(validateMessage(renderCard(pipelineCard(stages, 4), 'status-changes'))).toEqual({ ok: true });
  });

  it('a failure reply with a 4 KB log tail full of backticks is a message Slack accepts', () => {
    const card = pipelineCard(3, 2);
    const failure = Object.values(card.facts).find((r) => r.fact.type === 'action' && r.fact.state === 'FAILED')!;
    const logLines = Array.from({ length: 64 }, (_, i) => `step ${i}: \`\`\`npm test\`\`\` exited with \`code 1\` <${'x'.repeat(30)}> & more`);
    expect(logLines.join('\n').length).toBeGreaterThan(4000);
    const reply = renderFailure(card, failure, { mentions: ['S0ONCALL01'], logLines });
    expect(validateMessage(reply)).toEqual({ ok: true });
    expect(JSON.stringify(reply.blocks)).toContain('step 63');
  });

  it('a normal card is one section, exactly as before', () => {
    const { blocks } = renderCard(pipelineCard(3, 2), 'all');
    expect(blocks.map((b) => b.type)).toEqual(['section', 'section', 'context']);
  });

  it('layout: folds only runs of finished stages, and cuts (marked) only what even folded does not fit', () => {
    const long = (icon: string) => `${icon} ${'x'.repeat(1500)}`;
    const done = { lines: [long(ICON.succeeded)], folds: 'stage' as const };
    const failed = { lines: [long(ICON.failed)] };
    expect(layout([done, done, failed, done], 4)).toHaveLength(4);
    // Too long for 2 sections: the first two finished stages fold; a lone finished stage does not.
    expect(layout([done, done, failed, done], 2)).toEqual([`${ICON.succeeded} 2 stages succeeded\n${long(ICON.failed)}`, long(ICON.succeeded)]);
    // What must stay and does not fit even so: cut at the end, and said.
    const cut = layout([failed, failed, failed], 2);
    expect(cut).toHaveLength(2);
    expect(cut[1]).toMatch(/more sections not shown\)$/);
  });
});
