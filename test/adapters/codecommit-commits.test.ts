/** CodeCommit GetCommit for notify's cards (functions/platform/codecommit.ts): read once per commit, never a reason to fail. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { CodeCommitClient, GetCommitCommand, type GetCommitCommandOutput } from '@aws-sdk/client-codecommit';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { RetryableError } from '../../functions/kernel/errors';
import { createCommitsPort } from '../../functions/platform/codecommit';

const codecommit = mockClient(CodeCommitClient);
beforeEach(() => codecommit.reset());
const place = { account: '111122223333', region: 'eu-west-1' };
const ROUND_REFUNDS = JSON.parse(
  readFileSync(path.resolve(__dirname, '../fixtures/codecommit/get-commit/round-refunds.json'), 'utf8'),
) as GetCommitCommandOutput;
const COMMIT = '4e5d6f708192a3b4c5d6e7f8091a2b3c4d5e6f70';
const awsError = (name: string, status: number) => Object.assign(new Error(name), { name, $metadata: { httpStatusCode: status } });

describe('createCommitsPort', () => {
  it("reads a commit's message and author once per repository and commit", async () => {
    codecommit.on(GetCommitCommand).resolves(ROUND_REFUNDS);
    const port = createCommitsPort(new CodeCommitClient({ region: 'eu-west-1' }));
    const ref = { place, repository: 'payments-api', commitId: COMMIT };
    const first = await port.commit(ref);
    expect(first).toEqual({
      message: "Round refunds to the currency's minor unit\n\nA refund of 10.005 EUR was sent as 10.005: the ledger takes cents.\n",
      author: { name: 'dana', email: 'dana@example.com', date: '1772530190 +0000' },
    });
    expect(await port.commit(ref)).toEqual(first);
    expect(codecommit.commandCalls(GetCommitCommand).map((c) => c.args[0].input)).toEqual([{ repositoryName: 'payments-api', commitId: COMMIT }]);
    // Another repository, or another commit, is another read.
    await port.commit({ ...ref, repository: 'orders-api' });
    await port.commit({ ...ref, commitId: '1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d' });
    expect(codecommit.commandCalls(GetCommitCommand)).toHaveLength(3);
  });

  it('reads in the place the card is about (organization mode: one client per place)', async () => {
    codecommit.on(GetCommitCommand).resolves(ROUND_REFUNDS);
    const places: unknown[] = [];
    const port = createCommitsPort((p) => {
      places.push(p);
      return new CodeCommitClient({ region: p.region });
    });
    await port.commit({ place, repository: 'payments-api', commitId: COMMIT });
    expect(places).toEqual([place]);
  });

  it('a denied or missing commit is undefined (the card shows without it), and is not read again', async () => {
    codecommit.on(GetCommitCommand).rejectsOnce(awsError('AccessDeniedException', 400)).rejectsOnce(awsError('CommitIdDoesNotExistException', 400));
    const port = createCommitsPort(new CodeCommitClient({ region: 'eu-west-1' }));
    expect(await port.commit({ place, repository: 'payments-api', commitId: COMMIT })).toBeUndefined();
    expect(await port.commit({ place, repository: 'payments-api', commitId: COMMIT })).toBeUndefined();
    expect(await port.commit({ place, repository: 'payments-api', commitId: 'ffffffffffffffffffffffffffffffffffffffff' })).toBeUndefined();
    expect(codecommit.commandCalls(GetCommitCommand)).toHaveLength(2);
  });

  it('a throttle is thrown as retryable and not kept: the next event reads again', async () => {
    codecommit.on(GetCommitCommand).rejectsOnce(awsError('ThrottlingException', 400)).resolves(ROUND_REFUNDS);
    const port = createCommitsPort(new CodeCommitClient({ region: 'eu-west-1' }));
    const ref = { place, repository: 'payments-api', commitId: COMMIT };
    await expect(port.commit(ref)).rejects.toBeInstanceOf(RetryableError);
    expect((await port.commit(ref))?.author?.name).toBe('dana');
  });
});
