import { describe, expect, it } from 'vitest';
import { emptyCard, merge } from '../../../functions/kernel/card/merge';
import { EventRejectedError } from '../../../functions/kernel/errors';
import { normalize } from '../../../functions/kernel/events/normalize';
import { parseEvent } from '../../../functions/kernel/events/parse';
import { DetailType } from '../../../functions/kernel/events/schemas';
import { blocksToText } from '../../../functions/kernel/render/text';
import { renderEmail } from '../../../functions/notify/domain/email';
import { renderCard } from '../../../functions/notify/domain/slack-card';
import { AWS_DOCS_DIR, AWS_EVENTS_DIR, readJsonTree } from '../../support/fixtures';

// The real events, and the AWS documentation's CodeArtifact example (the real events have none).
const samples = [...readJsonTree(AWS_EVENTS_DIR), ...readJsonTree(AWS_DOCS_DIR)];
const supported = new Set<string>(Object.values(DetailType));
const ours = samples.filter(([, e]) => supported.has((e as Record<string, string>)['detail-type'] ?? ''));
const others = samples.filter(([, e]) => !supported.has((e as Record<string, string>)['detail-type'] ?? ''));

describe('every real sample (test/fixtures/aws-events and test/fixtures/aws-docs)', () => {
  it('is there (a missing folder must not pass silently)', () => {
    expect(ours.length).toBeGreaterThanOrEqual(13);
  });

  it.each(ours)('%s parses, normalizes and renders for Slack and email', (_name, raw) => {
    const observations = normalize(parseEvent(raw));
    expect(observations.length).toBeGreaterThan(0);
    const first = observations[0]!;
    const card = merge(emptyCard(first.run, first.subject), observations);
    for (const level of ['all', 'status-changes', 'failures'] as const) {
      const message = renderCard(card, level);
      expect(message.text.length).toBeGreaterThan(0);
      expect(blocksToText(message.blocks, { urls: false })).not.toMatch(/undefined|\[object Object\]|NaN/);
    }
    const email = renderEmail(card, 'arn:aws:sns:us-east-1:123456789012:t', { failures: [] });
    expect(email.subject.length).toBeLessThanOrEqual(100);
    expect(email.subject).not.toMatch(/[\r\n]/);
    expect(email.body).not.toMatch(/undefined|\[object Object\]/);
  });

  it.each(others)('%s is not a detail-type we subscribe to, and says so', (_name, raw) => {
    expect(() => parseEvent(raw)).toThrow(/detail-type: unsupported/);
  });
});

describe('tolerance and rejection', () => {
  const action = samples.find(([n]) => n.endsWith('aws-to-slack-action-approval-started.json'))![1] as Record<string, unknown>;

  it('ignores fields AWS adds later, at the top and in detail', () => {
    const future = structuredClone(action) as Record<string, Record<string, unknown>>;
    future['new-top-level'] = { nested: [1, 2] } as never;
    future['detail']!['some-new-field'] = 'x';
    future['detail']!['type'] = { ...(future['detail']!['type'] as object), 'new-type-field': true };
    expect(parseEvent(future)['detail-type']).toBe(DetailType.actionExecution);
  });

  it('accepts a float version (4.0) and a state AWS has not documented yet', () => {
    const odd = structuredClone(action) as { detail: Record<string, unknown> };
    odd.detail['state'] = 'SOME_FUTURE_STATE';
    const [obs] = normalize(parseEvent(odd));
    expect(obs?.fact).toMatchObject({ type: 'action', state: 'SOME_FUTURE_STATE' });
  });

  it('rejects a missing required field with every problem and its path', () => {
    const broken = structuredClone(action) as { detail: Record<string, unknown>; time?: string };
    delete broken.detail['execution-id'];
    delete broken.detail['stage'];
    broken.time = 'yesterday';
    const error = (() => {
      try {
        parseEvent(broken);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(EventRejectedError);
    expect((error as EventRejectedError).problems).toEqual(
      expect.arrayContaining(['time: Invalid ISO datetime', 'detail["execution-id"]: required', 'detail.stage: required']),
    );
  });

  it.each([null, 42, 'text', [], {}, { 'detail-type': 'CodePipeline Pipeline Execution State Change' }])('rejects %j without crashing', (raw) => {
    expect(() => parseEvent(raw)).toThrow(EventRejectedError);
  });
});
