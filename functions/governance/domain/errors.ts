import { PermanentError } from '../../kernel/errors';

/**
 * A policy that cannot be evaluated: it names a rule the registry does not hold, has parameters
 * its rule refuses, or a custom rule threw. Retrying cannot help; the policy or the rule must change.
 */
export class PolicyError extends PermanentError {
  override name = 'PolicyError';
}
