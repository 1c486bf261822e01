/**
 * A fuzz harness for the Slack interactivity endpoint: thousands of random and malformed bodies,
 * each correctly signed (so every one passes the signature check and reaches the parser and the
 * routes), through the real Lambda handler with in-memory replay protection and a recording
 * ephemeral port. Seeded and deterministic: a failing case is reproduced by its seed and id.
 *
 * Plug any routes in (the approval route once it exists):
 * ```ts
 * const report = await fuzzSlackActions({ routes: { 'approval:': approvalRoute }, count: 10_000 });
 * expect(report.thrown).toEqual([]);
 * expect(report.unexpected).toEqual([]);
 * ```
 * Generated values of clicks that are well-formed approval clicks start with `case-<id>-`, so a
 * route's side effects (e.g. PutApprovalResult tokens) can be traced back to `report.approvalClicks`.
 */
import { isUtf8 } from 'node:buffer';
import { Logger } from '@aws-lambda-powertools/logger';
import type { SlackActionsDeps } from '../../functions/slack-actions/app/handle-request';
import { createRouter, type InteractionRoute } from '../../functions/slack-actions/app/router';
import { createMemorySlackRequests } from '../../functions/slack-actions/aws/requests';
import { verifySlackSignature } from '../../functions/slack-actions/aws/signature';
import { createHandler } from '../../functions/slack-actions/handler';
import { blockActions, formBody, lambdaContext, signedEvent, TEST_SIGNING_SECRET } from './slack-requests';

/** The two approval buttons: a well-formed click on one of them is the only thing that may decide. */
export const APPROVAL_BUTTONS = ['approval:approve', 'approval:reject'] as const;

export interface FuzzCase {
  readonly id: number;
  readonly kind: string;
  readonly body: Buffer;
  /** The status the endpoint must answer, when the generator knows it (else 200 or 400). */
  readonly expect?: 200 | 400;
  /** Set for well-formed clicks on an approval button: the only cases that may reach PutApprovalResult. */
  readonly approvalClick?: boolean;
}

export interface FuzzReport {
  readonly cases: number;
  readonly statuses: Readonly<Record<number, number>>;
  readonly byKind: Readonly<Record<string, number>>;
  /** Exceptions that escaped the handler: must be empty. */
  readonly thrown: ReadonlyArray<{ readonly id: number; readonly kind: string; readonly error: string }>;
  /** Answers other than 200/400, or other than the case's `expect`: must be empty. */
  readonly unexpected: ReadonlyArray<{ readonly id: number; readonly kind: string; readonly status: number }>;
  /** Ids of the well-formed approval clicks generated. */
  readonly approvalClicks: readonly number[];
  /** Ephemeral messages the routes' outcomes produced. */
  readonly ephemerals: number;
  readonly ms: number;
}

export interface FuzzOptions {
  readonly routes: Readonly<Record<string, InteractionRoute>>;
  readonly count?: number;
  readonly seed?: number;
}

/** Runs `count` cases (default 10 000) through the real handler; never throws for a case. */
export async function fuzzSlackActions(options: FuzzOptions): Promise<FuzzReport> {
  const cases = fuzzCases(options.count ?? 10_000, options.seed ?? 20261123);
  const start = Date.parse('2026-11-23T06:00:00Z');
  let clock = new Date(start);
  let ephemerals = 0;
  const logger = new Logger({ logLevel: 'SILENT' });
  const deps: SlackActionsDeps = {
    verify: async (request, now) => verifySlackSignature({ ...request, secret: TEST_SIGNING_SECRET, now }),
    requests: createMemorySlackRequests(),
    route: createRouter(options.routes),
    ephemeral: {
      post: async () => {
        ephemerals += 1;
      },
    },
    now: () => clock,
    logger,
  };
  const handler = createHandler(async () => deps, logger);
  const statuses: Record<number, number> = {};
  const byKind: Record<string, number> = {};
  const thrown: Array<{ id: number; kind: string; error: string }> = [];
  const unexpected: Array<{ id: number; kind: string; status: number }> = [];
  const began = Date.now();
  for (const c of cases) {
    // One second per case: equal bodies still get distinct signatures, so none is a replay.
    clock = new Date(start + c.id * 1000);
    byKind[c.kind] = (byKind[c.kind] ?? 0) + 1;
    try {
      // API Gateway base64-encodes form posts; a body that is not UTF-8 could not travel as text at all.
      const base64 = c.id % 3 !== 0 || !isUtf8(c.body);
      const answer = await handler(signedEvent(c.body, { now: clock, base64 }), lambdaContext());
      const status = typeof answer === 'object' && answer !== null && 'statusCode' in answer ? Number(answer.statusCode) : -1;
      statuses[status] = (statuses[status] ?? 0) + 1;
      if ((status !== 200 && status !== 400) || (c.expect !== undefined && status !== c.expect)) unexpected.push({ id: c.id, kind: c.kind, status });
    } catch (error) {
      thrown.push({ id: c.id, kind: c.kind, error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) });
    }
  }
  const approvalClicks = cases.filter((c) => c.approvalClick).map((c) => c.id);
  return { cases: cases.length, statuses, byKind, thrown, unexpected, approvalClicks, ephemerals, ms: Date.now() - began };
}

