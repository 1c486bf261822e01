/**
 * Break-glass during a change freeze: a person the freeze names lets one execution into a closed
 * production stage, from the button on the freeze's Slack message. The stage opens at once; when an
 * execution enters it (its STARTED event, bypass-entered.ts) it closes again; a bypass nobody used
 * ends after an hour (the tick). Granting, using and expiring are audited. A second click while the
 * bypass holds changes nothing.
 */

import { clip, esc, MAX_FALLBACK_TEXT } from '../../kernel/render/format';
import type { InteractionRoute } from '../../kernel/slack/route';
import * as z from '../../kernel/zod';
import { bypassHolds, stageKey } from '../domain/enforcement';
import { evaluatePolicy } from '../domain/evaluate';
import { activeFreezes } from '../domain/freeze';
import { BYPASS_ACTION } from '../domain/report';
import { type GovernanceDeps, placed } from './deps';
import { apply, evaluationContext, plan } from './reconcile';

export interface BypassClick {
  readonly actionId: string;
  readonly value: string;
  readonly user: { readonly id: string; readonly name?: string };
}

export type BypassOutcome =
  | { readonly kind: 'done'; readonly text: string }
  | { readonly kind: 'refused'; readonly ephemeral: string }
  | { readonly kind: 'ignored' };

/** `account`/`region`: organization mode's freeze messages name where the pipeline is. */
const Value = z.object({ pipeline: z.string(), stage: z.string(), freeze: z.string(), account: z.optional(z.string()), region: z.optional(z.string()) });
const mention = (id: string) => (id.startsWith('S') ? `<!subteam^${id}>` : `<@${id}>`);

/** The button's value, if it is one of ours. */
function parseValue(click: BypassClick): z.infer<typeof Value> | undefined {
  if (!click.actionId.startsWith(BYPASS_ACTION)) return undefined;
  try {
    const parsed = Value.safeParse(JSON.parse(click.value));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** Why this person may not lift this freeze now; undefined when they may. */
async function refusal(user: string, freezeName: string, deps: GovernanceDeps): Promise<string | undefined> {
  const freeze = activeFreezes(deps.config.governance?.freezes ?? [], deps.now()).find((f) => f.name === freezeName);
  if (!freeze) return `Freeze "${freezeName}" is not on now: there is nothing to lift. Nothing changed.`;
  const approvers = freeze.breakGlass?.approvers ?? [];
  if (!approvers.length) return `Freeze "${freezeName}" allows no break-glass. Nothing changed.`;
  if (approvers.includes(user) || ((await deps.directory?.groupsOf(user, approvers)) ?? []).length > 0) return undefined;
  return `You may not lift freeze "${freezeName}". Break-glass approvers: ${approvers.map(mention).join(', ')}. Nothing changed.`;
}

export async function handleBypassClick(click: BypassClick, home: GovernanceDeps): Promise<BypassOutcome> {
  const value = parseValue(click);
  const deps = placed(home, value?.account && value.region ? { account: value.account, region: value.region } : undefined);
  if (!value || !deps.bypasses) return { kind: 'ignored' };
  const { pipeline, stage, freeze: freezeName } = value;
  const refused = await refusal(click.user.id, freezeName, deps);
  if (refused) return { kind: 'refused', ephemeral: refused };
  const now = deps.now();
  const done = { kind: 'done', text: `Lifted for one execution of ${pipeline} into ${stage}.` } as const;
  // The definition first: for a pipeline deleted since the freeze message, reading its state fails.
  const definition = await deps.pipelines.get(pipeline);
  if (!definition) return { kind: 'refused', ephemeral: `Pipeline ${pipeline} no longer exists. Nothing changed.` };
  const state = (await deps.pipelines.transitions(pipeline)).find((s) => s.stage === stage);
  const existing = (await deps.bypasses.list()).find((b) => b.pipeline === pipeline && b.stage === stage);
  if (existing && bypassHolds(existing, state, now)) {
    // The same person clicking twice gets the same answer; anyone else learns who granted it.
    if (existing.by === click.user.id) return done;
    return {
      kind: 'refused',
      ephemeral: `${mention(existing.by)} already let one execution into ${stage} of ${pipeline} at ${existing.at}; it has not gone in yet. Nothing changed.`,
    };
  }

  // Decide with the freeze lifted before recording anything: an enforced rule, another freeze or a
  // closed change calendar may keep the stage closed, and then break-glass would let nobody in.
  const violations = evaluatePolicy({ pipelines: [definition] }, deps.policy, evaluationContext(deps));
  const planned = await plan({ definitions: [definition], violations, lifted: [`${stageKey(pipeline, stage)}#${freezeName}`] }, deps);
  const still = planned.wanted.get(stageKey(pipeline, stage));
  if (still)
    return {
      kind: 'refused',
      ephemeral: `${stage} of ${pipeline} stays closed without freeze "${freezeName}" too: ${still.join('; ')}. Break-glass lifts only the freeze. Nothing changed.`,
    };

  const at = now.toISOString();
  await deps.bypasses.put({
    pipeline,
    stage,
    freeze: freezeName,
    by: click.user.id,
    at,
    ...(state?.latestExecutionId ? { latestExecutionId: state.latestExecutionId } : {}),
  });
  await deps.bypasses.audit({ pipeline, stage, freeze: freezeName, event: 'granted', by: click.user.id, at });
  // Open it now: the execution waiting at the closed transition goes in without waiting for the tick.
  await apply(planned, deps);
  await announce(click, { pipeline, stage, freezeName }, deps);
  return done;
}

async function announce(click: BypassClick, what: { pipeline: string; stage: string; freezeName: string }, deps: GovernanceDeps): Promise<void> {
  const text = `🔓 ${mention(click.user.id)} lifted freeze "${esc(what.freezeName)}" for one execution into ${esc(what.stage)} of ${esc(what.pipeline)} (until one goes in, at most an hour); it closes again as soon as one has.`;
  const channel = deps.config.governance?.report?.slack?.channel;
  if (channel)
    await deps.slack.postMessage({
      channel,
      text: clip(text.replace(/<[@!][^>]+>/g, esc(click.user.name ?? click.user.id)), MAX_FALLBACK_TEXT),
      blocks: [{ type: 'section', text: { type: 'mrkdwn', text: clip(text, 3000) } }],
    });
  deps.logger.info('break-glass granted', { pipeline: what.pipeline, stage: what.stage, freeze: what.freezeName, by: click.user.id });
}

/**
 * The freeze message's break-glass button as a route of the Slack interactivity endpoint (`bypass:` action ids).
 *
 * @example createRouter({ 'bypass:': bypassRoute(() => deps) })
 */
export function bypassRoute(deps: () => Promise<GovernanceDeps>): InteractionRoute {
  return async ({ interaction }) => {
    const name = interaction.user.name ?? interaction.user.username;
    return handleBypassClick(
      { actionId: interaction.actionId, value: interaction.value, user: { id: interaction.user.id, ...(name ? { name } : {}) } },
      await deps(),
    );
  };
}
