/**
 * Block Kit's documented limits for a message, checked before Slack refuses it: `chat.postMessage`,
 * `chat.update` and `chat.postEphemeral` answer `ok: false, error: "invalid_blocks"` (or `no_text`,
 * `msg_too_long`) when a message breaks them. `validateMessage` returns every problem at once, each
 * with the JSON path it concerns (`blocks[3].text.text: 3001 characters, the limit is 3000 (section text)`),
 * not only the first. The local Slack server of the tests (test/support/slack-server.ts) answers with it.
 *
 * Why it is written here rather than taken from a library:
 * - There is no official Block Kit validator library. `@slack/types` (installed with `@slack/web-api`)
 *   has types only: its comments quote the limits, nothing checks them at run time, and our blocks are
 *   structural (`Readonly<Record<string, unknown>>`) anyway.
 * - Slack's own validator is a Web API method, `blocks.validate`
 *   (https://docs.slack.dev/reference/methods/blocks.validate): it needs the network and a workspace,
 *   and the tests run offline against the local server.
 * - Block builders truncate what they build themselves; they do not check a message built elsewhere.
 * `tools/` ships in the npm package: this file is pure, imports nothing, and checks only what the
 * docs state, each limit cited next to its check.
 *
 * What it does not know, on purpose:
 * - Characters are counted as Unicode code points. Slack's docs give limits "in characters" without
 *   saying how they count; code points never count more than JavaScript's UTF-16 `length`.
 * - Blocks newer than this list (https://docs.slack.dev/reference/block-kit/blocks also lists card,
 *   carousel, container…) are unknown here and refused: add them when a renderer uses them.
 * - `table`, `video`, `file` and `rich_text` are known, but only their `block_id` (and rich_text's
 *   `elements` being an array) is checked. Elements other than buttons and images are checked for a
 *   known type, `action_id` and `confirm` only.
 * - Slack's undocumented cumulative size limit (`msg_blocks_too_long`) is not checked: Slack does not
 *   publish it.
 */

export type ValidationError = 'invalid_blocks' | 'msg_too_long' | 'no_text';

export interface ValidateOptions {
  /**
   * Whether a mrkdwn link left open (`<https://…|label` without its `>`) makes the message invalid
   * (default true). Slack itself does not refuse one: it posts the message and shows the link broken.
   * The validator reports it as `malformed_link` either way: a problem (so `invalid_blocks`) when
   * this is on, a warning when it is off.
   */
  readonly strictLinks?: boolean;
}

export type ValidationResult =
  | { readonly ok: true; readonly warnings?: readonly string[] }
  | { readonly ok: false; readonly error: ValidationError; readonly problems: string[]; readonly warnings?: readonly string[] };

/** https://docs.slack.dev/reference/block-kit/blocks: "You can include up to 50 blocks in each message". */
const MAX_BLOCKS = 50;

/**
 * https://docs.slack.dev/reference/methods/chat.postMessage and the changelog
 * https://api.slack.com/changelog/2018-04-truncating-really-long-messages: the `text` field accepts up
 * to 40,000 characters. Slack truncates a longer `text` (with a `message_truncated` warning) rather
 * than refuse it; this validator refuses it with `msg_too_long` (an error of chat.postMessage and
 * chat.update), so that a cut message is noticed in the tests rather than in a channel.
 */
const MAX_TEXT = 40_000;

/** Every block: https://docs.slack.dev/reference/block-kit/blocks (each block's page): `block_id` "Maximum length for this field is 255 characters". */
const MAX_BLOCK_ID = 255;

/**
 * Text object, https://docs.slack.dev/reference/block-kit/composition-objects/text-object: type
 * `plain_text` or `mrkdwn`; "The minimum length is 1 and maximum length is 3000 characters"; `emoji`
 * "only usable when type is plain_text"; `verbatim` "only usable when type is mrkdwn".
 */
const TEXT_MIN = 1;
const TEXT_MAX = 3_000;

