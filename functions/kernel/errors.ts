/**
 * The error family. `name` is written out as a string (not `new.target.name`) because the
 * bundles are minified: state machine `Retry`/`Catch` and log queries match on these names.
 *
 * Retryable errors are thrown back to SQS / Lambda so the record is tried again and, past the
 * retries, lands in the dead-letter queue. Permanent errors are sent to the dead-letter queue at
 * once: trying an unparseable event again cannot help.
 */
export class WardenError extends Error {
  override name = 'WardenError';
}

/** A failure that may pass if the same work is tried again later (throttling, a race, a 5xx). */
export class RetryableError extends WardenError {
  override name = 'RetryableError';
}

/** A failure that no retry can fix (malformed input, a config that does not validate). */
export class PermanentError extends WardenError {
  override name = 'PermanentError';
}

/** An event we cannot read: every problem, each with its JSON path. */
export class EventRejectedError extends PermanentError {
  override name = 'EventRejectedError';
  constructor(
    readonly problems: readonly string[],
    options?: ErrorOptions,
  ) {
    super(`event rejected: ${problems.join('; ')}`, options);
  }
}

/** A configuration that does not validate: every problem, each with its path. */
export class ConfigError extends PermanentError {
  override name = 'ConfigError';
  constructor(
    readonly problems: readonly string[],
    options?: ErrorOptions,
  ) {
    super(`invalid configuration:\n${problems.map((p) => `  ${p}`).join('\n')}`, options);
  }
}

/** Someone else changed the run card between our read and our write; re-read and merge again. */
export class CardConflictError extends RetryableError {
  override name = 'CardConflictError';
}

/** Another worker is posting this run's first Slack message; try the record again shortly. */
export class CardBusyError extends RetryableError {
  override name = 'CardBusyError';
}

/** Slack or SNS did not take the message after the client's own retries. */
export class DeliveryError extends RetryableError {
  override name = 'DeliveryError';
}

/**
 * Slack answered 429 for `method`: no call of it before `retryAt` (its `Retry-After`). Not retried
 * in-process: the whole fleet holds back through the shared budget, and the card is delivered later.
 */
export class SlackRateLimitedError extends DeliveryError {
  override name = 'SlackRateLimitedError';
  constructor(
    message: string,
    readonly method: 'chat.postMessage' | 'chat.update',
    readonly retryAt: Date,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
