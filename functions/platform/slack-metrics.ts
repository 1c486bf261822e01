/**
 * A `SlackPort` that measures the port it wraps: each call's latency (`SlackLatency`, ms, retries
 * included, as the Lambda waits for them) and each failed call (`SlackErrors`). A 429 is not an
 * error here: notify's shared budget holds every worker back until its Retry-After, and the card is
 * delivered later (functions/kernel/slack-budget.ts); the alarm on SlackErrors means Slack is refusing or down.
 */
import { SlackRateLimitedError } from '../kernel/errors';
import type { MetricsPort, SlackPort } from '../kernel/ports';

export const SLACK_METRICS = { latency: 'SlackLatency', errors: 'SlackErrors' } as const;

/**
 * @example
 * const slack = withSlackMetrics(createSlackPort({ token }), metrics);
 * await slack.postMessage({ channel: 'C0123ABCD', text: 'deploy #42 started' }); // + SlackLatency
 */
export function withSlackMetrics(slack: SlackPort, metrics: MetricsPort, now: () => number = () => performance.now()): SlackPort {
  const timed = async <T>(call: () => Promise<T>): Promise<T> => {
    const started = now();
    try {
      return await call();
    } catch (error) {
      if (!(error instanceof SlackRateLimitedError)) metrics.add({ name: SLACK_METRICS.errors, unit: 'Count', value: 1 });
      throw error;
    } finally {
      metrics.add({ name: SLACK_METRICS.latency, unit: 'Milliseconds', value: Math.round(now() - started) });
    }
  };
  return {
    postMessage: (message) => timed(() => slack.postMessage(message)),
    updateMessage: (message) => timed(() => slack.updateMessage(message)),
  };
}
