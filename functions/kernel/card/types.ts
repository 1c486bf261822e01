import type { Fact, RunRef, Subject } from '../events/observation';

/** One fact with the event it came from; the newest per entity wins (see `merge.ts`). */
export interface FactRecord {
  readonly time: string;
  /** Earliest time any record of this entity was seen: orders stages as they ran. */
  readonly since?: string;
  readonly eventId: string;
  readonly fact: Fact;
}

/** Where a run's card lives in one Slack channel. */
export interface SlackPlacement {
  /** The top-level message; absent while a worker holds the claim to post it. */
  readonly ts?: string;
  /** When a worker claimed the right to post the first message (ISO time). */
  readonly claimedAt?: string;
  /** Fingerprint of the last blocks sent, so an update that would change nothing is not sent. */
  readonly rendered?: string;
}

/**
 * The persisted state of one run: its content (facts, failures) and what was delivered.
 *
 * The content is a join-semilattice: merging the same set of observations in any order, any number
 * of times, gives the same content. That is what makes the card order- and duplicate-proof.
 */
export interface RunCard {
  readonly run: RunRef;
  readonly subject: Subject;
  /** Latest fact per entity (`pipeline`, `stage:Build`, `action:Build/Compile`, `build:<id>`...). */
  readonly facts: Readonly<Record<string, FactRecord>>;
  /** Every failure ever seen in the run, keyed by entity and time; grows only. */
  readonly failures: Readonly<Record<string, FactRecord>>;
  /** Channel id → placement of the top-level message. */
  readonly slack: Readonly<Record<string, SlackPlacement>>;
  /** `channel|failureKey` of every thread reply already posted. */
  readonly threads: readonly string[];
  /** `topicArn|emailKey` of every email already published. */
  readonly emails: readonly string[];
  /**
   * Set while Slack's budget holds part of a delivery back (ISO time): a redelivery is scheduled for
   * then, and until then the card's updates coalesce into it instead of each asking for the budget.
   */
  readonly deferred?: string;
  /**
   * CodeCommit commits the card shows, by full commit id: the message's first line (clipped) and
   * the author's name, read once (GetCommit) when the card first names the commit. A commit never
   * changes, so this only grows; a read that failed leaves its commit out (shown without them).
   */
  readonly commits?: Readonly<Record<string, CardCommit>>;
  /**
   * Pull request comments' text (GetComment), clipped, by the comment's entity key
   * (`comment:<id>`, `comment:<id>@<edit time>`): read once when the card first holds the comment;
   * `''` when the read failed or the comment is gone (its reply then just says who commented).
   */
  readonly comments?: Readonly<Record<string, string>>;
  /**
   * The failure streak this run continues (a streak rule covers its pipeline, and it failed as the
   * second or later run in a row): the card says so. Set when the run ends.
   */
  readonly streak?: CardStreak;
}

/** What a card keeps of its pipeline's failure streak. */
export interface CardStreak {
  /** Failed runs in a row, this one included. */
  readonly failures: number;
  /** When the first of them failed (ISO). */
  readonly since: string;
}

/** What a card keeps of a CodeCommit commit. */
export interface CardCommit {
  readonly message?: string;
  readonly author?: string;
  /** When it was authored (ISO), where lead time for changes starts (functions/kernel/delivery/derive.ts). */
  readonly committedAt?: string;
}
