/** CodeCommit GetComment for a pull request comment's reply (functions/platform/codecommit.ts): the text, or undefined for a deleted comment. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { CodeCommitClient, GetCommentCommand, type GetCommentCommandOutput } from '@aws-sdk/client-codecommit';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { createCommitsPort } from '../../functions/platform/codecommit';

const codecommit = mockClient(CodeCommitClient);
beforeEach(() => codecommit.reset());
const place = { account: '111122223333', region: 'eu-west-1' };
/** `aws codecommit get-comment` output (test/fixtures/codecommit/SOURCES.md); the SDK's dates are Dates, unused here. */
const RETRY_CAP = JSON.parse(readFileSync(path.resolve(__dirname, '../fixtures/codecommit/get-comment/retry-cap.json'), 'utf8')) as GetCommentCommandOutput;
const COMMENT_ID = '695b2c1d-0000-4000-8000-00000000c0de';
const awsError = (name: string, status: number) => Object.assign(new Error(name), { name, $metadata: { httpStatusCode: status } });

describe('createCommitsPort().comment', () => {
  it("reads the comment's content by its id, in the place the card is about, each time it is asked (a comment may be edited)", async () => {
    codecommit.on(GetCommentCommand).resolves(RETRY_CAP);
    const places: unknown[] = [];
    const port = createCommitsPort((p) => {
      places.push(p);
      return new CodeCommitClient({ region: p.region });
    });
    expect(await port.comment?.({ place, commentId: COMMENT_ID })).toBe('Should the retry cap be <= 3 & logged?\nSee <https://example.com/rfc|the RFC>.');
    await port.comment?.({ place, commentId: COMMENT_ID });
    expect(codecommit.commandCalls(GetCommentCommand).map((c) => c.args[0].input)).toEqual([{ commentId: COMMENT_ID }, { commentId: COMMENT_ID }]);
    expect(places).toEqual([place, place]);
  });

  it('a deleted comment has no text', async () => {
    codecommit.on(GetCommentCommand).resolves({ comment: { ...RETRY_CAP.comment, content: '', deleted: true } });
    const port = createCommitsPort(new CodeCommitClient({ region: 'eu-west-1' }));
    expect(await port.comment?.({ place, commentId: COMMENT_ID })).toBeUndefined();
  });

  it('a failed read (denied, missing, throttled) is thrown as the SDK gives it: notify then replies without the text', async () => {
    codecommit.on(GetCommentCommand).rejectsOnce(awsError('AccessDeniedException', 400)).rejectsOnce(awsError('ThrottlingException', 400));
    const port = createCommitsPort(new CodeCommitClient({ region: 'eu-west-1' }));
    await expect(port.comment?.({ place, commentId: COMMENT_ID })).rejects.toThrow('AccessDeniedException');
    await expect(port.comment?.({ place, commentId: COMMENT_ID })).rejects.toThrow('ThrottlingException');
  });
});
