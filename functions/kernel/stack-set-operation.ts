/**
 * Which stack set operation a failed StackSets pipeline action ran: shared by the adapter that reads
 * them (functions/notify/aws/deploy-diagnostics.ts) and replay's stand-in for it
 * (functions/platform/recording-diagnostics.ts), so both pick the same one.
 */

/** How far an operation may predate the action's start and still be its own: clocks differ. */
const LEEWAY_MS = 60_000;

/**
 * The newest operation, if created since the action started (when that is known).
 *
 * @example stackSetOperationOf([{ OperationId: 'a', CreationTimestamp: '2024-05-02T10:14:12Z' }], '2024-05-02T10:14:00Z') // the one
 */
export function stackSetOperationOf<T extends { readonly CreationTimestamp?: Date | string }>(operations: readonly T[], since?: string): T | undefined {
  const at = (o: T) => new Date(o.CreationTimestamp ?? 0).getTime();
  const newest = [...operations].sort((a, b) => at(b) - at(a))[0];
  return newest && (!since || at(newest) >= Date.parse(since) - LEEWAY_MS) ? newest : undefined;
}
