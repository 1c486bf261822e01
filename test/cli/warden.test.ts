import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../functions/kernel/config/parse';
import { warden } from '../support/warden-cli';

const lines = (stdout: string) =>
  stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);

describe('warden replay --json', () => {
  it('prints one JSON object per call for the sample scenarios, nothing rejected', () => {
    const { code, stdout } = warden('replay', '--json', '--world', 'events/samples/samples.world.json', 'events/samples');
    expect(code).toBe(0);
    const calls = lines(stdout);
    expect(calls.every((c) => typeof c['event'] === 'string' && typeof c['call'] === 'string' && typeof c['input'] === 'object')).toBe(true);
    const posts = calls.filter((c) => c['call'] === 'slack.chat.postMessage' && !(c['input'] as Record<string, unknown>)['thread_ts']);
    // payments-api in two channels, web-frontend in one, the package in one: one card each.
    expect(posts.map((p) => `${(p['input'] as Record<string, string>)['channel']} ${String(p['event']).split('/')[2]}`)).toEqual([
      'C0PAYMENTS1 01-pipeline-build-fails',
      'C0PLATFORM1 01-pipeline-build-fails',
      'C0PLATFORM1 02-pipeline-deploys',
      'C0PACKAGES1 03-codeartifact-publish',
      'C0PLATFORM1 03-codeartifact-publish', // the pipeline the package version started
      'C0PLATFORM1 04-governance-pipeline-changed', // the policy report
      'C0PLATFORM1 05-rollback-codedeploy',
      'C0PLATFORM1 06-rollback-pipeline',
      'C0PAYMENTS1 07-approval-deadline',
      'C0PLATFORM1 07-approval-deadline',
      'C0PAYMENTS1 08-approval-decided-in-console',
      'C0PLATFORM1 08-approval-decided-in-console',
    ]);
    // The build failure, the policy report, each rollback's outcome, and one approval email per approval (not a second "needs approval" one).
    expect(calls.filter((c) => c['call'] === 'sns.publish').map((c) => (c['input'] as Record<string, string>)['Subject'])).toEqual([
      '[pipeline-warden] payments-api FAILED (6f2b1c1e)',
      '[pipeline-warden] Pipeline policy: change to payments-api',
      '[pipeline-warden] ✅ web-frontend/web-frontend-prod rolled back (alarm web-frontend-host-unhealthy)',
      '[pipeline-warden] ✅ web-frontend › Deploy rolled back (alarm web-frontend-5xx)',
      '[pipeline-warden] Approval needed: payments-api › Production › ApproveRelease',
      '[pipeline-warden] Approval needed: payments-api › Production › ApproveRelease',
    ]);
    expect(new Set(calls.map((c) => c['call']))).toEqual(
      new Set([
        'slack.chat.postMessage',
        'slack.chat.update',
        'sns.publish',
        'logs.getLogEvents',
        'codepipeline.getPipeline',
        'codepipeline.getPipelineExecution',
        'codepipeline.getPipelineState',
        'codepipeline.listActionExecutions',
        'codepipeline.listPipelineExecutions',
        'codepipeline.rollbackStage',
        'codepipeline.disableStageTransition',
        'codepipeline.startPipelineExecution',
        'codedeploy.batchGetDeployments',
        'codedeploy.getDeployment',
        'codedeploy.getDeploymentGroup',
        'codedeploy.listDeployments',
        'codedeploy.stopDeployment',
        'sfn.startExecution',
        'sfn.stopExecution',
      ]),
    );
  });

  it('--advance runs the approval timer on: reminders, the escalation, then the deadline rejects the approval', () => {
    const { code, stdout } = warden(
      'replay',
      '--json',
      '--advance',
      '30h',
      '--world',
      'events/samples/samples.world.json',
      'events/samples/07-approval-deadline',
    );
    expect(code).toBe(0);
    const calls = lines(stdout);
    const text = (c: Record<string, unknown>) => String((c['input'] as Record<string, unknown>)['text']);
    const replies = calls.filter((c) => c['call'] === 'slack.chat.postMessage' && (c['input'] as Record<string, unknown>)['thread_ts']);
    expect(replies.filter((c) => text(c).startsWith('🔔')).map((c) => c['at'])).toContain('2026-11-23T14:06:00.000Z');
    expect(replies.filter((c) => text(c).startsWith('🚨')).map((c) => c['at'])).toEqual(['2026-11-23T18:06:00.000Z', '2026-11-23T18:06:00.000Z']);
    const puts = calls.filter((c) => c['call'] === 'codepipeline.putApprovalResult');
    expect(puts).toEqual([
      expect.objectContaining({
        at: '2026-11-24T10:01:00.000Z',
        input: expect.objectContaining({
          pipelineName: 'payments-api',
          stageName: 'Production',
          actionName: 'ApproveRelease',
          result: expect.objectContaining({ status: 'Rejected' }),
        }),
      }),
    ]);
  });

  it('--advance with an approval the world says was decided in the console: the card says so, nothing is put', () => {
    const { code, stdout } = warden(
      'replay',
      '--json',
      '--advance',
      '30h',
      '--world',
      'events/samples/samples.world.json',
      'events/samples/08-approval-decided-in-console',
    );
    expect(code).toBe(0);
    const calls = lines(stdout);
    expect(calls.filter((c) => c['call'] === 'codepipeline.putApprovalResult')).toEqual([]);
    expect(calls.filter((c) => c['call'] === 'sfn.stopExecution')).toHaveLength(1);
    expect(JSON.stringify(calls.filter((c) => c['call'] === 'slack.chat.update').at(-1))).toContain('Approved outside Slack by erin@example.com');
  });

  it('refuses an --advance that is not a duration', () => {
    const { code, stderr } = warden('replay', '--advance', 'tomorrow', 'events/samples/07-approval-deadline');
    expect(code).toBe(2);
    expect(stderr).toContain('--advance: not a duration: "tomorrow"');
  });

  it('prints an error line for an event it rejects or that no rule delivers, and exits 1', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'warden-'));
    writeFileSync(
      path.join(dir, 'a-broken.json'),
      JSON.stringify({
        id: 'x',
        'detail-type': 'CodeBuild Build State Change',
        source: 'aws.codebuild',
        account: '1',
        time: '2026-11-23T00:00:00Z',
        region: 'us-east-1',
        detail: {},
      }),
    );
    writeFileSync(path.join(dir, 'b-not-json.json'), '{oops');
    writeFileSync(
      path.join(dir, 'c-other-service.json'),
      JSON.stringify({ id: 'y', 'detail-type': 'EC2 Instance State-change Notification', source: 'aws.ec2', detail: {} }),
    );
    const { code, stdout } = warden('replay', '--json', dir);
    expect(code).toBe(1);
    expect(lines(stdout)).toEqual([
      {
        event: path.join(dir, 'a-broken.json'),
        error: expect.stringMatching(
          /^rejected, sent to the dead-letter queue: detail\["build-status"\]: required; detail\["project-name"\]: required; detail\["build-id"\]: required$/,
        ),
      },
      { event: path.join(dir, 'b-not-json.json'), error: expect.stringMatching(/^not JSON/) },
      { event: path.join(dir, 'c-other-service.json'), error: 'matches no rule of the stack: EventBridge would not deliver it' },
    ]);
  });

  it('without --json, shows the messages as a person reads them', () => {
    const { code, stdout } = warden('replay', '--world', 'events/samples/samples.world.json', 'events/samples/01-pipeline-build-fails');
    expect(code).toBe(0);
    expect(stdout).toContain('Slack C0PAYMENTS1 · new card');
    expect(stdout).toContain('❌ payments-api failed · execution 6f2b1c1e');
    expect(stdout).toContain('Subject: [pipeline-warden] payments-api FAILED (6f2b1c1e)');
    expect(stdout).toMatch(/13 events replayed, 0 rejected · Slack: 2 cards posted, \d+ updates, 2 thread replies · 1 email/);
  });
});

