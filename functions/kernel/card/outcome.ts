import type { Fact, Outcome } from '../events/observation';

// State names as each service spells them. Anything not listed reads as `info`, so a state AWS adds
// later is shown as it is instead of breaking the card.
const BY_STATE: Readonly<Record<string, Outcome>> = {
  STARTED: 'running',
  RESUMED: 'running',
  IN_PROGRESS: 'running',
  START: 'running',
  QUEUED: 'running',
  PENDING: 'running',
  STOPPING: 'running',
  READY: 'waiting',
  SUCCEEDED: 'succeeded',
  SUCCESS: 'succeeded',
  Published: 'succeeded',
  FAILED: 'failed',
  FAILURE: 'failed',
  FAULT: 'failed',
  TIMED_OUT: 'failed',
  ALARM: 'failed',
  OK: 'succeeded',
  STOPPED: 'stopped',
  STOP: 'stopped',
  CANCELED: 'stopped',
  ABANDONED: 'stopped',
  SUPERSEDED: 'stopped',
  Unfinished: 'running',
};

/** A pull request is open until merged (succeeded) or closed without a merge (stopped). */
const PULL_REQUEST: Readonly<Record<string, Outcome>> = { OPEN: 'running', MERGED: 'succeeded', CLOSED: 'stopped' };

/**
 * How a fact's state reads to a person.
 *
 * @example outcomeOf({ type: 'build', buildId: 'b', project: 'p', state: 'TIMED_OUT' }) // 'failed'
 */
export function outcomeOf(fact: Fact): Outcome {
  const state = 'status' in fact ? fact.status : fact.state;
  if (fact.type === 'action' && fact.category === 'Approval' && state === 'STARTED') return 'waiting';
  if (fact.type === 'pull-request') return PULL_REQUEST[state] ?? 'info';
  if (fact.type === 'reference' || fact.type === 'pull-request-approval') return 'info';
  return BY_STATE[state] ?? 'info';
}

/** A run or step that has finished, one way or another. */
export function isTerminal(outcome: Outcome): boolean {
  return outcome !== 'running' && outcome !== 'waiting';
}
