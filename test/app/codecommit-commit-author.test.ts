/**
 * Issue 14 item 6: a CodeCommit commit's message and author, which events do not carry, read with
 * GetCommit once per commit and kept on the card: branch and pull request cards, and a pipeline whose
 * source is CodeCommit. A read that fails never holds a card back.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CommitsPort } from '../../functions/kernel/ports';
import { notifyEvent } from '../../functions/notify/app/notify-event';
import { createRecorder, type RecordedCall, type World } from '../../functions/platform/recording';
import { config, memoryNotifyDeps } from '../support/scenarios';

const DIR = path.resolve(__dirname, '../fixtures/codecommit');
const read = (name: string) => JSON.parse(readFileSync(path.join(DIR, name), 'utf8')) as Record<string, unknown>;
const ROUND_REFUNDS = read('get-commit/round-refunds.json') as NonNullable<World['commits']>[string];
const IDEMPOTENCY = read('get-commit/idempotency-keys.json') as typeof ROUND_REFUNDS;
const WORLD: World = {
  commits: {
    'payments-api/4e5d6f708192a3b4c5d6e7f8091a2b3c4d5e6f70': ROUND_REFUNDS,
    'payments-api/1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d': IDEMPOTENCY,
  },
  pipelines: {
    'payments-api': {
      pipeline: {
        name: 'payments-api',
        roleArn: 'arn:aws:iam::111122223333:role/pipeline',
        stages: [
          {
            name: 'Source',
            actions: [
              {
                name: 'Source',
                actionTypeId: { category: 'Source', owner: 'AWS', provider: 'CodeCommit', version: '1' },
                configuration: { RepositoryName: 'payments-api', BranchName: 'main' },
              },
            ],
          },
        ],
      },
    },
  },
};

const CONFIG = config(`
version: 1
routes:
  - name: everything
    match: {}
    slack: { channels: [C0ALL00001], level: all }
  - name: code reviews
    match: { codecommit: ["payments-*"] }
    slack: { channels: [C0REVIEW01], level: all }
`);

async function run(events: readonly Record<string, unknown>[], world: World = WORLD, commits?: CommitsPort): Promise<RecordedCall[]> {
  const recorder = createRecorder(world);
  const deps = memoryNotifyDeps(CONFIG, recorder, { commits: commits ?? recorder.commits });
  for (const event of events) await notifyEvent(event, deps);
  return recorder.calls;
}

const slackIn = (calls: RecordedCall[], channel: string) => calls.filter((c) => c.call.startsWith('slack.chat.') && c.input['channel'] === channel);
const lastBlocks = (calls: RecordedCall[], channel: string) => JSON.stringify(slackIn(calls, channel).at(-1)?.input['blocks']);
const getCommits = (calls: RecordedCall[]) => calls.filter((c) => c.call === 'codecommit.getCommit');

/** A pipeline's CodeCommit source action, as CodePipeline's action events carry it (id: the commit). */
function sourceAction(state: string, id: string, time: string): Record<string, unknown> {
  return {
    version: '0',
    id,
    'detail-type': 'CodePipeline Action Execution State Change',
    source: 'aws.codepipeline',
    account: '111122223333',
    time,
    region: 'eu-west-1',
    resources: ['arn:aws:codepipeline:eu-west-1:111122223333:payments-api'],
    detail: {
      pipeline: 'payments-api',
      'execution-id': '6f2b1c1e-0000-4000-8000-000000000001',
      stage: 'Source',
      action: 'Source',
      state,
      region: 'eu-west-1',
      type: { owner: 'AWS', provider: 'CodeCommit', category: 'Source', version: '1' },
      version: 3,
      ...(state === 'SUCCEEDED'
        ? {
            'execution-result': {
              'external-execution-id': '4e5d6f708192a3b4c5d6e7f8091a2b3c4d5e6f70',
              'external-execution-summary': "Round refunds to the currency's minor unit",
              'external-execution-url':
                'https://eu-west-1.console.aws.amazon.com/codesuite/codecommit/repositories/payments-api/commit/4e5d6f708192a3b4c5d6e7f8091a2b3c4d5e6f70?region=eu-west-1',
            },
          }
        : {}),
    },
  };
}

describe("a CodeCommit commit's message and author on cards", () => {
  it("a branch card shows the new commit's first line and author, read once", async () => {
    const calls = await run([read('branch-updated.json'), read('branch-updated.json')]);
    expect(lastBlocks(calls, 'C0REVIEW01')).toContain("`4e5d6f7` Round refunds to the currency's minor unit — dana");
    expect(getCommits(calls)).toMatchObject([
      { input: { repositoryName: 'payments-api', commitId: '4e5d6f708192a3b4c5d6e7f8091a2b3c4d5e6f70' }, account: '111122223333', region: 'eu-west-1' },
    ]);
  });

  it("a pull request card shows its source commit's message and author; a new source commit is read once more", async () => {
    const created = await run([read('pr-created.json')]);
    expect(lastBlocks(created, 'C0REVIEW01')).toContain('source `1a2b3c4` Add idempotency keys to refund requests — Mary Major');
    const updated = await run([read('pr-created.json'), read('pr-approved.json'), read('pr-source-updated.json')]);
    // The approval names no new commit: no read. The source update names one the world does not know: shown bare.
    expect(getCommits(updated).map((c) => c.input['commitId'])).toEqual([
      '1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d',
      '2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e',
    ]);
    expect(lastBlocks(updated, 'C0REVIEW01')).toContain('source `2b3c4d5`"');
  });

  it("a pipeline whose source is CodeCommit shows the commit's author next to the commit line", async () => {
    const calls = await run([sourceAction('STARTED', 'a1', '2026-03-03T09:31:00Z'), sourceAction('SUCCEEDED', 'a2', '2026-03-03T09:31:10Z')]);
    const last = lastBlocks(calls, 'C0ALL00001');
    expect(last).toMatch(/commit <[^>]+\|4e5d6f7> Round refunds to the currency's minor unit — dana/);
    // The repository from the action's configuration in the pipeline's definition, then one read.
    expect(calls.filter((c) => c.call === 'codepipeline.getPipeline').map((c) => c.input['name'])).toEqual(['payments-api']);
    expect(getCommits(calls)).toHaveLength(1);
  });

  it('a denied or failed read never holds the card back: it shows without the author', async () => {
    const denied: CommitsPort = {
      commit: async () => {
        throw Object.assign(new Error('not authorized to perform: codecommit:GetCommit'), { name: 'AccessDeniedException' });
      },
    };
    const branch = await run([read('branch-updated.json')], WORLD, denied);
    expect(slackIn(branch, 'C0REVIEW01')).toHaveLength(1);
    expect(lastBlocks(branch, 'C0REVIEW01')).toContain(': `9f1c2ab` → `4e5d6f7` by dana');
    expect(lastBlocks(branch, 'C0REVIEW01')).not.toContain('—');
    const pipeline = await run([sourceAction('SUCCEEDED', 'a2', '2026-03-03T09:31:10Z')], WORLD, denied);
    expect(lastBlocks(pipeline, 'C0ALL00001')).toMatch(/4e5d6f7> Round refunds to the currency's minor unit"/);
    // A commit the account does not have (the world has none): the card as the event said it.
    const unknown = await run([read('pr-created.json')], {});
    expect(lastBlocks(unknown, 'C0REVIEW01')).toContain('source `1a2b3c4`"');
  });
});
