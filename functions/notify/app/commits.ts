/**
 * The CodeCommit commits a card names (a branch's or tag's commit, a pull request's source commit,
 * a pipeline's CodeCommit source revision), described with their message and author: events do not
 * carry them, so each is read once (GetCommit) when the card first names it, and kept on the card.
 * A read that fails, for whatever reason, never holds the card back: it shows without them.
 */
import type { CardCommit, RunCard } from '../../kernel/card/types';
import type { CommitsPort, Place } from '../../kernel/ports';
import { clip } from '../../kernel/render/format';
import type { NotifyDeps } from './deps';

/** A commit message's first line as a card shows it. */
const MESSAGE_MAX = 200;

interface Wanted {
  readonly commitId: string;
  /** The repository, or how to learn it (a pipeline's CodeCommit source action). */
  readonly repository: string | { readonly stage: string; readonly action: string };
}

/** The commits the card names that it does not describe yet. */
export function undescribedCommits(card: RunCard): Wanted[] {
  const wanted: Wanted[] = [];
  for (const { fact } of Object.values(card.facts)) {
    if (fact.type === 'pull-request' && fact.sourceCommit) wanted.push({ commitId: fact.sourceCommit, repository: fact.repository });
    else if (fact.type === 'reference' && fact.commitId && fact.state !== 'DELETED') wanted.push({ commitId: fact.commitId, repository: fact.repository });
    else if (card.run.kind === 'pipeline' && fact.type === 'action' && fact.category === 'Source' && fact.provider === 'CodeCommit' && fact.externalId)
      wanted.push({ commitId: fact.externalId, repository: { stage: fact.stage, action: fact.action } });
  }
  return wanted.filter((w, i) => !card.commits?.[w.commitId] && wanted.findIndex((o) => o.commitId === w.commitId) === i);
}

/** The card with its new commits described; the same card when there is nothing (new) to read. */
export async function withCommits(read: RunCard, deps: NotifyDeps): Promise<RunCard> {
  const port = deps.commits;
  if (!port) return read;
  const place: Place = { account: read.subject.account, region: read.subject.region };
  const card = await withComments(read, port, place);
  const wanted = undescribedCommits(card);
  if (wanted.length === 0) return card;
  const found: Record<string, CardCommit> = {};
  for (const w of wanted) {
    try {
      const repository = typeof w.repository === 'string' ? w.repository : await sourceRepository(card, w.repository, deps);
      if (!repository) continue;
      const commit = await port.commit({ place, repository, commitId: w.commitId });
      const message = commit?.message?.split('\n')[0]?.trim();
      const author = commit?.author?.name || commit?.author?.email;
      const committedAt = gitDate(commit?.author?.date);
      if (message || author)
        found[w.commitId] = {
          ...(message ? { message: message.length > MESSAGE_MAX ? `${message.slice(0, MESSAGE_MAX - 1)}…` : message } : {}),
          ...(author ? { author } : {}),
          ...(committedAt ? { committedAt } : {}),
        };
    } catch {
      // Not allowed, throttled, gone: the card goes out without the author, and the next event tries again.
    }
  }
  return Object.keys(found).length ? { ...card, commits: { ...card.commits, ...found } } : card;
}

/**
 * The card with its new pull request comments' text (GetComment), clipped. A read that fails, or a
 * comment gone, is kept as `''`: its reply goes out now without the text, and it is not read again.
 */
async function withComments(card: RunCard, port: CommitsPort, place: Place): Promise<RunCard> {
  const found: Record<string, string> = {};
  for (const [key, { fact }] of Object.entries(card.facts)) {
    if (fact.type !== 'pull-request-comment' || card.comments?.[key] !== undefined) continue;
    const text = await port.comment?.({ place, commentId: fact.commentId }).catch(() => undefined);
    found[key] = clip(text?.trim() ?? '', 300);
  }
  return Object.keys(found).length ? { ...card, comments: { ...card.comments, ...found } } : card;
}

/** A CodeCommit source action's repository, from its configuration in the pipeline's definition. */
async function sourceRepository(card: RunCard, ref: { readonly stage: string; readonly action: string }, deps: NotifyDeps): Promise<string | undefined> {
  const pipeline = card.subject.pipeline;
  if (!pipeline || !deps.pipelines.actionConfiguration) return undefined;
  const config = await deps.pipelines.actionConfiguration({ place: { account: card.subject.account, region: card.subject.region }, pipeline, ...ref });
  return config?.['RepositoryName'] || undefined;
}

/**
 * GetCommit's dates are git's: seconds since the epoch and the author's offset (`1484167798 -0800`);
 * an ISO date is taken as it is. Anything else is left out.
 *
 * @example gitDate('1484167798 -0800') // '2017-01-11T20:49:58.000Z'
 */
export function gitDate(text: string | undefined): string | undefined {
  if (!text) return undefined;
  const epoch = /^(\d{9,11})(?:\s[+-]\d{4})?$/.exec(text.trim());
  const ms = epoch ? Number(epoch[1]) * 1000 : Date.parse(text);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}
