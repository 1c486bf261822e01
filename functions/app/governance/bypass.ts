/**
 * Break-glass during a change freeze: a person the freeze names lets one execution into a closed
 * production stage, from the button on the freeze's Slack message. The bypass holds until an
 * execution has gone into the stage (or an hour has passed); the next tick closes the stage again.
 * Granting and using it are audited.
 */
import { activeFreezes } from '../../core/governance/freeze';
import { BYPASS_ACTION } from '../../core/governance/report';
import { bypassHolds, stageKey } from '../../core/governance/enforcement';
import { evaluatePolicy } from '../../core/governance/evaluate';
import * as z from '../../core/zod';
import type { GovernanceDeps } from './deps';
import { reconcile } from './run';

export interface BypassClick {
  readonly actionId: string;
  readonly value: string;
  readonly user: { readonly id: string; readonly name?: string };
}

export type BypassOutcome = { readonly kind: 'done'; readonly text: string } | { readonly kind: 'refused'; readonly ephemeral: string } | { readonly kind: 'ignored' };

const Value = z.object({ pipeline: z.string(), stage: z.string(), freeze: z.string() });
const mention = (id: string) => (id.startsWith('S') ? `<!subteam^${id}>` : `<@${id}>`);

export async function handleBypassClick(click: BypassClick, deps: GovernanceDeps): Promise<BypassOutcome> {
  if (!click.actionId.startsWith(BYPASS_ACTION)) return { kind: 'ignored' };
  let raw: unknown;
  try {
    raw = JSON.parse(click.value);
  } catch {
    return { kind: 'ignored' };
  }
  const parsed = Value.safeParse(raw);
  if (!parsed.success || !deps.bypasses) return { kind: 'ignored' };
  const { pipeline, stage, freeze: freezeName } = parsed.data;
  const now = deps.now();
  const freeze = activeFreezes(deps.config.governance?.freezes ?? [], now).find((f) => f.name === freezeName);
  if (!freeze) return { kind: 'refused', ephemeral: `Freeze "${freezeName}" is not on now: there is nothing to lift. Nothing changed.` };
  const approvers = freeze.breakGlass?.approvers ?? [];
  const groups = (await deps.directory?.groupsOf(click.user.id, approvers)) ?? [];
  if (!approvers.includes(click.user.id) && groups.length === 0) {
    return { kind: 'refused', ephemeral: approvers.length ? `You may not lift freeze "${freezeName}". Break-glass approvers: ${approvers.map(mention).join(', ')}. Nothing changed.` : `Freeze "${freezeName}" allows no break-glass. Nothing changed.` };
  }
  const state = (await deps.pipelines.transitions(pipeline)).find((s) => s.stage === stage);
  const existing = (await deps.bypasses.list()).find((b) => b.pipeline === pipeline && b.stage === stage);
  if (existing && bypassHolds(existing, state, now)) return { kind: 'refused', ephemeral: `${mention(existing.by)} already let one execution into ${stage} of ${pipeline} at ${existing.at}; it has not gone in yet. Nothing changed.` };

  const at = now.toISOString();
  await deps.bypasses.put({ pipeline, stage, freeze: freezeName, by: click.user.id, at, ...(state?.latestExecutionId ? { latestExecutionId: state.latestExecutionId } : {}) });
  await deps.bypasses.audit({ pipeline, stage, freeze: freezeName, event: 'granted', by: click.user.id, at });
  // Open it now: the execution waiting at the closed transition goes in without waiting for the tick.
  const definition = await deps.pipelines.get(pipeline);
  if (definition) await reconcile([definition], evaluatePolicy({ pipelines: [definition] }, deps.policy, { customRules: deps.customRules }), deps);
  const text = `🔓 ${mention(click.user.id)} lifted freeze "${freezeName}" for one execution into ${stage} of ${pipeline} (until one goes in, at most an hour); then it closes again.`;
  const channel = deps.config.governance?.report?.slack?.channel;
  if (channel) await deps.slack.postMessage({ channel, text: text.replace(/<[@!][^>]+>/g, click.user.name ?? click.user.id), blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] });
  deps.logger.info('break-glass granted', { pipeline, stage, freeze: freezeName, by: click.user.id, key: stageKey(pipeline, stage) });
  return { kind: 'done', text: `Lifted for one execution of ${pipeline} into ${stage}.` };
}
