/**
 * ≥ 10 000 random and malformed interaction payloads, each correctly signed, through the real
 * handler (test/support/slack-fuzz.ts): no unhandled exception, every answer 200 or 400, and no
 * PutApprovalResult unless the payload is a well-formed click on an approval button.
 *
 * The `approval:` route here is a stand-in that calls PutApprovalResult (on a mocked client) for
 * every approval button click it receives, so the test checks the endpoint, not the approval
 * policy. The approval feature's own fuzz run plugs the real route into `fuzzSlackActions`.
 */
import { CodePipelineClient, PutApprovalResultCommand } from '@aws-sdk/client-codepipeline';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it } from 'vitest';
import type { InteractionRoute } from '../../functions/slack-actions/app/router';
import { APPROVAL_BUTTONS, fuzzCases, fuzzSlackActions } from '../support/slack-fuzz';

const codepipeline = mockClient(CodePipelineClient);
beforeEach(() => {
  codepipeline.reset();
  codepipeline.on(PutApprovalResultCommand).resolves({ approvedAt: new Date() });
});

/** Decides every approval button click it sees: the endpoint alone must keep the rest away. */
const approvalSpy: InteractionRoute = async ({ interaction }) => {
  if (!(APPROVAL_BUTTONS as readonly string[]).includes(interaction.actionId)) return { kind: 'ignored' };
  await new CodePipelineClient({ region: 'us-east-1' }).send(
    new PutApprovalResultCommand({
      pipelineName: 'payments-api',
      stageName: 'Prod',
      actionName: 'Approve',
      token: interaction.value,
      result: { status: interaction.actionId === 'approval:approve' ? 'Approved' : 'Rejected', summary: `by ${interaction.user.id}` },
    }),
  );
  return { kind: 'done' };
};

/** Other routes answer in every way a route can, so those paths are fuzzed too. */
const bypassRoute: InteractionRoute = async ({ interaction }) => {
  const mod = interaction.value.length % 3;
  if (mod === 0) throw new Error('bypass route failed');
  return mod === 1 ? { kind: 'refused', ephemeral: 'Break-glass needs an on-call engineer.' } : { kind: 'done', text: 'Freeze bypassed for 1h.' };
};

describe('slackActions fuzz', () => {
  it('10 000 signed random and malformed payloads: no exception, only 200/400, PutApprovalResult only for approval clicks', async () => {
    const report = await fuzzSlackActions({ routes: { 'approval:': approvalSpy, 'bypass:': bypassRoute }, count: 10_000 });

    expect(report.cases).toBe(10_000);
    expect(report.thrown).toEqual([]);
    expect(report.unexpected).toEqual([]);
    expect(Object.keys(report.statuses).sort()).toEqual(['200', '400']);

    // Every PutApprovalResult traces back (token `case-<id>-…`) to a generated approval click, once each.
    const decided = codepipeline.commandCalls(PutApprovalResultCommand).map((call) => Number(/^case-(\d+)-/.exec(call.args[0].input.token ?? '')?.[1]));
    expect(decided.sort((a, b) => a - b)).toEqual([...report.approvalClicks].sort((a, b) => a - b));
    // The run is meaningful: every kind of case was drawn, and both outcomes are common.
    expect(report.approvalClicks.length).toBeGreaterThan(1_000);
    expect(report.statuses[400]).toBeGreaterThan(3_000);
    expect(Object.keys(report.byKind)).toHaveLength(15);
    expect(report.ephemerals).toBeGreaterThan(0);
    console.info(
      `fuzz: ${report.cases} cases in ${report.ms} ms; statuses ${JSON.stringify(report.statuses)}; ${report.approvalClicks.length} approval clicks`,
    );
  });

  it('with no routes (as shipped today): nothing reaches CodePipeline at all', async () => {
    const report = await fuzzSlackActions({ routes: {}, count: 2_000, seed: 7 });

    expect(report.thrown).toEqual([]);
    expect(report.unexpected).toEqual([]);
    expect(codepipeline).not.toHaveReceivedAnyCommand();
  });

  it('draws the same cases for the same seed, different ones for another', () => {
    const bodies = (seed: number) => fuzzCases(200, seed).map((c) => c.body.toString('base64'));
    expect(bodies(1)).toEqual(bodies(1));
    expect(bodies(1)).not.toEqual(bodies(2));
  });
});