/**
 * The block types a message accepts and this validator knows: the blocks of
 * https://docs.slack.dev/reference/block-kit/blocks whose "Surfaces" include Messages (`markdown`:
 * https://docs.slack.dev/changelog/2025/02/03/block-kit-markdown).
 */
const MESSAGE_BLOCKS = new Set(['section', 'header', 'divider', 'context', 'actions', 'image', 'rich_text', 'markdown', 'table', 'video', 'file', 'input']);

const SELECTS = ['static_select', 'external_select', 'users_select', 'conversations_select', 'channels_select'];
const MULTI_SELECTS = SELECTS.map((s) => `multi_${s}`);
/** https://docs.slack.dev/reference/block-kit/blocks/section-block: "One of the compatible element objects". */
const SECTION_ACCESSORIES = new Set([
  'button',
  'checkboxes',
  'datepicker',
  'image',
  'overflow',
  'radio_buttons',
  'timepicker',
  'workflow_button',
  ...SELECTS,
  ...MULTI_SELECTS,
]);
/**
 * https://docs.slack.dev/reference/block-kit/blocks/actions-block, compatible elements: button,
 * checkboxes, date picker, datetime picker, multi-select menu, overflow menu, radio button, rich text
 * input, select menu, time picker, workflow buttons.
 */
const ACTIONS_ELEMENTS = new Set([
  'button',
  'checkboxes',
  'datepicker',
  'datetimepicker',
  'overflow',
  'radio_buttons',
  'rich_text_input',
  'timepicker',
  'workflow_button',
  ...SELECTS,
  ...MULTI_SELECTS,
]);
/** https://docs.slack.dev/reference/block-kit/blocks/input-block: "A block element" (the input elements). */
const INPUT_ELEMENTS = new Set([
  'plain_text_input',
  'checkboxes',
  'datepicker',
  'datetimepicker',
  'email_text_input',
  'file_input',
  'number_input',
  'radio_buttons',
  'rich_text_input',
  'timepicker',
  'url_text_input',
  ...SELECTS,
  ...MULTI_SELECTS,
]);

/** Button and confirmation-dialog `style`: https://docs.slack.dev/reference/block-kit/block-elements/button-element. */
const STYLES = new Set(['primary', 'danger']);

/**
 * A `<` that opens a mrkdwn link, mention or special (https://docs.slack.dev/messaging/formatting-message-text):
 * a URL, `mailto:`, a channel, a user, a user group, `@here`-style specials and dates.
 */