/** A small seeded PRNG (mulberry32): the same seed gives the same cases on every machine. */
export function random(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  const int = (max: number) => Math.floor(next() * max);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)]!;
  return { next, int, pick };
}
export type Rng = ReturnType<typeof random>;

export const UNICODE = [
  'é',
  'ß',
  '承認',
  '🚀',
  '👩🏽‍💻',
  '\u202e',
  '\u0000',
  '\ud800',
  '\udfff',
  '\ufeff',
  '\u2028',
  'ﷺ',
  '𝕏',
  '\n',
  '"',
  '\\',
  '&',
  '=',
  '+',
  '%',
  '%25',
  '%zz',
];
const OTHER_TYPES = [
  'view_submission',
  'view_closed',
  'shortcut',
  'message_action',
  'interactive_message',
  'block_suggestion',
  'dialog_submission',
  '',
  'BLOCK_ACTIONS',
  'block_actions ',
];
/** Values no path of REQUIRED_PATHS accepts (`{}` is left out: it is a valid empty `state.values`). */
const WRONG_VALUES: readonly unknown[] = [0, -1, 1.5, true, false, [], ['x'], 1e308, { nested: [] }];
/** Paths whose value must be a string or an object of a given shape: any WRONG_VALUES entry breaks them. */
const REQUIRED_PATHS = [
  ['type'],
  ['user'],
  ['user', 'id'],
  ['actions'],
  ['actions', 0],
  ['actions', 0, 'action_id'],
  ['actions', 0, 'value'],
  ['channel', 'id'],
  ['message', 'ts'],
  ['state', 'values'],
] as const;
const PREFIXES = ['approval:', 'bypass:', 'approval', 'Approval:', 'x:', '', 'approval:approve', 'approval:reject'];

export function text(rng: Rng, length: number, alphabet?: readonly string[]): string {
  let out = '';
  // Long strings repeat a random kilobyte: drawing every character of 250 000 would slow the run down.
  while (out.length < Math.min(length, 1_024)) out += alphabet ? rng.pick(alphabet) : String.fromCharCode(32 + rng.int(95));
  return length > out.length ? out.repeat(Math.ceil(length / out.length)).slice(0, length) : out;
}

function setPath(target: Record<string, any>, path: readonly (string | number)[], value: unknown): void {
  let node: any = target;
  for (const key of path.slice(0, -1)) node = node[key];
  node[path[path.length - 1]!] = value;
}

function deletePath(target: Record<string, any>, path: readonly (string | number)[]): void {
  let node: any = target;
  for (const key of path.slice(0, -1)) node = node[key];
  if (Array.isArray(node)) node.length = 0;
  else delete node[path[path.length - 1]!];
}

const form = (payload: unknown): Buffer => Buffer.from(formBody(payload));
const approvalClick = (rng: Rng, id: number, value = `case-${id}-${text(rng, rng.int(40))}`) =>
  blockActions({
    actionId: rng.pick(APPROVAL_BUTTONS),
    value,
    userId: `U${text(rng, 8, ['A', 'B', '0', '7'])}`,
    ...(rng.next() < 0.5 ? { comment: text(rng, rng.int(300)) } : {}),
  });

