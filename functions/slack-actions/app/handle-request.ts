/**
 * One request to the Slack interactivity endpoint, from bytes to answer:
 *
 * 1. Admission, before any other work: the signature and timestamp (401 otherwise), then the
 *    replay record (401 for a request already accepted once). A forged request costs no AWS call
 *    but the cached read of the signing secret.
 * 2. Parsing (400 for a signed body that is no readable interaction; 200 for interaction types we
 *    do not act on).
 * 3. The route for the clicked action id, and what the person should see: a refusal or a
 *    failure is shown to them only (ephemeral); everything else is answered 200.
 *
 * Slack waits 3 seconds for the answer. Past that it shows the person an error next to the button,
 * although the work goes on and may well succeed; they will likely click again. That second click
 * is a new request with a new signature (replay protection does not stop it), so routes must treat
 * a repeated click by the same person as a repeat (e.g. "you already approved"), never a second vote.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { parseInteraction, type SlackInteraction } from '../../kernel/slack/interaction';
import type { EphemeralPort, SignatureCheck, SignedRequest, SlackRequestsPort } from '../ports';
import type { InteractionContext, InteractionOutcome } from './router';

export interface SlackActionsDeps {
  /** Slack's signature and timestamp check, with the signing secret (cached after the first read). */
  readonly verify: (request: SignedRequest, now: Date) => Promise<SignatureCheck>;
  readonly requests: SlackRequestsPort;
  readonly route: (context: InteractionContext) => Promise<InteractionOutcome>;
  readonly ephemeral: EphemeralPort;
  readonly now: () => Date;
  readonly logger: Logger;
}

export interface HttpAnswer {
  readonly statusCode: 200 | 400 | 401 | 500;
  /** Generic on purpose: a caller learns nothing about why a request was refused. */
  readonly body: string;
}

/**
 * Shown when a route fails: nothing about the failure leaks, and nothing is claimed that may be
 * untrue. A route can fail after part of its work (a vote stored, its decision not yet sent to
 * CodePipeline, which the approval timer then finishes), so the person is pointed at the card.
 */
export const COULD_NOT_RECORD =
  'Sorry, pipeline-warden could not finish handling your click. The card shows what was recorded; if your decision is not on it, please try again.';

const OK: HttpAnswer = { statusCode: 200, body: '' };
const UNAUTHORIZED: HttpAnswer = { statusCode: 401, body: 'unauthorized' };
const BAD_REQUEST: HttpAnswer = { statusCode: 400, body: 'bad request' };
const UNAVAILABLE: HttpAnswer = { statusCode: 500, body: 'try again' };

/**
 * @example
 * const answer = await handleSlackRequest({ headers: event.headers, body: rawBody(event) }, deps);
 * // { statusCode: 401, body: 'unauthorized' } for a forged request; { statusCode: 200, body: '' } for a click
 */
export async function handleSlackRequest(request: SignedRequest, deps: SlackActionsDeps): Promise<HttpAnswer> {
  const now = deps.now();
  const refused = await admit(request, now, deps);
  if (refused) return refused;
  const parsed = parseInteraction(request.body.toString('utf8'));
  switch (parsed.kind) {
    case 'bad-request':
      deps.logger.warn('slack request: signed but unreadable', { problem: parsed.problem });
      return BAD_REQUEST;
    case 'ignored':
      deps.logger.info('slack request: interaction type not handled', { interactionType: parsed.type });
      return OK;
    case 'interaction':
      await dispatch(parsed.interaction, now, deps);
      return OK;
  }
}

/** Signature, then replay record; `undefined` when the request may be processed. */
async function admit(request: SignedRequest, now: Date, deps: SlackActionsDeps): Promise<HttpAnswer | undefined> {
  const { logger } = deps;
  let check: SignatureCheck;
  try {
    check = await deps.verify(request, now);
  } catch (error) {
    // The secret could not be read: that is our failure, not the caller's (a 401 would hide it).
    logger.error('slack request: signing secret unavailable', { error });
    return UNAVAILABLE;
  }
  if (!check.ok) {
    logger.warn('slack request refused', { reason: check.reason });
    return UNAUTHORIZED;
  }
  try {
    if ((await deps.requests.claim(check.signature, now)) === 'replayed') {
      logger.warn('slack request refused', { reason: 'replayed', requestTimestamp: check.timestamp });
      return UNAUTHORIZED;
    }
  } catch (error) {
    // Without the record the request could be accepted twice: refuse it; Slack shows the person an
    // error and a new click is a new request.
    logger.error('slack request: replay protection unavailable', { error });
    return UNAVAILABLE;
  }
  return undefined;
}

async function dispatch(interaction: SlackInteraction, now: Date, deps: SlackActionsDeps): Promise<void> {
  const { logger } = deps;
  const who = { actionId: interaction.actionId, userId: interaction.user.id };
  let outcome: InteractionOutcome;
  try {
    outcome = await deps.route({ interaction, now, logger });
  } catch (error) {
    logger.error('slack action failed', { ...who, error });
    outcome = { kind: 'refused', ephemeral: COULD_NOT_RECORD };
  }
  logger.info('slack action handled', { ...who, outcome: outcome.kind });
  const text = outcome.kind === 'refused' ? outcome.ephemeral : outcome.kind === 'done' ? outcome.text : undefined;
  if (text) await tell(interaction, text, deps);
}

/**
 * The note to the person who clicked. Its failure is logged and not thrown: the click itself was
 * handled (a decision may be recorded), so the answer must still be 200, and nobody would retry a
 * note anyway.
 */
async function tell(interaction: SlackInteraction, text: string, deps: SlackActionsDeps): Promise<void> {
  const channel = interaction.channel?.id;
  if (!channel) {
    deps.logger.warn('slack action: no channel to tell the person in', { userId: interaction.user.id });
    return;
  }
  const threadTs = interaction.message?.thread_ts;
  try {
    await deps.ephemeral.post({ channel, user: interaction.user.id, text, ...(threadTs ? { threadTs } : {}) });
  } catch (error) {
    deps.logger.warn('slack action: could not show the person the outcome', { channel, userId: interaction.user.id, error });
  }
}