const LINK_OPENER = /<(?:http|mailto:|#C|@U|@W|!subteam\^|!here|!channel|!everyone|!date\^)/g;

interface Context {
  readonly problems: string[];
  readonly links: string[];
}

type Obj = Readonly<Record<string, unknown>>;

/**
 * @example validateMessage({ text: 'hi', blocks: [{ type: 'header', text: { type: 'mrkdwn', text: 'x' } }] })
 * // { ok: false, error: 'invalid_blocks', problems: ['blocks[0].text.type: must be plain_text, not mrkdwn (header text)'] }
 */
export function validateMessage(message: { readonly text?: unknown; readonly blocks?: unknown }, options: ValidateOptions = {}): ValidationResult {
  const strictLinks = options.strictLinks ?? true;
  const text = typeof message.text === 'string' ? message.text : undefined;
  const { blocks } = message;
  // chat.postMessage's `no_text`: neither text nor blocks (nor attachments) came.
  if ((text === undefined || text === '') && (blocks === undefined || (Array.isArray(blocks) && blocks.length === 0))) {
    return { ok: false, error: 'no_text', problems: ['text: missing, and the message has no blocks (a message needs text or blocks)'] };
  }

  const ctx: Context = { problems: [], links: [] };
  if (blocks !== undefined) validateBlocks(blocks, ctx);
  const blockProblems = [...ctx.problems, ...(strictLinks ? ctx.links : [])];
  const textLength = text === undefined ? 0 : chars(text);
  const textProblem = textLength > MAX_TEXT ? [`text: ${textLength} characters, the limit is ${MAX_TEXT} (message text)`] : [];
  const warnings = strictLinks || ctx.links.length === 0 ? {} : { warnings: ctx.links };

  if (blockProblems.length > 0) return { ok: false, error: 'invalid_blocks', problems: [...textProblem, ...blockProblems], ...warnings };
  if (textProblem.length > 0) return { ok: false, error: 'msg_too_long', problems: textProblem, ...warnings };
  return { ok: true, ...warnings };
}

function validateBlocks(blocks: unknown, ctx: Context): void {
  if (!Array.isArray(blocks)) {
    ctx.problems.push('blocks: must be an array of blocks');
    return;
  }
  if (blocks.length > MAX_BLOCKS) ctx.problems.push(`blocks: ${blocks.length} blocks, the limit is ${MAX_BLOCKS} (blocks in a message)`);
  blocks.forEach((block, i) => {
    validateBlock(block, `blocks[${i}]`, ctx);
  });
}

function validateBlock(block: unknown, path: string, ctx: Context): void {
  if (!isObj(block)) {
    ctx.problems.push(`${path}: must be a block object`);
    return;
  }
  const type = block['type'];
  if (typeof type !== 'string' || !MESSAGE_BLOCKS.has(type)) {
    ctx.problems.push(`${path}.type: ${typeof type === 'string' ? `unknown block type "${type}" for a message` : 'missing (block type)'}`);
    return;
  }
  optionalString(block, 'block_id', path, MAX_BLOCK_ID, 'block_id', ctx);
  switch (type) {
    case 'section':
      section(block, path, ctx);
      return;
    case 'header':
      // https://docs.slack.dev/reference/block-kit/blocks/header-block: "a plain_text text object. Maximum length for the text in this field is 150 characters".
      required(block, 'text', path, 'header text', ctx, (v, p) => textObject(v, p, { max: 150, what: 'header text', plainOnly: true }, ctx));
      return;
    case 'context':
      context(block, path, ctx);
      return;
    case 'actions':
      // https://docs.slack.dev/reference/block-kit/blocks/actions-block: "There is a maximum of 25 elements in each action block" (required, so at least 1).
      list(block, 'elements', path, { min: 1, max: 25, what: 'actions elements' }, ctx, (e, p) => element(e, p, ACTIONS_ELEMENTS, 'an actions block', ctx));
      return;
    case 'image':
      imageBlock(block, path, ctx);
      return;
    case 'input':
      input(block, path, ctx);
      return;
    case 'markdown':
      // https://docs.slack.dev/tools/node-slack-sdk/reference/web-api/interfaces/MarkdownBlock: `text` "Limit 12,000 characters max".
      required(block, 'text', path, 'markdown text', ctx, (v, p) => string(v, p, { min: 1, max: 12_000, what: 'markdown text' }, ctx));
      return;
    case 'rich_text':
      if (!Array.isArray(block['elements'])) ctx.problems.push(`${path}.elements: must be an array (rich_text elements)`);
      return;
    default:
      // divider has no field; table, video and file: see the header.
      return;
  }
}

/**
 * https://docs.slack.dev/reference/block-kit/blocks/section-block: `text` "Minimum length for the text
 * in this field is 1 and maximum length is 3000 characters"; `fields` "Required if no text is
 * provided… Maximum number of items is 10. Maximum length for the text in each item is 2000
 * characters"; `accessory` "One of the compatible element objects".
 */
function section(block: Obj, path: string, ctx: Context): void {
  const hasText = block['text'] !== undefined;
  if (hasText) textObject(block['text'], `${path}.text`, { max: 3_000, what: 'section text' }, ctx);
  if (block['fields'] !== undefined) {
    list(block, 'fields', path, { min: hasText ? 0 : 1, max: 10, what: 'section fields' }, ctx, (f, p) =>
      textObject(f, p, { max: 2_000, what: 'section field' }, ctx),
    );
  } else if (!hasText) {
    ctx.problems.push(`${path}: needs text or fields (section)`);
  }
  if (block['accessory'] !== undefined) element(block['accessory'], `${path}.accessory`, SECTION_ACCESSORIES, 'a section accessory', ctx);
}

/** https://docs.slack.dev/reference/block-kit/blocks/context-block: elements, "An array of image elements and text objects. Maximum number of items is 10" (required). */
function context(block: Obj, path: string, ctx: Context): void {
  list(block, 'elements', path, { min: 1, max: 10, what: 'context elements' }, ctx, (e, p) => {
    const type = isObj(e) ? e['type'] : undefined;
    if (type === 'plain_text' || type === 'mrkdwn') textObject(e, p, { max: TEXT_MAX, what: 'context text' }, ctx);
    else if (type === 'image') imageElement(e as Obj, p, ctx);
    else ctx.problems.push(`${p}: must be a text object or an image element (context element)`);
  });
}

/**
 * https://docs.slack.dev/reference/block-kit/blocks/image-block: `alt_text` required, "Maximum length
 * for this field is 2000 characters"; `image_url` "You must provide either an image_url or
 * slack_file. Maximum length for this field is 3000 characters"; `title` plain_text, "Maximum length
 * for the text in this field is 2000 characters".
 */
function imageBlock(block: Obj, path: string, ctx: Context): void {
  required(block, 'alt_text', path, 'image alt_text', ctx, (v, p) => string(v, p, { min: 1, max: 2_000, what: 'image alt_text' }, ctx));
  imageSource(block, path, ctx);
  if (block['title'] !== undefined) textObject(block['title'], `${path}.title`, { max: 2_000, what: 'image title', plainOnly: true }, ctx);
}

/**
 * https://docs.slack.dev/reference/block-kit/blocks/input-block: `label` plain_text, "Maximum length
 * for the text in this field is 2000 characters" (required); `element` required; `hint` plain_text,
 * 2000 characters.
 */
function input(block: Obj, path: string, ctx: Context): void {
  required(block, 'label', path, 'input label', ctx, (v, p) => textObject(v, p, { max: 2_000, what: 'input label', plainOnly: true }, ctx));
  required(block, 'element', path, 'input element', ctx, (v, p) => element(v, p, INPUT_ELEMENTS, 'an input block', ctx));
  if (block['hint'] !== undefined) textObject(block['hint'], `${path}.hint`, { max: 2_000, what: 'input hint', plainOnly: true }, ctx);
}

function element(value: unknown, path: string, allowed: ReadonlySet<string>, where: string, ctx: Context): void {
  if (!isObj(value)) {
    ctx.problems.push(`${path}: must be an element object`);
    return;
  }
  const type = value['type'];
  if (typeof type !== 'string' || !allowed.has(type)) {
    ctx.problems.push(`${path}.type: ${typeof type === 'string' ? `"${type}" is not an element of ${where}` : 'missing (element type)'}`);
    return;
  }
  if (type === 'button') {
    button(value, path, ctx);
    return;
  }
  if (type === 'image') {
    imageElement(value, path, ctx);
    return;
  }
  // Every interactive element: `action_id` "Maximum length is 255 characters" (button page; the same on each element's page).
  optionalString(value, 'action_id', path, 255, 'action_id', ctx);
  if (value['confirm'] !== undefined) confirmDialog(value['confirm'], `${path}.confirm`, ctx);
}

/**
 * https://docs.slack.dev/reference/block-kit/block-elements/button-element: `text` "Can only be of
 * type: plain_text… Maximum length for the text in this field is 75 characters"; `action_id`
 * "Maximum length is 255 characters"; `url` "Maximum length is 3000 characters"; `value` "Maximum
 * length is 2000 characters"; `style` primary or danger; `accessibility_label` "Maximum length for
 * this field is 75 characters"; `confirm` a confirmation dialog object.
 */
function button(value: Obj, path: string, ctx: Context): void {
  required(value, 'text', path, 'button text', ctx, (v, p) => textObject(v, p, { max: 75, what: 'button text', plainOnly: true }, ctx));
  optionalString(value, 'action_id', path, 255, 'action_id', ctx);
  optionalString(value, 'value', path, 2_000, 'button value', ctx);
  optionalString(value, 'url', path, 3_000, 'button url', ctx);
  optionalString(value, 'accessibility_label', path, 75, 'button accessibility_label', ctx);
  if (value['style'] !== undefined && !STYLES.has(value['style'] as string)) ctx.problems.push(`${path}.style: must be primary or danger (button style)`);
  if (value['confirm'] !== undefined) confirmDialog(value['confirm'], `${path}.confirm`, ctx);
}

/**
 * https://docs.slack.dev/reference/block-kit/block-elements/image-element: `alt_text` required (no
 * maximum stated there); `image_url` "You must provide either an image_url or slack_file. Maximum
 * length for this field is 3000 characters".
 */
function imageElement(value: Obj, path: string, ctx: Context): void {
  required(value, 'alt_text', path, 'image alt_text', ctx, (v, p) => string(v, p, { min: 1, what: 'image alt_text' }, ctx));
  imageSource(value, path, ctx);
}

function imageSource(value: Obj, path: string, ctx: Context): void {
  const url = value['image_url'];
  const file = value['slack_file'];
  if ((url === undefined) === (file === undefined)) ctx.problems.push(`${path}: needs exactly one of image_url and slack_file (image)`);
  if (url !== undefined) string(url, `${path}.image_url`, { min: 1, max: 3_000, what: 'image_url' }, ctx);
  if (file !== undefined && !isObj(file)) ctx.problems.push(`${path}.slack_file: must be a Slack image file object (image)`);
}

/**
 * https://docs.slack.dev/reference/block-kit/composition-objects/confirmation-dialog-object: `title`
 * plain_text, "Maximum length for this field is 100 characters"; `text` "Maximum length for the text
 * in this field is 300 characters"; `confirm` and `deny` plain_text, 30 characters; all four
 * required; `style` danger or primary. The page calls `text` a plain_text object, while @slack/types
 * (`ConfirmationDialog.text: PlainTextElement | MrkdwnElement`) and the older api.slack.com page take
 * mrkdwn too: both are accepted here.
 */
function confirmDialog(value: unknown, path: string, ctx: Context): void {
  if (!isObj(value)) {
    ctx.problems.push(`${path}: must be a confirmation dialog object`);
    return;
  }
  required(value, 'title', path, 'confirm title', ctx, (v, p) => textObject(v, p, { max: 100, what: 'confirm title', plainOnly: true }, ctx));
  required(value, 'text', path, 'confirm text', ctx, (v, p) => textObject(v, p, { max: 300, what: 'confirm text' }, ctx));
  required(value, 'confirm', path, 'confirm button', ctx, (v, p) => textObject(v, p, { max: 30, what: 'confirm button', plainOnly: true }, ctx));
  required(value, 'deny', path, 'deny button', ctx, (v, p) => textObject(v, p, { max: 30, what: 'deny button', plainOnly: true }, ctx));
  if (value['style'] !== undefined && !STYLES.has(value['style'] as string)) ctx.problems.push(`${path}.style: must be primary or danger (confirm style)`);
}

interface TextRule {
  /** The field's own limit, at most TEXT_MAX. */
  readonly max: number;
  readonly what: string;
  readonly plainOnly?: boolean;
}

/** A text object (see TEXT_MIN): its type, its text's length, emoji and verbatim, and its mrkdwn links. */
function textObject(value: unknown, path: string, rule: TextRule, ctx: Context): void {
  if (!isObj(value)) {
    ctx.problems.push(`${path}: must be a text object (${rule.what})`);
    return;
  }
  const type = value['type'];
  if (type !== 'plain_text' && type !== 'mrkdwn') {
    ctx.problems.push(`${path}.type: must be plain_text or mrkdwn, not ${JSON.stringify(type) ?? 'undefined'} (${rule.what})`);
    return;
  }
  if (rule.plainOnly && type !== 'plain_text') ctx.problems.push(`${path}.type: must be plain_text, not ${type} (${rule.what})`);
  if (value['emoji'] !== undefined && type !== 'plain_text') ctx.problems.push(`${path}.emoji: only a plain_text object takes emoji (${rule.what})`);
  if (value['verbatim'] !== undefined && type !== 'mrkdwn') ctx.problems.push(`${path}.verbatim: only a mrkdwn object takes verbatim (${rule.what})`);
  const text = value['text'];
  string(text, `${path}.text`, { min: TEXT_MIN, max: Math.min(rule.max, TEXT_MAX), what: rule.what }, ctx);
  if (type === 'mrkdwn' && typeof text === 'string') openLinks(text, `${path}.text`, ctx);
}

/**
 * A link, mention or special opened with `<` and not closed with `>` before the next `<` or the end:
 * Slack shows it broken (the label and the URL's tail as raw text) but does not refuse the message, so
 * this is `malformed_link`, a problem only under `strictLinks`.
 */
function openLinks(text: string, path: string, ctx: Context): void {
  for (const match of text.matchAll(LINK_OPENER)) {
    const at = match.index;
    const close = text.indexOf('>', at + 1);
    const next = text.indexOf('<', at + 1);
    if (close === -1 || (next !== -1 && next < close)) {
      ctx.links.push(`${path}: malformed_link: ${JSON.stringify(text.slice(at, at + 40))} at character ${chars(text.slice(0, at))} is not closed with ">"`);
    }
  }
}

function required(obj: Obj, key: string, path: string, what: string, ctx: Context, check: (value: unknown, path: string) => void): void {
  if (obj[key] === undefined) ctx.problems.push(`${path}.${key}: missing (${what})`);
  else check(obj[key], `${path}.${key}`);
}

function optionalString(obj: Obj, key: string, path: string, max: number, what: string, ctx: Context): void {
  if (obj[key] !== undefined) string(obj[key], `${path}.${key}`, { max, what }, ctx);
}

function string(value: unknown, path: string, rule: { readonly min?: number; readonly max?: number; readonly what: string }, ctx: Context): void {
  if (typeof value !== 'string') {
    ctx.problems.push(`${path}: must be a string (${rule.what})`);
    return;
  }
  const n = chars(value);
  if (rule.min !== undefined && n < rule.min) ctx.problems.push(`${path}: ${n} characters, at least ${rule.min} (${rule.what})`);
  if (rule.max !== undefined && n > rule.max) ctx.problems.push(`${path}: ${n} characters, the limit is ${rule.max} (${rule.what})`);
}

function list(
  obj: Obj,
  key: string,
  path: string,
  rule: { readonly min: number; readonly max: number; readonly what: string },
  ctx: Context,
  each: (item: unknown, path: string) => void,
): void {
  const items = obj[key];
  if (!Array.isArray(items)) {
    ctx.problems.push(`${path}.${key}: ${items === undefined ? 'missing' : 'must be an array'} (${rule.what})`);
    return;
  }
  if (items.length < rule.min) ctx.problems.push(`${path}.${key}: ${items.length} items, at least ${rule.min} (${rule.what})`);
  if (items.length > rule.max) ctx.problems.push(`${path}.${key}: ${items.length} items, the limit is ${rule.max} (${rule.what})`);
  items.forEach((item, i) => {
    each(item, `${path}.${key}[${i}]`);
  });
}

function isObj(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Unicode code points (see the header). */
function chars(text: string): number {
  let n = 0;
  for (const _ of text) n += 1;
  return n;
}
