/**
 * CodeCommit for approvals: the author of the commit a run builds (GetCommit), who counts as a
 * starter of the run when a policy forbids self-approval.
 */
import { type CodeCommitClient, GetCommitCommand } from '@aws-sdk/client-codecommit';
import { callAws } from '../../platform/aws-errors';
import type { CommitsPort } from '../ports';

export function createCommitsPort(client: CodeCommitClient): CommitsPort {
  return {
    async author(repository, commitId) {
      const out = await callAws(`CodeCommit GetCommit ${repository}@${commitId}`, () =>
        client.send(new GetCommitCommand({ repositoryName: repository, commitId })),
      );
      const author = out.commit?.author;
      return { ...(author?.email ? { email: author.email } : {}), ...(author?.name ? { name: author.name } : {}) };
    },
  };
}
