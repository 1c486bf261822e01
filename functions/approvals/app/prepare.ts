/**
 * The first step of the approval state machine: gather what is being approved, choose the policy,
 * store the approval and show the card. Safe to run twice: a stored approval is reused and only
 * missing deliveries are made.
 */
import { policyFor } from '../../kernel/config/settings';
import { CardConflictError, PermanentError } from '../../kernel/errors';
import type { Subject } from '../../kernel/events/observation';
import { destinationsFor } from '../../kernel/routing';
import { buildRequest } from '../domain/request';
import { starterOf } from '../domain/starter';
import { nextApprovalStep } from '../domain/steps';
import { type ApprovalRef, approvalKey, type CommitAuthor, type Initiator, initialState } from '../domain/types';
import type { ApprovalDescription } from '../ports';
import { emailApproval, showApprovalCard } from './cards';
import type { ApprovalDeps } from './deps';

export interface ApprovalInput {
  readonly ref: ApprovalRef;
  /** The action's STARTED event time. */
  readonly startedAt: string;
  readonly executionArn?: string;
}

/** What each step returns to the state machine: sleep until `wakeAt`, or stop. */
export interface StepResult {
  readonly key: string;
  readonly done: boolean;
  readonly wakeAt?: string;
}

export async function prepareApproval(input: ApprovalInput, deps: ApprovalDeps): Promise<StepResult> {
  const { ref } = input;
  const key = approvalKey(ref);
  const policy = policyFor(deps.config.approvals, ref, deps.glob);
  if (!policy) {
    // No policy governs this action: it is decided in the console, and the run card shows it waiting.
    deps.logger.info('approval without policy: not handled from Slack', { approval: key });
    return { key, done: true };
  }
  if (!(await deps.approvals.get(key))) {
    const described = await deps.pipeline.describe(ref);
    const subject: Subject = { account: ref.account, region: ref.region, pipeline: ref.pipeline };
    const routes = destinationsFor(deps.config, 'pipeline', subject, deps.glob);
    const threads = await runThreads(ref, deps);
    // In the run's thread where its card is; else in the route's channels, else the policy's channel.
    const routed = routes.slack.map((s) => s.channel);
    const channels = Object.keys(threads).length ? Object.keys(threads) : routed.length ? routed : policy.channel ? [policy.channel] : [];
    const request = buildRequest({
      ref,
      startedAt: input.startedAt,
      policy,
      ...(described.timeoutMinutes ? { actionTimeoutMinutes: described.timeoutMinutes } : {}),
      ...(described.revision ? { revision: described.revision } : {}),
      ...(described.reviewUrl ? { reviewUrl: described.reviewUrl } : {}),
      ...(described.customData ? { customData: described.customData } : {}),
      initiator: await initiatorOf(described, deps),
      channels,
      topics: [...new Set(routes.email.map((e) => e.topic))],
      parallel: described.parallel,
    });
    try {
      await deps.approvals.put(
        key,
        { request: { ...request, ...(input.executionArn ? { executionArn: input.executionArn } : {}) }, state: { ...initialState(), threads } },
        0,
      );
    } catch (error) {
      // Another attempt of this step stored it first: carry on with the stored one.
      if (!(error instanceof CardConflictError)) throw error;
    }
  }
  await showApprovalCard(key, deps);
  await emailApproval(key, deps);
  return schedule(key, deps);
}

/** The state machine's next move for a stored approval. */
export async function schedule(key: string, deps: Pick<ApprovalDeps, 'approvals' | 'now'>): Promise<StepResult> {
  const stored = await deps.approvals.get(key);
  if (!stored) return { key, done: true };
  const step = nextApprovalStep(stored.approval, deps.now());
  if (step.kind === 'done') return { key, done: true };
  return { key, done: false, wakeAt: step.kind === 'wait' ? step.until : deps.now().toISOString() };
}

/** Channel → ts of the run's card, where the approval card becomes a thread reply. */
async function runThreads(ref: ApprovalRef, deps: ApprovalDeps): Promise<Record<string, string>> {
  const stored = await deps.cards.get(`pipeline/${ref.account}/${ref.region}/${ref.pipeline}/${ref.executionId}`);
  const placements = Object.entries(stored?.card.slack ?? {});
  return Object.fromEntries(placements.flatMap(([channel, p]) => (p.ts ? [[channel, p.ts]] : [])));
}

/**
 * Who started the run and who authored its CodeCommit commit, each with their Slack user, and why
 * any of them cannot be known (starter.ts: a session name counts only for trusted roles). An
 * author is matched by the email in Git; a commit that cannot be read leaves its author unknown.
 */
async function initiatorOf(described: ApprovalDescription, deps: ApprovalDeps): Promise<Initiator> {
  const unknown: string[] = [];
  const starter = starterOf({ detail: described.trigger, type: described.triggerType }, deps.config.approvals?.trustedRoles ?? [], deps.glob);
  const starterUser = 'email' in starter ? await deps.directory.userIdByEmail(starter.email) : undefined;
  if ('unknown' in starter) unknown.push(`who started the run is unknown (${starter.unknown})`);
  else if (!starterUser) unknown.push(`no Slack user has the email ${starter.email} of who started the run`);
  const commit = described.codeCommit ? await commitAuthorOf(described.codeCommit, deps, unknown) : undefined;
  return {
    ...(described.trigger ? { trigger: described.trigger } : {}),
    ...('email' in starter ? { email: starter.email } : {}),
    ...(starterUser ? { slackUserId: starterUser } : {}),
    ...(unknown.length ? { unknown: unknown.join('; ') } : {}),
    ...(commit ? { commit } : {}),
  };
}

async function commitAuthorOf(source: { repository: string; commitId: string }, deps: ApprovalDeps, unknown: string[]): Promise<CommitAuthor> {
  const short = source.commitId.slice(0, 8);
  let email: string | undefined;
  try {
    email = (await deps.commits.author(source.repository, source.commitId)).email;
  } catch (error) {
    // Throttling and outages are retried by the state machine; a commit we may not read is reported, not fatal.
    if (!(error instanceof PermanentError)) throw error;
    deps.logger.warn('commit author unreadable', { repository: source.repository, commitId: source.commitId, error: error.message });
    unknown.push(`the author of commit ${short} could not be read from CodeCommit`);
    return source;
  }
  const slackUserId = email ? await deps.directory.userIdByEmail(email) : undefined;
  if (!slackUserId) unknown.push(email ? `no Slack user has the email ${email} of the author of commit ${short}` : `commit ${short} names no author email`);
  return { ...source, ...(email ? { email } : {}), ...(slackUserId ? { slackUserId } : {}) };
}
