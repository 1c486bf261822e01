import { type CodeCommitClient, GetCommentCommand, GetCommitCommand } from '@aws-sdk/client-codecommit';
import { PermanentError } from '../kernel/errors';
import type { CommitInfo, CommitsPort } from '../kernel/ports';
import { type ClientsIn, clientAt } from './actor';
import { classifyAwsError } from './aws-errors';

/**
 * CodeCommit commits (`codecommit.getCommit`) in their repository's account and region, for the
 * message and author a card shows. A commit never changes, so each is read once per container per
 * repository and commit; a commit that is gone, or may not be read (AccessDenied, a member without
 * the permission), is undefined and remembered as such. A transient failure is thrown and not kept.
 *
 * @example await createCommitsPort(clients).commit({ place, repository: 'payments-api', commitId: '9f1c2ab…' })
 * // { message: 'Round refunds…', author: { name: 'dana', email: 'dana@example.com', date: '…' } }
 */
export function createCommitsPort(clients: ClientsIn<CodeCommitClient>): CommitsPort {
  const cache = new Map<string, Promise<CommitInfo | undefined>>();
  return {
    commit({ place, repository, commitId }) {
      const key = `${place.account}/${place.region}/${repository}/${commitId}`;
      const cached = cache.get(key);
      if (cached) return cached;
      const what = `codecommit.getCommit ${repository}@${commitId}`;
      const read = (async (): Promise<CommitInfo | undefined> => {
        try {
          const out = await clientAt(clients, place, what).send(new GetCommitCommand({ repositoryName: repository, commitId }));
          const c = out.commit;
          if (!c) return undefined;
          const author = c.author && {
            ...(c.author.name ? { name: c.author.name } : {}),
            ...(c.author.email ? { email: c.author.email } : {}),
            ...(c.author.date ? { date: c.author.date } : {}),
          };
          return { ...(c.message ? { message: c.message } : {}), ...(author ? { author } : {}) };
        } catch (error) {
          const classified = classifyAwsError(what, error);
          if (classified instanceof PermanentError) return undefined;
          throw classified;
        }
      })();
      cache.set(key, read);
      read.catch(() => cache.delete(key));
      return read;
    },
    // Any failure is thrown as the SDK gives it: its only reader (functions/notify/app/commits.ts) replies without the text.
    async comment({ place, commentId }) {
      const { comment } = await clientAt(clients, place, 'codecommit.getComment').send(new GetCommentCommand({ commentId }));
      return comment?.deleted ? undefined : comment?.content;
    },
  };
}
