import { describe, expect, it } from 'vitest';
import { emptyCard, merge } from '../../../functions/kernel/card/merge';
import type { RunCard } from '../../../functions/kernel/card/types';
import type { Level } from '../../../functions/kernel/config/schema';
import { normalize } from '../../../functions/kernel/events/normalize';
import { parseEvent } from '../../../functions/kernel/events/parse';
import { recordDelivery } from '../../../functions/notify/domain/delivery';
import { type Plan, planDelivery } from '../../../functions/notify/domain/plan';
import { scenario } from '../../support/scenarios';

const events = scenario('01-pipeline-build-fails');
const upTo = (file: string) => events.slice(0, events.findIndex((e) => e.file.startsWith(file)) + 1);

function cardOf(files: typeof events): RunCard {
  const observations = files.flatMap((f) => normalize(parseEvent(f.event)));
  // Build events carry their own run; on a pipeline card they are re-targeted by the app layer.
  const pipelineRun = observations.find((o) => o.run.kind === 'pipeline')!;
  return merge(
    emptyCard(pipelineRun.run, pipelineRun.subject),
    observations.map((o) => ({ ...o, run: pipelineRun.run })),
  );
}

const to = (level: Level, email: Level = 'failures') => ({
  slack: [{ channel: 'C0TEAM0001', level, mentions: [] }],
  email: [{ topic: 'default', level: email }],
});

/** What the plan would leave behind once delivered: the card with its bookkeeping. */
function delivered(card: RunCard, plan: Plan): RunCard {
  return recordDelivery(card, {
    placements: Object.fromEntries(plan.cards.map((c) => [c.channel, { ts: c.ts ?? '1.0', rendered: c.fingerprint }])),
    threads: plan.threads.map((t) => t.key),
    emails: plan.emails.map((e) => e.key),
  });
}

describe('planDelivery', () => {
  it.each([
    ['all', '01', 1],
    ['status-changes', '01', 1],
    ['failures', '01', 0],
    ['failures', '11', 1],
  ] as const)('level %s after event %s posts %d card(s)', (level, file, cards) => {
    expect(planDelivery(cardOf(upTo(file)), to(level)).cards).toHaveLength(cards);
  });

  it('updates in place, and only when what the channel shows changed', () => {
    const first = cardOf(upTo('02'));
    const posted = delivered(first, planDelivery(first, to('status-changes')));
    // An action starting is not visible at status-changes: nothing to send.
    const withAction = merge(posted, normalize(parseEvent(upTo('03').at(-1)!.event)));
    expect(planDelivery(withAction, to('status-changes')).cards).toEqual([]);
    // ...but it is at `all`.
    const update = planDelivery(withAction, to('all')).cards[0];
    expect(update?.ts).toBe('1.0');
  });

  it('posts one thread reply per failure, once', () => {
    const card = cardOf(events);
    const plan = planDelivery(card, to('status-changes'));
    expect(plan.threads.map((t) => t.failure.fact.type)).toEqual(['action']);
    expect(planDelivery(delivered(card, plan), to('status-changes'))).toEqual({ cards: [], threads: [], emails: [] });
  });

  it.each([
    ['all', '01', ['pipeline:STARTED']],
    ['status-changes', '01', []],
    ['failures', '01', []],
    ['all', '13', ['pipeline:FAILED']],
    ['status-changes', '13', ['pipeline:FAILED']],
    ['failures', '13', ['pipeline:FAILED']],
  ] as const)('email at level %s after event %s: %j', (level, file, keys) => {
    const plan = planDelivery(cardOf(upTo(file)), to('all', level));
    expect(plan.emails.map((e) => e.key)).toEqual(keys.map((k) => `default|${k}`));
  });
});

describe('planDelivery and approvals', () => {
  const approval = scenario('07-approval-deadline');
  const card = () => {
    const observations = approval.flatMap((f) => normalize(parseEvent(f.event)));
    return merge(emptyCard(observations[0]!.run, observations[0]!.subject), observations);
  };

  it('emails a waiting approval even at level failures, unless an approval policy governs it (its own email says more)', () => {
    expect(planDelivery(card(), to('all')).emails.map((e) => e.key)).toEqual(['default|action:Production/ApproveRelease:waiting@2026-11-23T10:06:00.000Z']);
    expect(planDelivery(card(), to('all'), { approvalHasPolicy: (stage, action) => stage === 'Production' && action === 'ApproveRelease' }).emails).toEqual([]);
  });
});
