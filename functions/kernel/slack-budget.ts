/**
 * Slack's rate limits, as the budget every notify worker shares (functions/platform/slack-budget-*.ts).
 *
 * Slack applies its Web API limits "per API method per app per workspace"
 * (https://docs.slack.dev/apis/web-api/rate-limits): `chat.update` is Tier 3, "50+ per minute";
 * `chat.postMessage` is special: "1 message per second to a specific channel", and "limits governing
 * your app's relationship with the entire workspace above that, limiting posting to several hundred
 * messages per minute" (https://docs.slack.dev/reference/methods/chat.postMessage).
 *
 * The budget counts calls in fixed windows of {@link WINDOW_MS}: one counter per method (and per
 * channel for posts) per window, which every worker increments before it calls. A fixed window lets
 * two full windows touch one 60-second span, so the per-window figures are chosen so that any 60
 * seconds (at most 7 windows) stay under Slack's figure: 7 × 7 = 49 updates < 50.
 *
 * Counters per window, not a token bucket: one atomic `ADD` answers a worker's place in the window,
 * where a bucket needs a read and a conditional write (and a retry under contention).
 */

export type SlackMethod = 'chat.postMessage' | 'chat.update';

/** One call a worker wants to make. */
export interface SlackCall {
  readonly method: SlackMethod;
  readonly channel: string;
}

/** The length of one budget window. */
export const WINDOW_MS = 10_000;

/** Calls per window, per counter. */
export const WINDOW_LIMITS = {
  /** Tier 3, 50+ a minute: at most 49 in any 60 s. */
  'chat.update': 7,
  /** "Several hundred a minute" in the workspace: at most 7 × 30 = 210 in any 60 s. */
  'chat.postMessage': 30,
  /** "1 per second per channel", short bursts allowed: at most 7 × 8 = 56 in any 60 s in one channel. */
  'chat.postMessage#channel': 8,
} as const;

export type BudgetCounter = keyof typeof WINDOW_LIMITS;

/** A counter of one window: `chat.update@<window start, epoch ms>`, or per channel `chat.postMessage#C0123@<start>`. */
export interface WindowKey {
  readonly counter: BudgetCounter;
  /** The counter's id within its window: the method, or `chat.postMessage#<channel>`. */
  readonly id: string;
  readonly start: number;
}

export const windowStart = (at: number): number => Math.floor(at / WINDOW_MS) * WINDOW_MS;

/** The counters a call counts against, in the window of `at`. */
export function windowKeysOf(call: SlackCall, at: number): WindowKey[] {
  const start = windowStart(at);
  if (call.method === 'chat.update') return [{ counter: 'chat.update', id: 'chat.update', start }];
  return [
    { counter: 'chat.postMessage', id: 'chat.postMessage', start },
    { counter: 'chat.postMessage#channel', id: `chat.postMessage#${call.channel}`, start },
  ];
}

export const keyString = (key: WindowKey): string => `${key.id}@${key.start}`;

/** A call goes now (`true`), or waits for the window that has room for it (estimated). */
export type Grant = true | Date;

/**
 * Grants for `calls`, given each counter's value after this worker added its calls to it (one
 * atomic ADD per counter): the calls that fit under the counter's limit go, in order; a call that
 * does not fit waits for a later window, estimated from how far over the limit it stands (so that a
 * backlog spreads over the next windows instead of retrying all at once in the next one).
 *
 * @example grantsFor([{ method: 'chat.update', channel: 'C1' }], new Map([['chat.update@0', 3]]), 0) // [true]
 */
export function grantsFor(calls: readonly SlackCall[], counted: ReadonlyMap<string, number>, at: number): Grant[] {
  const taken = new Map<string, number>();
  const added = new Map<string, number>();
  for (const call of calls) for (const key of windowKeysOf(call, at)) added.set(keyString(key), (added.get(keyString(key)) ?? 0) + 1);
  return calls.map((call) => {
    let waitWindows = 0;
    for (const key of windowKeysOf(call, at)) {
      const k = keyString(key);
      const position = (counted.get(k) ?? 0) - (added.get(k) ?? 0) + (taken.get(k) ?? 0) + 1;
      taken.set(k, (taken.get(k) ?? 0) + 1);
      const limit = WINDOW_LIMITS[key.counter];
      if (position > limit) waitWindows = Math.max(waitWindows, Math.ceil((position - limit) / limit));
    }
    return waitWindows === 0 ? true : new Date(windowStart(at) + Math.min(waitWindows, MAX_WAIT_WINDOWS) * WINDOW_MS);
  });
}

/** A wait never estimated beyond this many windows: the estimate is corrected on the next try. */
const MAX_WAIT_WINDOWS = 30;

/** The counter value that marks a window as closed after a 429: no count can fit under it. */
export const HELD = 1_000_000;

/** The windows a 429's `Retry-After` closes for a method: from now until `until` (whole windows: a slot is never early). */
export function heldWindows(method: SlackMethod, now: number, until: number): WindowKey[] {
  const keys: WindowKey[] = [];
  if (until <= now) return keys;
  for (let start = windowStart(now); start < until; start += WINDOW_MS) keys.push({ counter: method, id: method, start });
  return keys;
}

/** How many of `calls` count against each counter of the window of `at`. */
export function demandOf(calls: readonly SlackCall[], at: number): Map<string, { readonly key: WindowKey; readonly n: number }> {
  const demand = new Map<string, { key: WindowKey; n: number }>();
  for (const call of calls)
    for (const key of windowKeysOf(call, at)) {
      const k = keyString(key);
      const entry = demand.get(k);
      if (entry) entry.n += 1;
      else demand.set(k, { key, n: 1 });
    }
  return demand;
}
