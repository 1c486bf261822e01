/** CodeCommit for approvals (aws-sdk-client-mock): a commit's author, and errors sorted like every AWS adapter's. */
import { CodeCommitClient, CommitIdDoesNotExistException, GetCommitCommand } from '@aws-sdk/client-codecommit';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it } from 'vitest';
import { createCommitsPort } from '../../functions/approvals/aws/codecommit';
import { PermanentError, RetryableError } from '../../functions/kernel/errors';

const cc = mockClient(CodeCommitClient);
const port = () => createCommitsPort(new CodeCommitClient({ region: 'eu-west-1' }));
const COMMIT = '7e9fd3091b2c4d5e6f708192a3b4c5d6e7f80912';

describe('commits port', () => {
  beforeEach(() => cc.reset());

  it('reads the author of a commit (GetCommit, the shape AWS documents)', async () => {
    cc.on(GetCommitCommand).resolves({
      commit: {
        commitId: COMMIT,
        treeId: '347a3408b2c4d5e6f708192a3b4c5d6e7f80912a',
        parents: ['7aa87a031b2c4d5e6f708192a3b4c5d6e7f80912'],
        message: 'Add refunds',
        author: { name: 'Mary Major', email: 'mary@example.com', date: '1484167798 -0800' },
        committer: { name: 'CI bot', email: 'ci@example.com', date: '1484167798 -0800' },
        additionalData: '',
      },
    });
    expect(await port().author('payments', COMMIT)).toEqual({ email: 'mary@example.com', name: 'Mary Major' });
    expect(cc).toHaveReceivedCommandWith(GetCommitCommand, { repositoryName: 'payments', commitId: COMMIT });
  });

  it('a commit without an author email gives none; a missing commit is permanent, a throttle retryable', async () => {
    cc.on(GetCommitCommand)
      .resolvesOnce({ commit: { commitId: COMMIT, author: { name: 'Mary Major' } } })
      .rejectsOnce(new CommitIdDoesNotExistException({ message: 'no such commit', $metadata: { httpStatusCode: 400 } }))
      .rejectsOnce(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $metadata: { httpStatusCode: 400 } }));
    expect(await port().author('payments', COMMIT)).toEqual({ name: 'Mary Major' });
    await expect(port().author('payments', COMMIT)).rejects.toBeInstanceOf(PermanentError);
    await expect(port().author('payments', COMMIT)).rejects.toBeInstanceOf(RetryableError);
  });
});
