/**
 * At most once per event: a side effect is recorded before it is done (as enforcement claims a
 * stage before closing it), so a duplicate delivery, even one running at the same time, does
 * nothing again. A side effect that fails is forgotten, so the retry of the event does it.
 */

import { DONE_TTL_SECONDS } from '../ports';
import type { GovernanceDeps } from './deps';

export { DONE_TTL_SECONDS };

/**
 * Runs `effect` unless `key` was done before; undefined for a duplicate (logged). Without a key
 * (an event with no id) the effect runs.
 *
 * @example await once('report#1a2b…#slack', () => post(report), deps) // the post's result, or undefined the second time
 */
export async function once<T>(key: string | undefined, effect: () => Promise<T>, deps: Pick<GovernanceDeps, 'done' | 'logger'>): Promise<T | undefined> {
  if (key === undefined) return effect();
  if (!(await deps.done.claim(key))) {
    deps.logger.info('duplicate delivery: already done, nothing repeated', { done: key });
    return undefined;
  }
  try {
    return await effect();
  } catch (error) {
    await deps.done.release(key);
    throw error;
  }
}
