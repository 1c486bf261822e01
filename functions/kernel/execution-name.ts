/**
 * Step Functions execution names that make a duplicate start a no-op: the same cause always gives
 * the same name, and StartExecution refuses a name already used (for 90 days) on a Standard machine.
 */
import { fingerprint } from './fingerprint';

const MAX_LENGTH = 80;
// fingerprint() is 53 bits in base 36: at most 11 characters.
const HASH_LENGTH = 11;

/**
 * A readable, valid (≤ 80 characters of `[A-Za-z0-9_-]`) name. Any character outside that set
 * becomes `-`; a name that had to be changed or shortened ends in a hash of the exact parts, so
 * two different causes never share a name.
 *
 * @example executionName(['approval', 'e5d2c1f0-…', 'Prod', 'Approve']) // 'approval_e5d2c1f0-…_Prod_Approve'
 */
export function executionName(parts: readonly string[]): string {
  if (parts.length === 0) throw new Error('executionName: no parts');
  const exact = parts.join('_');
  if (exact.length <= MAX_LENGTH && /^[A-Za-z0-9_-]+$/.test(exact)) return exact;
  const hash = fingerprint(parts).padStart(HASH_LENGTH, '0');
  const readable = exact.replace(/[^A-Za-z0-9_-]+/g, '-').slice(0, MAX_LENGTH - HASH_LENGTH - 1);
  return `${readable}_${hash}`;
}
