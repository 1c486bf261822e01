/** The world file's `commits` section: GetCommit's output keyed `<repository>/<commitId>`, top level and per account. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readWorldFile } from '../../cli/world-file';
import { createRecorder, type World } from '../../functions/platform/recording';

const COMMIT = '4e5d6f708192a3b4c5d6e7f8091a2b3c4d5e6f70';
const output = JSON.parse(readFileSync(path.resolve(__dirname, '../fixtures/codecommit/get-commit/round-refunds.json'), 'utf8')) as unknown;
const file = (world: unknown) => {
  const name = path.join(mkdtempSync(path.join(tmpdir(), 'warden-world-')), 'world.json');
  writeFileSync(name, JSON.stringify(world));
  return name;
};

describe('world file: commits', () => {
  it('takes `aws codecommit get-commit` output by repository and commit, per account too, and replay answers from it', async () => {
    const result = readWorldFile(file({ commits: { [`payments-api/${COMMIT}`]: output }, accounts: { '444455556666': { commits: {} } } }));
    expect(result.ok).toBe(true);
    const recorder = createRecorder((result as { world: World }).world);
    const place = { account: '111122223333', region: 'eu-west-1' };
    expect((await recorder.commits.commit({ place, repository: 'payments-api', commitId: COMMIT }))?.author?.name).toBe('dana');
    expect(await recorder.commits.commit({ place, repository: 'orders-api', commitId: COMMIT })).toBeUndefined();
    expect(recorder.calls.map((c) => c.call)).toEqual(['codecommit.getCommit', 'codecommit.getCommit']);
  });

  it('names a key that is not <repository>/<full commit id>', () => {
    const result = readWorldFile(file({ commits: { 'payments-api/4e5d6f7': output } }));
    expect(result.ok).toBe(false);
    expect(result.ok ? [] : result.problems).toEqual([expect.stringContaining('commits["payments-api/4e5d6f7"]: Invalid key in record')]);
  });
});
