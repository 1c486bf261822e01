/**
 * What the Slack endpoint needs from the outside world, as its use case (app/handle-request.ts) sees
 * it: answering one person, replay protection, and the shapes of a signed request and its check.
 */

export interface EphemeralMessage {
  readonly channel: string;
  /** The only person who sees it; must be a member of the channel. */
  readonly user: string;
  readonly text: string;
  /** Shown in this thread (the approval card lives in the run's thread). */
  readonly threadTs?: string;
}

export interface EphemeralPort {
  post(message: EphemeralMessage): Promise<void>;
}

export interface SlackRequestsPort {
  /** `first` exactly once per signature (across all containers); `replayed` for every later call. */
  claim(signature: string, now: Date): Promise<'first' | 'replayed'>;
}

export type SignatureRefusal =
  /** One of the two headers is absent or empty. */
  | 'missing-headers'
  /** The timestamp is not a number of seconds, or the signature not `v0=` and 64 hex digits. */
  | 'malformed'
  /** The timestamp is more than five minutes away from now (an old capture, or a skewed clock). */
  | 'stale'
  /** Well-formed, fresh, and wrong: forged, or signed with another secret. */
  | 'forged';

export type SignatureCheck =
  /** `signature`: the hex digest, unique per (timestamp, body); the replay-protection key. */
  { readonly ok: true; readonly signature: string; readonly timestamp: number } | { readonly ok: false; readonly reason: SignatureRefusal };

export interface SignedRequest {
  /** Lower-cased header names, as HTTP API payload v2 gives them. */
  readonly headers: Readonly<Record<string, string | undefined>>;
  /** The body exactly as Slack sent it: bytes, never a re-serialised parse. */
  readonly body: Buffer;
}
