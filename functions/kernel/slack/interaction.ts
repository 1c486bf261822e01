/**
 * Slack interactivity payloads (what a button click on one of our messages sends), read without
 * trusting them: the body is `application/x-www-form-urlencoded` with a single `payload` field
 * holding JSON (docs.slack.dev, "block_actions payload"). Only `block_actions` is acted on; every
 * other interaction type is answered as ignored, and anything unreadable as a bad request. Parsing
 * never throws, whatever the bytes: the endpoint is public and this runs on every signed request.
 *
 * Pure: the signature was checked before (functions/slack-actions/aws/signature.ts); nothing here knows about
 * HTTP, AWS or the clock.
 */
import { formatIssue } from '../issues';
import * as z from '../zod';

/** Slack's own limits (Block Kit reference): action_id ≤ 255 characters, a button value ≤ 2000. */
const ACTION_ID_MAX = 255;
const VALUE_MAX = 2000;
/** How much of the validation problems a bad request reports (logged, never sent back). */
const PROBLEM_MAX = 300;

const slackId = z.string().check(z.minLength(1), z.maxLength(255));

const UserSchema = z.object({ id: slackId, username: z.optional(z.string()), name: z.optional(z.string()) });
const TeamSchema = z.object({ id: slackId });
const ChannelSchema = z.object({ id: slackId });
const MessageSchema = z.object({ ts: z.string().check(z.minLength(1)), thread_ts: z.optional(z.string()) });
/** One element's current state; only the fields text inputs use are kept (`value` is null when empty). */
const StateValueSchema = z.object({ type: z.string(), value: z.optional(z.nullable(z.string())) });
const StateSchema = z.object({ values: z.record(z.string(), z.record(z.string(), StateValueSchema)) });

const ActionSchema = z.object({
  type: z.string(),
  action_id: z.string().check(z.minLength(1), z.maxLength(ACTION_ID_MAX)),
  block_id: z.optional(z.string()),
  /** Buttons carry `value` (optional in Block Kit); select menus carry `selected_option.value`. */
  value: z.optional(z.string().check(z.maxLength(VALUE_MAX))),
  selected_option: z.optional(z.nullable(z.object({ value: z.string().check(z.maxLength(VALUE_MAX)) }))),
});

/** `z.object` drops the many fields we do not read (api_app_id, container, trigger_id, message.blocks …). */
const BlockActionsSchema = z.object({
  type: z.literal('block_actions'),
  user: UserSchema,
  // Org-wide (Enterprise Grid) installations may send `team: null`.
  team: z.optional(z.nullable(TeamSchema)),
  channel: z.optional(ChannelSchema),
  message: z.optional(MessageSchema),
  response_url: z.optional(z.string()),
  state: z.optional(StateSchema),
  actions: z.array(ActionSchema).check(z.minLength(1)),
});

/** Only a string `type` is needed to tell a block_actions payload from the interactions we ignore. */
const AnyInteractionSchema = z.object({ type: z.string() });

/**
 * One click, as the routes see it. `actionId`/`value` are those of the clicked element (a
 * block_actions payload lists exactly one action for a click); `value` is `''` when the element
 * has none. `state.values` holds the message's inputs (e.g. an optional comment box).
 */
export interface SlackInteraction {
  readonly type: 'block_actions';
  readonly actionId: string;
  readonly value: string;
  readonly user: Readonly<z.infer<typeof UserSchema>>;
  readonly team?: Readonly<z.infer<typeof TeamSchema>>;
  readonly channel?: Readonly<z.infer<typeof ChannelSchema>>;
  readonly message?: Readonly<z.infer<typeof MessageSchema>>;
  readonly responseUrl?: string;
  readonly state?: Readonly<z.infer<typeof StateSchema>>;
}

export type InteractionParse =
  | { readonly kind: 'interaction'; readonly interaction: SlackInteraction }
  /** A well-formed interaction of a type we do not act on (view_submission, shortcut, …). */
  | { readonly kind: 'ignored'; readonly type: string }
  /** Not a Slack interaction we can read; `problem` is for the log, never for the caller. */
  | { readonly kind: 'bad-request'; readonly problem: string };

/**
 * Reads a form-encoded interactivity body.
 *
 * @example
 * parseInteraction('payload=' + encodeURIComponent(JSON.stringify({ type: 'block_actions', user: { id: 'U1' }, actions: [{ type: 'button', action_id: 'approval:approve', value: 'k' }] })))
 * // { kind: 'interaction', interaction: { type: 'block_actions', actionId: 'approval:approve', value: 'k', user: { id: 'U1' } } }
 * parseInteraction('payload=%7B%22type%22%3A%22view_submission%22%7D') // { kind: 'ignored', type: 'view_submission' }
 * parseInteraction('hello')                                              // { kind: 'bad-request', problem: 'no payload field' }
 */
export function parseInteraction(body: string): InteractionParse {
  const payloads = new URLSearchParams(body).getAll('payload');
  if (payloads.length !== 1) return badRequest(payloads.length === 0 ? 'no payload field' : 'more than one payload field');
  const json = parseJson(payloads[0] ?? '');
  if (json === undefined) return badRequest('payload is not JSON');
  const any = AnyInteractionSchema.safeParse(json);
  if (!any.success) return badRequest('payload has no string "type"');
  if (any.data.type !== 'block_actions') return { kind: 'ignored', type: any.data.type.slice(0, 100) };
  const parsed = BlockActionsSchema.safeParse(json);
  if (!parsed.success) return badRequest(parsed.error.issues.flatMap(formatIssue).join('; '));
  return { kind: 'interaction', interaction: toInteraction(parsed.data) };
}

function toInteraction(p: z.infer<typeof BlockActionsSchema>): SlackInteraction {
  // The clicked element: Slack sends one action per block_actions payload (the schema requires one).
  const [action] = p.actions as [z.infer<typeof ActionSchema>, ...unknown[]];
  return {
    type: 'block_actions',
    actionId: action.action_id,
    value: action.value ?? action.selected_option?.value ?? '',
    user: p.user,
    ...(p.team ? { team: p.team } : {}),
    ...(p.channel ? { channel: p.channel } : {}),
    ...(p.message ? { message: p.message } : {}),
    ...(p.response_url !== undefined ? { responseUrl: p.response_url } : {}),
    ...(p.state ? { state: p.state } : {}),
  };
}

/** `undefined` for anything JSON.parse refuses (its message would quote the input, so it is dropped). */
function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function badRequest(problem: string): InteractionParse {
  return { kind: 'bad-request', problem: problem.length > PROBLEM_MAX ? `${problem.slice(0, PROBLEM_MAX)}…` : problem };
}

/**
 * The text an input of the message held when the button was clicked (e.g. an optional comment
 * box), or `undefined` when it is absent or empty.
 *
 * @example stateText(interaction, 'approval-comment', 'approval:comment') // 'ship it'
 */
export function stateText(interaction: SlackInteraction, blockId: string, actionId: string): string | undefined {
  const values = interaction.state?.values;
  // Own properties only: the keys come from the request, and `__proto__`/`constructor` are keys too.
  const block = values && Object.hasOwn(values, blockId) ? values[blockId] : undefined;
  const element = block && Object.hasOwn(block, actionId) ? block[actionId] : undefined;
  const text = element?.value;
  return typeof text === 'string' && text !== '' ? text : undefined;
}
