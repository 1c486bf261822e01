/**
 * The cards table's items, by the prefix of their partition key: one list the adapters build keys
 * from and the IAM policies grant from (`dynamodb:LeadingKeys`, through infra/packaging), so a role
 * can write only its own kinds of item and a new kind cannot be forgotten in one of the two places.
 */
export const KEY_PREFIX = {
  /** A run's card (`RUN#<run key>` / `CARD`). */
  run: 'RUN#',
  /** A build, deployment or deployment group → the run whose card it is on. */
  link: 'LINK#',
  /** The dead letters notify sent, once per record body (a card records everything else). */
  idempotency: 'IDEMPOTENCY#',
  /** A manual approval (`APPROVAL#<approval key>` / `APPROVAL`). */
  approval: 'APPROVAL#',
  /** The audit trail of approvals and break-glass, per pipeline. */
  audit: 'AUDIT#',
  /** A guarded target's last rollback episode. */
  rollback: 'ROLLBACK#',
  /** Governance's transition records, bypasses and done records. */
  governance: 'GOVERNANCE#',
  /** Slack requests accepted once (replay protection). */
  slackRequest: 'SLACK-REQUEST#',
  /** Slack's budget: a counter per method (and channel) per window (kernel/slack-budget.ts). */
  pace: 'PACE#',
  /** Delivery facts, filed by the day they happened (`DELIVERY#<yyyy-mm-dd>` / `<fact key>`). */
  delivery: 'DELIVERY#',
  /** A pipeline's failure streak (`STREAK#<account/region/pipeline>` / `STREAK`). */
  streak: 'STREAK#',
  /** Work done once (`ONCE#<key>` / `ONCE`): the weekly digest of a route and week. */
  once: 'ONCE#',
} as const;

export type KeyKind = keyof typeof KEY_PREFIX;

/**
 * The kinds of item each role may touch, by what it does. The IAM statements of infra/*.yml take
 * their `dynamodb:LeadingKeys` from here (`leadingKeys` in infra/packaging).
 */
export const ROLE_KEYS = {
  /** notify: run cards, links, dead-letter idempotency records, Slack's budget, delivery facts and streaks. */
  notify: ['run', 'link', 'idempotency', 'pace', 'delivery', 'streak'],
  /** The weekly digest: reads delivery facts, claims each digest once. */
  insights: ['delivery', 'once'],
  /** Approval functions and the Slack endpoint's approval route: approvals and their audit trail. */
  approvals: ['approval', 'audit'],
  /** Roles that only read where a run's card is (its Slack thread). */
  runCards: ['run', 'link'],
  /** Rollback steps: episodes. */
  rollback: ['rollback'],
  /** Governance, and the Slack endpoint's break-glass route: governance records and the audit trail. */
  governance: ['governance', 'audit'],
  /** The Slack endpoint: replay protection. */
  slackRequests: ['slackRequest'],
} as const satisfies Readonly<Record<string, readonly KeyKind[]>>;

/** `dynamodb:LeadingKeys` patterns for a role, e.g. `['RUN#*', 'LINK#*']`. */
export const leadingKeysOf = (kinds: readonly KeyKind[]): string[] => kinds.map((kind) => `${KEY_PREFIX[kind]}*`);
