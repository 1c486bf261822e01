import { Logger } from '@aws-lambda-powertools/logger';
import { describe, expect, it } from 'vitest';
import type { SlackInteraction } from '../../../functions/kernel/slack/interaction';
import { createRouter, type InteractionRoute } from '../../../functions/slack-actions/app/router';

const logger = new Logger({ logLevel: 'SILENT' });
const now = new Date('2026-11-23T06:00:00Z');
const click = (actionId: string): SlackInteraction => ({ type: 'block_actions', actionId, value: 'v', user: { id: 'U1' } });
const named =
  (name: string): InteractionRoute =>
  async () => ({ kind: 'done', text: name });

describe('createRouter', () => {
  const route = createRouter({ 'approval:': named('approval'), 'approval:admin:': named('admin'), 'bypass:': named('bypass') });

  it.each([
    ['approval:approve', { kind: 'done', text: 'approval' }],
    ['approval:reject', { kind: 'done', text: 'approval' }],
    ['approval:admin:force', { kind: 'done', text: 'admin' }],
    ['bypass:freeze-2026', { kind: 'done', text: 'bypass' }],
    ['approval', { kind: 'ignored' }],
    ['APPROVAL:approve', { kind: 'ignored' }],
    ['xapproval:approve', { kind: 'ignored' }],
    ['__proto__', { kind: 'ignored' }],
    ['constructor', { kind: 'ignored' }],
  ])('%s → %j (longest prefix wins; unknown prefixes are ignored)', async (actionId, expected) => {
    expect(await route({ interaction: click(actionId), now, logger })).toEqual(expected);
  });

  it('passes the context through and lets route errors propagate (the endpoint answers them)', async () => {
    const seen: unknown[] = [];
    const failing = createRouter({
      'x:': async (context) => {
        seen.push(context);
        throw new Error('boom');
      },
    });
    const context = { interaction: click('x:y'), now, logger };

    await expect(failing(context)).rejects.toThrow('boom');
    expect(seen).toEqual([context]);
  });

  it('ignores everything with no routes (what ships until features add theirs)', async () => {
    expect(await createRouter({})({ interaction: click('approval:approve'), now, logger })).toEqual({ kind: 'ignored' });
  });

  it('refuses an empty prefix, which would claim every action', () => {
    expect(() => createRouter({ '': named('all') })).toThrow(/empty action id prefix/);
  });
});
