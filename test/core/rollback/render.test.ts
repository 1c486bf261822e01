/** The explanation: one headline per way a rollback can go, and the from → to of each kind of rollback. */
import { describe, expect, it } from 'vitest';
import type { Progress } from '../../../functions/rollback/domain/progress';
import { facts, headline, type RollbackReport, renderRollback, renderRollbackEmail } from '../../../functions/rollback/domain/render';
import type { Decision } from '../../../functions/rollback/domain/types';

const alarm = {
  name: 'web-5xx',
  account: '123456789012',
  region: 'eu-west-1',
  time: '2026-11-23T10:30:00.000Z',
  reason: 'Threshold Crossed: 57 > 20',
  metric: 'AWS/ApplicationELB HTTPCode_Target_5XX_Count Sum/60s',
};
const deploy = { kind: 'codedeploy' as const, application: 'web', deploymentGroup: 'prod' };
const stage = { kind: 'pipeline' as const, pipeline: 'web', stage: 'Deploy' };
const rev = (v: string) => ({ label: `s3://b/web.zip (${v})`, location: {} });
const done = (outcome: Progress['outcome'], extra: Partial<Progress> = {}): Progress => ({ phase: 'done', polls: 8, startedAt: alarm.time, outcome, ...extra });
const stop: Decision = { kind: 'stop-deployment', deploymentId: 'd-BAD', from: rev('v2'), to: rev('v1'), reason: 'in progress' };
const report = (r: Partial<RollbackReport>): RollbackReport => ({ alarm, target: deploy, guard: 'web', decision: stop, ...r });

describe('headline', () => {
  it.each<[string, Partial<RollbackReport>, 'started' | 'ended', string]>([
    ['acting', {}, 'started', '🚨 Rolling back web/prod: alarm web-5xx'],
    [
      'watching AWS roll back',
      { decision: { kind: 'observe-deployment', deploymentId: 'd-RB', awaiting: 'rollback', reason: 'r' } },
      'started',
      '👀 web/prod is being rolled back by AWS: alarm web-5xx',
    ],
    ['succeeded', { progress: done('succeeded') }, 'ended', '✅ web/prod rolled back (alarm web-5xx)'],
    ['failed', { progress: done('failed') }, 'ended', '❌ Rollback of web/prod failed (alarm web-5xx)'],
    ['stopped, nothing rolled back', { progress: done('no-rollback') }, 'ended', '⚠️ web/prod stopped, but nothing was rolled back (alarm web-5xx)'],
    [
      'still running at the poll limit',
      { progress: { phase: 'watching-deployment', polls: 120, startedAt: alarm.time } },
      'ended',
      '⏳ Rollback of web/prod still running when pipeline-warden stopped watching (alarm web-5xx)',
    ],
    ['an error', { error: { Error: 'PermanentError', Cause: 'denied' } }, 'ended', '⚠️ Rollback of web/prod could not be completed (alarm web-5xx)'],
    [
      'notify-only',
      { decision: { kind: 'notify', code: 'notify-only', reason: 'would have', wouldHave: stop } },
      'ended',
      '👀 web/prod would be rolled back: alarm web-5xx (notify-only)',
    ],
    ['cooldown', { decision: { kind: 'notify', code: 'cooldown', reason: 'again' } }, 'ended', 'ℹ️ web/prod not rolled back again: alarm web-5xx (cooldown)'],
    [
      'a stage, not done',
      { target: stage, decision: { kind: 'notify', code: 'v1-pipeline', reason: 'V1' } },
      'ended',
      'ℹ️ web › Deploy not rolled back: alarm web-5xx',
    ],
  ])('%s', (_name, r, at, expected) => {
    expect(headline(report(r), at)).toBe(expected);
  });
});

describe('facts', () => {
  const rolledBack = (r: Partial<RollbackReport>) => Object.fromEntries(facts(report(r)))['Rolled back'];
  it('names the alarm, its reason and metric', () => {
    expect(Object.fromEntries(facts(report({})))).toMatchObject({
      Reason: 'Threshold Crossed: 57 &gt; 20',
      Metric: '`AWS/ApplicationELB HTTPCode_Target_5XX_Count Sum/60s`',
    });
  });
  it.each<[string, Partial<RollbackReport>, RegExp]>([
    [
      "stop: from the stopped revision to CodeDeploy's rollback",
      { progress: done('succeeded', { deploymentId: 'd-RB' }) },
      /deployments\/d-BAD.*\(`s3:\/\/b\/web.zip \(v2\)`\) stopped; CodeDeploy rolls back to `s3:\/\/b\/web.zip \(v1\)` in .*d-RB/,
    ],
    [
      'redeploy: bad revision → last good, in the new deployment',
      {
        decision: { kind: 'redeploy', from: { deploymentId: 'd-BAD', revision: rev('v2') }, to: { deploymentId: 'd-GOOD', revision: rev('v1') }, reason: 'r' },
        progress: done('succeeded', { deploymentId: 'd-NEW' }),
      },
      /`s3:\/\/b\/web.zip \(v2\)` .*→ `s3:\/\/b\/web.zip \(v1\)` \(last good: <[^|]*\|d-GOOD>\), redeployed in <[^|]*\|d-NEW>$/,
    ],
    [
      'stage: execution → execution, in the rollback execution',
      {
        target: stage,
        decision: {
          kind: 'rollback-stage',
          from: { executionId: 'e-2', status: 'Succeeded', revision: 'bbb Rewrite' },
          to: { executionId: 'e-1', status: 'Succeeded', revision: 'aaa Dark mode' },
          stopFirst: false,
          reason: 'r',
        },
        progress: done('succeeded', { executionId: 'e-rb' }),
      },
      /^execution <[^|]*\|e-2> \(bbb Rewrite\) → <[^|]*\|e-1> \(aaa Dark mode\), in rollback execution <[^|]*\|e-rb>$/,
    ],
  ])('%s', (_name, r, expected) => {
    expect(rolledBack(r)).toMatch(expected);
  });
});

it('the email carries the headline as its subject and the facts as its body, links spelled out', () => {
  const email = renderRollbackEmail(
    report({ progress: done('succeeded', { deploymentId: 'd-RB', detail: 'rollback deployment d-RB ended Succeeded' }) }),
    'arn:aws:sns:eu-west-1:123456789012:t',
  );
  expect(email.subject).toBe('[pipeline-warden] ✅ web/prod rolled back (alarm web-5xx)');
  expect(email.body).toContain('Outcome: rollback deployment d-RB ended Succeeded');
  expect(email.body).toContain('<https://eu-west-1.console.aws.amazon.com/codesuite/codedeploy/deployments/d-RB?region=eu-west-1>');
  expect(renderRollback(report({}), 'started').text).toBe('🚨 Rolling back web/prod: alarm web-5xx');
});
