/**
 * Chooses the card an event belongs to. A build or deployment that a pipeline action named goes
 * on that pipeline's card; a build a pipeline started but has not named yet is parked on a card
 * of its own (never posted) until the action arrives and absorbs it.
 */

import { outcomeOf } from '../../kernel/card/outcome';
import { DEPLOY_PROVIDERS } from '../../kernel/events/normalize';
import type { DeploymentGroupRef, Observation, RunRef, Subject } from '../../kernel/events/observation';
import type { CardStorePort } from '../../kernel/ports';

export interface ResolvedRun {
  readonly run: RunRef;
  readonly subject: Subject;
  readonly observations: readonly Observation[];
  /** Stored but not delivered: waiting for its pipeline action to claim it. */
  readonly parked: boolean;
  /** The scheduled redelivery of a card Slack's budget held back (it may itself carry no observation). */
  readonly redelivery?: boolean;
}

/** `pipeline/<account>/<region>/<name>/<execution>` → the pipeline's subject. */
export function pipelineSubject(runKey: string): Subject | undefined {
  const [kind, account, region, pipeline] = runKey.split('/');
  if (kind !== 'pipeline' || !account || !region || !pipeline) return undefined;
  return { account, region, pipeline };
}

export async function resolveRun(observations: readonly Observation[], store: CardStorePort): Promise<ResolvedRun> {
  const first = observations[0];
  if (!first) throw new Error('resolveRun: no observations');
  const standalone = { run: first.run, subject: first.subject, observations, parked: false };
  if (!first.linkable) return standalone;
  const owner = (await store.getLink(first.linkable.kind, first.linkable.externalId)) ?? (await deployingRun(first, store));
  const subject = owner ? pipelineSubject(owner) : undefined;
  if (owner && subject) {
    const run: RunRef = { kind: 'pipeline', key: owner };
    return { run, subject, observations: observations.map((o) => ({ ...o, run, subject })), parked: false };
  }
  // A build started by a pipeline is never announced on its own (it belongs on the pipeline's card).
  return { ...standalone, parked: first.linkable.kind === 'build' && first.linkable.pipeline !== undefined };
}

/** The run key a linked build or deployment would have on its own. */
export function ownKeyOf(link: { kind: 'build' | 'deployment'; externalId: string }, subject: Subject): string {
  return `${link.kind}/${subject.account}/${subject.region}/${link.externalId}`;
}

/** `<account>/<region>/<application>/<group>`: the key of a `deployment-group` link. */
export function deploymentGroupKey(subject: Subject, group: DeploymentGroupRef): string {
  return `${subject.account}/${subject.region}/${group.application}/${group.deploymentGroup}`;
}

/**
 * A deployment no action has named yet joins the pipeline run whose CodeDeploy action is deploying
 * to the same group right now. Once that action has finished, a new deployment there (by hand, by
 * another tool) is its own run.
 */
async function deployingRun(first: Observation, store: CardStorePort): Promise<string | undefined> {
  const group = first.linkable?.kind === 'deployment' ? first.linkable.group : undefined;
  if (!group) return undefined;
  const owner = await store.getLink('deployment-group', deploymentGroupKey(first.subject, group));
  const card = owner ? await store.get(owner) : undefined;
  const deploying = Object.values(card?.card.facts ?? {}).some(
    (r) => r.fact.type === 'action' && DEPLOY_PROVIDERS.has(r.fact.provider) && outcomeOf(r.fact) === 'running',
  );
  if (!owner || !deploying) return undefined;
  await store.putLink('deployment', first.linkable?.externalId ?? '', owner);
  return owner;
}