describe('warden validate', () => {
  it('exits 0 with a one-line summary for a valid config', () => {
    const { code, stdout } = warden('validate', '--config', 'config/warden.yml');
    expect(code).toBe(0);
    expect(stdout).toBe('config/warden.yml: valid, 3 routes, 3 Slack channels, 1 SNS topic\n');
  });

  it('exits 1 with every problem and its path for an invalid config', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'warden-'));
    const file = path.join(dir, 'bad.yml');
    const text = 'version: 1\nroutes:\n  - match: { pipelinez: [x] }\n    slack: { channels: ["#general"] }\n  - name: nowhere\n';
    writeFileSync(file, text);
    const { code, stdout } = warden('validate', '--config', file);
    expect(code).toBe(1);
    const expected = parseConfig(text);
    expect(expected.ok).toBe(false);
    if (!expected.ok) expect(stdout).toBe(`${file}: 3 problems\n${expected.problems.map((p) => `  ${p}\n`).join('')}`);
    expect(stdout).toContain('routes[0].match.pipelinez: unknown key');
  });

  it('names the command it does not know, and where usage is', () => {
    const { code, stderr } = warden('frobnicate');
    expect(code).toBe(2);
    expect(stderr).toContain('warden: unknown command "frobnicate"');
    expect(stderr).toContain('warden --help');
  });
});