/** One generator per kind of case; each returns the body and what the endpoint must do with it. */
const GENERATORS: ReadonlyArray<[string, number, (rng: Rng, id: number) => Omit<FuzzCase, 'id' | 'kind'>]> = [
  ['random-bytes', 8, (rng) => ({ body: Buffer.from(Array.from({ length: rng.int(2_000) }, () => rng.int(256))), expect: 400 })],
  ['random-form', 6, (rng) => ({ body: Buffer.from(`payload=${text(rng, rng.int(500))}`) })],
  [
    'truncated-json',
    10,
    (rng, id) => {
      const json = JSON.stringify(approvalClick(rng, id));
      return { body: Buffer.from(`payload=${encodeURIComponent(json.slice(0, 1 + rng.int(json.length - 1)))}`), expect: 400 };
    },
  ],
  [
    'wrong-type',
    12,
    (rng, id) => {
      const payload = approvalClick(rng, id);
      setPath(payload, rng.pick(REQUIRED_PATHS), rng.pick(WRONG_VALUES));
      return { body: form(payload), expect: 400 };
    },
  ],
  [
    'missing-field',
    8,
    (rng, id) => {
      const payload = approvalClick(rng, id);
      deletePath(payload, rng.pick(REQUIRED_PATHS.filter((p) => p.join('.') !== 'actions.0.value' && p.join('.') !== 'state.values')));
      return { body: form(payload), expect: 400 };
    },
  ],
  [
    'huge',
    3,
    (rng, id) => {
      const payload = approvalClick(rng, id);
      const big = text(rng, 3_000 + rng.int(100_000));
      setPath(
        payload,
        rng.pick([
          ['actions', 0, 'value'],
          ['actions', 0, 'action_id'],
          ['user', 'id'],
        ] as const),
        big,
      );
      return { body: form(payload), expect: 400 };
    },
  ],
  [
    'huge-ignored-fields',
    2,
    (rng, id) => {
      const payload = approvalClick(rng, id);
      (payload['message'] as Record<string, unknown>)['text'] = text(rng, 50_000 + rng.int(200_000));
      return { body: form(payload), expect: 200, approvalClick: true };
    },
  ],
  ['unicode', 10, (rng, id) => ({ body: form(approvalClick(rng, id, `case-${id}-${text(rng, rng.int(200), UNICODE)}`)), expect: 200, approvalClick: true })],
  [
    'unicode-action-id',
    5,
    (rng, id) => {
      const payload = approvalClick(rng, id);
      setPath(payload, ['actions', 0, 'action_id'], `${rng.pick(PREFIXES)}${text(rng, 1 + rng.int(30), UNICODE)}`);
      return { body: form(payload), expect: 200 };
    },
  ],
  [
    'random-action',
    12,
    (rng, id) => {
      const actionId = `${rng.pick(PREFIXES)}${rng.next() < 0.3 ? '' : text(rng, rng.int(20))}` || 'x';
      // Slack allows 2000 characters in a value: about one in twenty of these is longer.
      const value = `case-${id}-${text(rng, rng.next() < 0.05 ? 2_000 : rng.int(1_900))}`;
      const wellFormed = value.length <= 2_000;
      return {
        body: form(blockActions({ actionId, value })),
        expect: wellFormed ? 200 : 400,
        approvalClick: wellFormed && (APPROVAL_BUTTONS as readonly string[]).includes(actionId),
      };
    },
  ],
  ['approval-click', 12, (rng, id) => ({ body: form(approvalClick(rng, id)), expect: 200, approvalClick: true })],
  ['other-type', 4, (rng, id) => ({ body: form({ ...approvalClick(rng, id), type: rng.pick(OTHER_TYPES) }), expect: 200 })],
  ['json-not-object', 3, (rng) => ({ body: form(rng.pick<unknown>([null, 1, 'block_actions', [], [{ type: 'block_actions' }], true])), expect: 400 })],
  [
    'form-shape',
    3,
    (rng, id) => {
      const one = formBody(approvalClick(rng, id));
      return {
        body: Buffer.from(
          rng.pick([
            `${one}&${one}`,
            one.replace('payload=', 'payloads='),
            one.replace('payload=', 'Payload='),
            '',
            '&&&=',
            JSON.stringify(approvalClick(rng, id)),
          ]),
        ),
        expect: 400,
      };
    },
  ],
  [
    'prototype-keys',
    2,
    (rng, id) => {
      const payload = JSON.stringify(approvalClick(rng, id)).replace(
        '"state":{"values":{',
        `"state":{"values":{"__proto__":{"constructor":{"type":"x","value":"y"}},`,
      );
      return { body: Buffer.from(`payload=${encodeURIComponent(payload)}`), expect: 200, approvalClick: true };
    },
  ],
];

/** `count` cases drawn by weight; deterministic for a seed. */
export function fuzzCases(count: number, seed: number): FuzzCase[] {
  const rng = random(seed);
  const total = GENERATORS.reduce((sum, [, weight]) => sum + weight, 0);
  return Array.from({ length: count }, (_, id) => {
    let draw = rng.int(total);
    const [kind, , generate] = GENERATORS.find(([, weight]) => {
      draw -= weight;
      return draw < 0;
    })!;
    return { id, kind, ...generate(rng, id) };
  });
}
